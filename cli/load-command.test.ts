import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { LoadReport } from '../reporters/load-report.ts';
import { startServedSite } from './load-embedded.ts';
import { loadCommand } from './load.ts';
import { startSite } from './live-site.ts';
import type { RunningSimulator } from './serve.ts';

// `load` in this process (cli/load.test.ts runs it as a child, which coverage does not see): the
// command's settings, report files and exit codes, against `serve` on a port of this process and
// against the child `--embedded` starts.

const tempDir = () => mkdtempSync(join(tmpdir(), 'f7t-load-cmd-'));
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')) as LoadReport;
const SECRET = 'alice-load-cmd-secret-4c1';

/** Runs the command with its stdout and stderr captured. */
async function runLoad(args: string[]) {
  let stdout = '';
  let stderr = '';
  const capture = (sink: (text: string) => void) => (chunk: string | Uint8Array) => {
    sink(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture((t) => (stdout += t)));
  vi.spyOn(process.stderr, 'write').mockImplementation(capture((t) => (stderr += t)));
  try {
    const code = await loadCommand(args);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('load --site, in-process, against serve', () => {
  let site: RunningSimulator;
  beforeAll(async () => {
    site = await startSite({
      clients: [{ id: 'alice-load', secret: SECRET, username: 'alice' }],
      controlPlane: true,
    });
  });
  afterAll(() => site.close());
  afterEach(() => site.simulator.control.clearFaults());

  function profileFile(load: string, secret = SECRET): string {
    const path = join(tempDir(), 'site.yaml');
    writeFileSync(
      path,
      `name: load-cmd-site
firecrest: { v2: '${site.url}/v2' }
auth: { tokenUrl: '${site.url}/auth/token' }
identities: [{ clientId: alice-load, clientSecret: '${secret}' }]
systems: [{ name: daint }]
jobs: { budget: 30 }
${load}`,
    );
    return path;
  }

  test('within the bounds: lowered to them, load.json, load.html and the summary from one record', async () => {
    const out = tempDir();
    const profile = profileFile('load: { allowed: true, maxUsers: 1, maxRequestsPerSecond: 1000 }\n');
    const args = ['--site', profile, '--users', '3', '--requests', '16', '--poll-interval', '0.05', '--out', out];
    const result = await runLoad(args);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("f7t-conformance load: lowered to the site profile's bounds: --users 3 to maxUsers 1\n");
    const report = readReport(out);
    expect(report.settings).toMatchObject({ users: 1, requests: 16, rate: 1000, maxErrorRate: 0, pollIntervalS: 0.05 });
    expect(report.limits).toEqual({ maxUsers: 1, maxRequestsPerSecond: 1000, clamped: ['--users 3 to maxUsers 1'] });
    expect(report.target).toEqual({ kind: 'site', site: 'load-cmd-site', baseUrl: `${site.url}/v2`, system: 'daint' });
    expect(report.stoppedBy).toBe('requests');
    expect(report.totals).toMatchObject({ errors: 0, errorRate: 0, iterations: 2, cleanupRequests: 0 });
    expect(report.exit).toEqual({ code: 0, reason: 'error rate 0.00 % within the threshold 0.00 %' });
    expect(result.stdout).toContain(
      'f7t-conformance load: 1 users, 60 s, at most 16 requests, at most 1000 requests/s',
    );
    expect(result.stdout).toMatch(/^GET \/filesystem\/\{system_name\}\/ops\/ls\s+2\s/m);
    expect(result.stdout).toContain(`reports: ${join(out, 'load.json')}, ${join(out, 'load.html')}\n`);
    const html = readFileSync(join(out, 'load.html'), 'utf8');
    expect(html).toContain('<code>GET /filesystem/{system_name}/ops/ls</code>');
    for (const text of [result.stdout, readFileSync(join(out, 'load.json'), 'utf8'), html])
      expect(text).not.toContain(SECRET);
  });

  test('errors over the threshold exit 1, named by operation and status', async () => {
    site.simulator.control.injectFault({ path: '/v2/filesystem/daint/ops/ls', status: 503 });
    const out = tempDir();
    const profile = profileFile(
      'load: { allowed: true, maxUsers: 1, maxRequestsPerSecond: 1000, errorRateThreshold: 0.01 }\n',
    );
    const result = await runLoad(['--site', profile, '--requests', '14', '--poll-interval', '0.05', '--out', out]);

    expect(result.code).toBe(1);
    const report = readReport(out);
    expect(report.errors).toEqual([
      {
        operation: 'GET /filesystem/{system_name}/ops/ls',
        status: '503',
        count: 2,
        example: expect.stringContaining('503') as string,
      },
    ]);
    expect(report.exit.reason).toMatch(/^error rate \d+\.\d\d % over the threshold 1\.00 %$/);
    expect(result.stdout).toContain('errors by operation and status:\n  GET /filesystem/{system_name}/ops/ls 503: 2');
  });

  test('refused, bad usage and a run that cannot start exit 2 with the reason', async () => {
    const refused = await runLoad(['--site', profileFile('load: { allowed: false }\n'), '--out', tempDir()]);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(/^f7t-conformance load: the site profile 'load-cmd-site' does not allow load/);

    const usage = await runLoad(['--embedded', '--site', 'x.yaml']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      'f7t-conformance load: load takes --embedded or --site site.yaml\n(see f7t-conformance --help)\n',
    );

    const badSecret = profileFile('load: { allowed: true, maxUsers: 1, maxRequestsPerSecond: 100 }\n', 'wrong');
    const setup = await runLoad(['--site', badSecret, '--requests', '5', '--out', tempDir()]);
    expect(setup.code).toBe(2);
    expect(setup.stderr).toMatch(/^f7t-conformance load: the run could not start: .*401/);
  });
});

describe('load --embedded', () => {
  test('serve starts in a child process, the run goes against it, and it stops afterwards', async () => {
    const out = tempDir();
    const args = ['--embedded', '--users', '1', '--requests', '8', '--poll-interval', '0.05', '--out', out];
    const result = await runLoad(args);

    expect(result.code).toBe(0);
    const report = readReport(out);
    expect(report.target).toMatchObject({ kind: 'embedded', system: 'daint' });
    expect(report.target.baseUrl).toMatch(/^http:\/\/[\w.:[\]]+:\d+\/v2$/);
    expect(report.totals).toMatchObject({ iterations: 1, errors: 0 });
    // The child is gone: its port answers no more.
    await expect(fetch(`${report.target.baseUrl}/status/systems`)).rejects.toThrow();
  }, 30_000);

  test('a serve that prints no URLs in time is stopped, and the start fails saying so', async () => {
    await expect(startServedSite(undefined, 1)).rejects.toThrow(
      /^load --embedded: serve printed no URLs within 0\.001 s/,
    );
  });
});
