import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { check, inventory, profileText, startSite } from './live-site.ts';
import { runCli } from './run-cli.ts';

// Live runs against `serve` that wait on the wall clock: a token's expiry, a job that runs on.

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
