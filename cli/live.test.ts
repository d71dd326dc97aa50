import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../simulator/engines/fs/index.ts';
import { runCli, type CliOptions } from './run-cli.ts';
import { startServer, type RunningSimulator, type ServeConfig } from './serve.ts';
import { shapeFromProfile } from './site-shape.ts';
import { readSiteProfile } from './site-profile.ts';

// A live run (no control plane) against `serve` on a port: afterwards, also after Ctrl-C, the
// site holds nothing the run made. The test looks inside the simulator to be sure.

function profileText(origin: string): string {
  return [
    'name: live-test',
    'firecrest:',
    `  v2: ${origin}/v2`,
    `  v1: ${origin}/v1`,
    'auth:',
    `  tokenUrl: ${origin}/auth/token`,
    'identities:',
    '  - { clientId: alice-client, clientSecret: alice-secret, username: alice }',
    '  - { clientId: bob-client, clientSecret: bob-secret, username: bob }',
    'systems:',
    '  - { name: daint, partitions: [normal, debug] }',
    'scratch: /scratch/{username}',
    'jobs: { partition: normal, budget: 120 }',
    'transfer:',
    '  s3:',
    `    endpoint: ${origin}/s3`,
    '    accessKeyId: f7t-sim-access-key',
    '    secretAccessKey: f7t-sim-secret-key',
    '',
  ].join('\n');
}

/** A simulator on a free port of this machine, live (no control plane) unless told otherwise. */
const startSite = (config: Partial<ServeConfig>) =>
  startServer({
    port: 0,
    host: '127.0.0.1',
    seed: undefined,
    clients: [],
    publicUrl: undefined,
    clock: { mode: 'real' },
    controlPlane: false,
    privateJobs: false,
    ...config,
  });

/** Everything on the site a run could leave behind: paths, active jobs, objects and open uploads. */
function inventory(running: RunningSimulator) {
  const { state } = running.simulator;
  const paths: string[] = [];
  const walk = (system: string, path: string) => {
    const fs = state.filesystem(system);
    for (const entry of fs.list(ROOT, path)) {
      const full = `${path === '/' ? '' : path}/${entry.name}`;
      paths.push(`${system}:${full}`);
      if (entry.stat.type === 'directory') walk(system, full);
    }
  };
  const systems = ['daint'];
  for (const system of systems) walk(system, '/');
  state.scheduler.sync();
  const active: string[] = [];
  for (const system of systems) {
    const alice = state.user('alice');
    if (!alice) throw new Error('no alice');
    for (const job of state.scheduler.list(system, alice, { allUsers: true }))
      if (job.state === 'PENDING' || job.state === 'RUNNING') active.push(`${system}:${job.id} ${job.name}`);
  }
  const objects: string[] = [];
  for (const bucket of state.objects.buckets()) {
    for (const o of state.objects.list(bucket.name, { maxKeys: 1000 }).contents)
      objects.push(`${bucket.name}/${o.key}`);
    for (const u of state.objects.pendingUploads(bucket.name)) objects.push(`${bucket.name}/${u.key} (upload)`);
  }
  return { paths, active, objects };
}

const check = (args: string[], onStderr?: CliOptions['onStderr']) =>
  runCli(['check', ...args], { timeoutMs: 240_000, ...(onStderr ? { onStderr } : {}) });

describe('a live run against serve', () => {
  let running: RunningSimulator;
  let dir: string;
  let site: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'f7t-live-'));
    // The profile names the port, so the simulator is shaped from a first draft and told its URL.
    writeFileSync(join(dir, 'draft.yaml'), profileText('http://127.0.0.1:1'));
    running = await startSite({
      // Jobs and transfers run 60 times faster than the wall: a live run still waits for them.
      clock: { mode: 'scaled', scale: 60 },
      site: shapeFromProfile(readSiteProfile(join(dir, 'draft.yaml'))),
    });
    site = join(dir, 'site.yaml');
    writeFileSync(site, profileText(running.url));
  });
  afterAll(async () => {
    await running.close();
  });

  test('leaves no file, job or object of its own, and says so', async () => {
    const before = inventory(running);
    const out = join(dir, 'full');
    const result = await check([
      '--site',
      site,
      '--out',
      out,
      '--report',
      'console,json',
      '--filter',
      'V2-TRANSFER-UPLOAD-001|V2-TRANSFER-DOWNLOAD-001|V2-COMPUTE-CANCEL-001|V2-FS-MKDIR|V1-STORAGE-EXT|V1-COMPUTE-SUBMIT-001',
    ]);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^verdict: /);
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      results: { outcome: string }[];
      cleanup: { done: string[]; leftovers: unknown[] };
    };
    expect(report.results.length).toBeGreaterThan(5);
    expect(report.results.filter((r) => r.outcome !== 'pass')).toEqual([]);
    // The suites remove their own directories; staged objects only the cleanup can delete.
    expect(report.cleanup.done.some((line) => line.startsWith('deleted the staged object'))).toBe(true);
    expect(report.cleanup.leftovers).toEqual([]);
    expect(result.stdout).toMatch(/nothing of the run is left on the site/);
    const after = inventory(running);
    expect(after.paths.filter((p) => !before.paths.includes(p))).toEqual([]);
    expect(after.active).toEqual([]);
    expect(after.objects.filter((o) => !before.objects.includes(o))).toEqual([]);
  }, 240_000);

  test('an invalidate that answers 201 and leaves the object (as v1.16.6 on S3 does) does not fool the cleanup', async () => {
    running.simulator.control.injectFault({
      method: 'POST',
      path: '/v1/storage/xfer-external/invalidate',
      status: 201,
      body: { success: 'URL invalidated successfully' },
    });
    try {
      const before = inventory(running);
      const out = join(dir, 'v1-invalidate');
      const result = await check(['--site', site, '--out', out, '--report', 'json', '--filter', 'V1-STORAGE-EXT']);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
        cleanup: { done: string[]; leftovers: unknown[] };
      };
      expect(report.cleanup.done.filter((line) => line.startsWith('deleted the staged object alice/'))).not.toEqual([]);
      expect(report.cleanup.leftovers).toEqual([]);
      const after = inventory(running);
      expect(after.objects.filter((o) => !before.objects.includes(o))).toEqual([]);
    } finally {
      running.simulator.control.clearFaults();
    }
  }, 240_000);

  test('interrupted with SIGINT mid-run, it cancels, removes and exits 130', async () => {
    const before = inventory(running);
    const out = join(dir, 'interrupted');
    let sent = false;
    const result = await check(
      [
        '--site',
        site,
        '--out',
        out,
        '--report',
        'console,json',
        '--filter',
        'V2-COMPUTE|V2-TRANSFER|V2-WORKFLOW|V2-FS-UPLOAD',
      ],
      (stderr, child) => {
        // Interrupt once the run has made jobs, files and staged objects and is still going.
        const ledger = existsSync(out) ? readdirSync(out).find((f) => f.startsWith('ledger-')) : undefined;
        const made = ledger ? readFileSync(join(out, ledger), 'utf8') : '';
        if (!sent && made.includes('"kind":"object"') && /\d+\/\d+ checks/.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(result.code, result.stdout + result.stderr).toBe(130);
    expect(result.stderr).toMatch(/interrupted: stopping the checks, then cleaning up/);
    expect(existsSync(join(out, 'results.json')), result.stdout + result.stderr).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      verdict: string;
      problems: string[];
      cleanup: { leftovers: unknown[] };
    };
    expect(report.verdict).not.toBe('PASS');
    expect(report.problems.join(' ')).toMatch(/interrupted/);
    expect(report.cleanup.leftovers).toEqual([]);
    const after = inventory(running);
    expect(after.paths.filter((p) => !before.paths.includes(p))).toEqual([]);
    expect(after.active).toEqual([]);
    expect(after.objects.filter((o) => !before.objects.includes(o))).toEqual([]);
  }, 240_000);
});

test('plan asks the site only GETs and token requests, and prints the matrix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'f7t-plan-'));
  const running = await startSite({ clock: { mode: 'manual' }, controlPlane: true });
  try {
    const site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      profileText(running.url).replace('identities:', 'expiredToken: ${F7T_NO_SUCH_VAR:-}\nidentities:'),
    );
    const before = running.simulator.control.journal().length;
    const result = await runCli(['plan', '--site', site, '--read-only']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^compute\s+run \d+ \/ skip \d+/m);
    expect(result.stdout).toMatch(/--read-only: the check would change something on the site: \d+/);
    expect(result.stdout).toMatch(/the site's tokens outlive the job budget, and the profile gives no expired token/);
    const asked = running.simulator.control.journal().slice(before);
    expect(asked.length).toBeGreaterThan(2);
    const writing = asked.filter((e) => e.method !== 'GET' && !(e.method === 'POST' && e.path === '/auth/token'));
    expect(writing).toEqual([]);
  } finally {
    await running.close();
  }
}, 60_000);

test("without an expired token, the expired-token check waits for the run's first token to expire", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'f7t-aging-'));
  // Tokens that live 40 s (FirecREST refuses one with under 30 s left): the wait stays short.
  const running = await startSite({ tokenTtlS: 40 });
  try {
    const site = join(dir, 'site.yaml');
    writeFileSync(site, profileText(running.url));
    const plan = await runCli(['plan', '--site', site]);
    expect(plan.stdout).toMatch(
      /V2-AUTH-EXPIRED-001( and V1-AUTH-003 wait| waits) for the run's first token to expire \(it lives (39|40) s;/,
    );
    const out = join(dir, 'out');
    const result = await runCli(
      ['check', '--site', site, '--out', out, '--report', 'json', '--filter', 'V2-AUTH-EXPIRED-001|V1-AUTH-003'],
      {
        timeoutMs: 180_000,
      },
    );
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      results: { requirement: string; outcome: string; waitMs?: number; reason?: string }[];
    };
    const expired = report.results.filter((r) => r.requirement === 'V2-AUTH-EXPIRED-001');
    expect(expired, result.stdout + result.stderr).toHaveLength(1);
    expect(expired[0]?.outcome, expired[0]?.reason).toBe('pass');
    // The wait is reported as waiting, apart from the API's time.
    // v1's check uses the same token: whichever runs first waits, the other finds it expired.
    const v1 = report.results.find((r) => r.requirement === 'V1-AUTH-003');
    expect(v1?.outcome, v1?.reason).toBe('pass');
    expect((expired[0]?.waitMs ?? 0) + (v1?.waitMs ?? 0)).toBeGreaterThan(20_000);
    // The site was asked with a token it had issued and that had expired: its answer was 401.
    const refused = running.simulator.control
      .journal()
      .filter((e) => e.path === '/v2/status/systems' && e.status === 401);
    expect(refused.length).toBeGreaterThan(0);
  } finally {
    await running.close();
  }
}, 200_000);

test('on a v1-only site, a job whose cancel went astray is found by the scan and cancelled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'f7t-v1-only-'));
  // A real clock: the job (sleep 600) is still running when the scan comes, however slow the machine.
  const running = await startSite({});
  // The check's own cancel and the cleanup's first are acknowledged with a task and lost: only the
  // scan of the job list is left to find the job.
  const task = '0123456789abcdef0123456789abcdef';
  running.simulator.control.injectFault({
    method: 'DELETE',
    path: '/v1/compute/jobs/*',
    status: 200,
    body: { success: 'Task created', task_id: task, task_url: `/tasks/${task}` },
    times: 2,
  });
  try {
    const site = join(dir, 'v1-only.yaml');
    writeFileSync(site, profileText(running.url).replace(/^ {2}v2: .*\n/m, ''));
    const out = join(dir, 'out');
    const result = await check(['--site', site, '--out', out, '--report', 'json', '--filter', 'V1-COMPUTE-JOBS-001']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      cleanup: { done: string[]; leftovers: unknown[] };
    };
    expect(report.cleanup.done.filter((line) => /^cancelled job \d+ on daint/.test(line))).toHaveLength(1);
    expect(report.cleanup.leftovers).toEqual([]);
    expect(inventory(running).active).toEqual([]);
  } finally {
    await running.close();
  }
}, 240_000);
