import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { check, inventory, profileText, startSite } from './live-site.ts';
import { runCli } from './run-cli.ts';
import type { RunningSimulator } from './serve.ts';
import { shapeFromProfile } from './site-shape.ts';
import { readSiteProfile } from './site-profile.ts';

// A live run (no control plane) against `serve` on a port: afterwards, also after Ctrl-C, the
// site holds nothing the run made. The test looks inside the simulator to be sure. The runs that
// wait on the wall clock are in live-waits.test.ts, so that the two files run side by side.

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
