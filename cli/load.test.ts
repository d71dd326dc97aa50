import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { LoadReport } from '../reporters/load-report.ts';
import { loadSpec } from '../spec/load.ts';
import { ARTILLERY_PROCESSOR, ARTILLERY_SCENARIO, writeArtillery } from './load-artillery.ts';
import { LoadRefusedError, settingsOf } from './load.ts';
import { runCli } from './run-cli.ts';
import { startSite } from './live-site.ts';
import type { RunningSimulator } from './serve.ts';
import { readSiteProfile } from './site-profile.ts';

const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')) as LoadReport;
const tempDir = () => mkdtempSync(join(tmpdir(), 'f7t-load-'));
const SECRET = 'alice-load-secret-9f3';

function profileFile(baseUrl: string, load: string): string {
  const path = join(tempDir(), 'site.yaml');
  writeFileSync(
    path,
    `name: load-site
firecrest: { v2: '${baseUrl}/v2' }
auth: { tokenUrl: '${baseUrl}/auth/token' }
identities: [{ clientId: alice-load, clientSecret: '\${F7T_LOAD_TEST_SECRET}' }]
systems: [{ name: daint }]
jobs: { budget: 30 }
${load}`,
  );
  return path;
}

test('load --embedded: 5 users for 3 s write load.json with p50/p99 per operation and no error', async () => {
  const out = tempDir();
  const result = await runCli(['load', '--embedded', '--users', '5', '--duration', '3', '--out', out], {
    timeoutMs: 60_000,
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const report = readReport(out);
  expect(report.settings).toMatchObject({ users: 5, durationS: 3, maxErrorRate: 0 });
  expect(report.totals.errors).toBe(0);
  expect(report.totals.iterations).toBeGreaterThan(0);
  expect(report.totals.throughput).toBeGreaterThan(0);
  const operations = report.operations.map((o) => o.operation);
  expect(operations).toEqual(
    expect.arrayContaining([
      'GET /status/systems',
      'POST /compute/{system_name}/jobs',
      'GET /compute/{system_name}/jobs/{job_id}',
      'POST /filesystem/{system_name}/ops/upload',
      'GET /filesystem/{system_name}/ops/download',
      'GET /filesystem/{system_name}/ops/ls',
      'DELETE /filesystem/{system_name}/ops/rm',
    ]),
  );
  for (const o of report.operations) {
    expect(o.p50Ms).toBeGreaterThan(0);
    expect(o.p99Ms).toBeGreaterThanOrEqual(o.p50Ms);
    expect(o.nonConforming).toBe(0);
  }
  expect(result.stdout).toMatch(/GET \/compute\/\{system_name\}\/jobs\/\{job_id\}\s+\d+/);
  expect(readFileSync(join(out, 'load.html'), 'utf8')).toContain('Latency by operation');
}, 60_000);

describe('load --site against serve', () => {
  let site: RunningSimulator;
  beforeAll(async () => {
    site = await startSite({
      clients: [{ id: 'alice-load', secret: SECRET, username: 'alice' }],
      controlPlane: true,
    });
    process.env.F7T_LOAD_TEST_SECRET = SECRET;
  });
  afterAll(() => site.close());

  test('a profile without load.allowed is refused with exit 2, before any request', async () => {
    for (const section of ['', 'load: { allowed: false }\n']) {
      const result = await runCli(['load', '--site', profileFile(site.url, section), '--out', tempDir()]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/does not allow load: add load: \{ allowed: true, maxUsers/);
    }
  });

  test('within the bounds: lowered to them, nothing left behind, no secret in any output', async () => {
    const out = tempDir();
    const profile = profileFile(site.url, 'load: { allowed: true, maxUsers: 3, maxRequestsPerSecond: 200 }\n');
    const result = await runCli(['load', '--site', profile, '--users', '10', '--duration', '2', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('lowered to the site profile');
    const report = readReport(out);
    expect(report.settings).toMatchObject({ users: 3, rate: 200 });
    expect(report.limits?.clamped).toEqual(['--users 10 to maxUsers 3']);
    expect(report.totals.throughput).toBeLessThanOrEqual(200 * 1.05);
    expect(report.target).toMatchObject({ kind: 'site', site: 'load-site' });
    for (const text of [
      result.stdout,
      result.stderr,
      readFileSync(join(out, 'load.json'), 'utf8'),
      readFileSync(join(out, 'load.html'), 'utf8'),
    ]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/eyJ[\w-]{4,}\.[\w-]{4,}/);
    }
    const token = await site.simulator.control.mintToken({ username: 'alice' });
    const listing = await fetch(`${site.url}/v2/filesystem/daint/ops/ls?path=/home/alice`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await listing.text()).not.toContain('f7t-load-');
  }, 60_000);

  test('--requests: the rounds stop at the budget, then clean up past it', async () => {
    const out = tempDir();
    const profile = profileFile(site.url, 'load: { allowed: true, maxUsers: 4, maxRequestsPerSecond: 1000 }\n');
    const result = await runCli(['load', '--site', profile, '--requests', '40', '--duration', '30', '--out', out]);
    expect(result.code).toBe(0);
    const report = readReport(out);
    expect(report.stoppedBy).toBe('requests');
    expect(report.elapsedS).toBeLessThan(30);
    const tokens = report.operations.find((o) => o.operation.startsWith('POST {token endpoint}'))?.count ?? 0;
    expect(report.totals.requests - tokens - report.totals.cleanupRequests).toBe(40);
  }, 60_000);

  test('an error rate over the threshold exits 1, the errors named by operation and status', async () => {
    const fault = await fetch(`${site.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/v2/filesystem/*/ops/ls', status: 503, probability: 0.5 }),
    });
    expect(fault.status).toBeLessThan(300);
    const out = tempDir();
    const profile = profileFile(
      site.url,
      'load: { allowed: true, maxUsers: 3, maxRequestsPerSecond: 500, errorRateThreshold: 0.01 }\n',
    );
    const result = await runCli(['load', '--site', profile, '--duration', '2', '--poll-interval', '0.1', '--out', out]);
    await fetch(`${site.url}/_sim/faults`, { method: 'DELETE' });
    expect(result.code).toBe(1);
    const report = readReport(out);
    expect(report.totals.errorRate).toBeGreaterThan(0.01);
    expect(report.errors).toEqual([
      expect.objectContaining({ operation: 'GET /filesystem/{system_name}/ops/ls', status: '503' }),
    ]);
    expect(report.exit.reason).toMatch(/over the threshold 1\.00 %/);
    expect(result.stdout).toMatch(/GET \/filesystem\/\{system_name\}\/ops\/ls 503: \d+/);
  }, 60_000);
});

const flags = (args: string[]) =>
  parseArgs({
    args,
    options: {
      users: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string', default: '60' },
      requests: { type: 'string' },
      'max-error-rate': { type: 'string' },
      'poll-interval': { type: 'string', default: '1' },
    },
  }).values as Parameters<typeof settingsOf>[0];

test('settings: a site gets its bounds unless asked for less; errorRateThreshold unless --max-error-rate', () => {
  const profile = readSiteProfile(
    profileFile(
      'https://api.example.org',
      'load: { allowed: true, maxUsers: 8, maxRequestsPerSecond: 20, errorRateThreshold: 0.02 }\n',
    ),
  );
  expect(settingsOf(flags([]), profile)).toMatchObject({ plan: { users: 8, rate: 20 }, maxErrorRate: 0.02 });
  expect(settingsOf(flags(['--users', '2', '--rate', '5', '--max-error-rate', '0']), profile)).toMatchObject({
    plan: { users: 2, rate: 5 },
    maxErrorRate: 0,
    limits: { clamped: [] },
  });
  expect(settingsOf(flags(['--rate', '50']), profile).limits?.clamped).toEqual([
    '--rate 50 to maxRequestsPerSecond 20',
  ]);
  expect(() => settingsOf(flags([]), readSiteProfile(profileFile('https://x.org', '')))).toThrow(LoadRefusedError);
  expect(settingsOf(flags([]), undefined)).toMatchObject({ plan: { users: 10, durationS: 60 }, maxErrorRate: 0 });
  expect(() => settingsOf(flags(['--users', '0']), undefined)).toThrow(/--users takes a whole number from 1/);
  expect(() => settingsOf(flags(['--max-error-rate', '2']), undefined)).toThrow(/--max-error-rate/);
});

test('the Artillery export: required keys, no secret, and every URL an operation of the v2 spec', async () => {
  process.env.F7T_LOAD_TEST_SECRET = SECRET;
  const profile = readSiteProfile(
    profileFile('https://api.example.org', 'load: { allowed: true, maxUsers: 8, maxRequestsPerSecond: 20 }\n'),
  );
  const dir = tempDir();
  const plan = { users: 8, durationS: 30, pollIntervalS: 2, jobBudgetS: 120, rate: 20 };
  writeArtillery(dir, plan, profile, undefined);
  const text = readFileSync(join(dir, ARTILLERY_SCENARIO), 'utf8');
  expect(text + readFileSync(join(dir, ARTILLERY_PROCESSOR), 'utf8')).not.toContain(SECRET);
  const doc = parse(text) as {
    config: {
      target: string;
      phases: { arrivalCount: number }[];
      processor: string;
      plugins: unknown;
      variables: Record<string, unknown>;
    };
    scenarios: { beforeScenario: string; beforeRequest: string; flow: { loop: unknown[]; whileTrue: string }[] }[];
  };
  expect(doc.config.target).toBe('https://api.example.org/v2');
  expect(doc.config.phases[0]?.arrivalCount).toBe(8);
  expect(doc.config.processor).toBe(`./${ARTILLERY_PROCESSOR}`);
  expect(doc.config.plugins).toEqual({ 'metrics-by-endpoint': { useOnlyRequestNames: true } });
  expect(doc.config.variables).toMatchObject({ system: 'daint', tokenUrl: 'https://api.example.org/auth/token' });
  const [scenario] = doc.scenarios;
  expect(scenario).toMatchObject({ beforeScenario: 'setUp', beforeRequest: 'setAuthorization' });
  // Every request of the flow, nested loops included.
  const requests: { method: string; url: string; capture?: unknown }[] = [];
  const walk = (steps: unknown[]) => {
    for (const step of steps as Record<string, unknown>[]) {
      if (Array.isArray(step.loop)) walk(step.loop);
      for (const method of ['get', 'post', 'put', 'delete'])
        if (step[method]) requests.push({ method: method.toUpperCase(), ...(step[method] as { url: string }) });
    }
  };
  walk(scenario?.flow ?? []);
  expect(requests.length).toBe(8);
  const spec = await loadSpec('v2');
  for (const r of requests) {
    const path = r.url.replaceAll(/\{\{\s*\w+\s*\}\}/g, 'x');
    expect(spec.findOperation(r.method, path), `${r.method} ${r.url}`).toBeDefined();
  }
  expect(requests.filter((r) => r.capture).map((r) => r.capture)).toEqual([
    { json: '$.jobId', as: 'jobId' },
    { json: '$.jobs[0].status.state', as: 'jobState', strict: false },
  ]);
  // The module the processor names exports every function the scenario names.
  const processor = (await import(join(dir, ARTILLERY_PROCESSOR))) as { default: Record<string, unknown> };
  for (const name of ['setUp', 'setAuthorization', 'attachFile', 'resetJobState', 'jobNotFinal', 'beforeDeadline'])
    expect(typeof processor.default[name], name).toBe('function');
  expect(text).toContain('beforeRequest: attachFile');
});
