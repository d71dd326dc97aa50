import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { consoleFacts, htmlOutcomes, jsonOutcomes, junitOutcomes, readResults, type Outcomes } from './read-reports.ts';
import { runCli } from './run-cli.ts';

// The four reports of one run say the same thing, check by check: they are all written from
// one run record. Tried on a run with every outcome, with a filter, and with deviations.

const fault = (f: object) => ['--inject-fault', JSON.stringify(f)];

function expectReportsAgree(out: string, stdout: string, system = 'daint'): Outcomes {
  const json = jsonOutcomes(out);
  expect(json.size).toBeGreaterThan(0);
  expect(junitOutcomes(readFileSync(join(out, 'junit.xml'), 'utf8'))).toEqual(json);
  expect(htmlOutcomes(readFileSync(join(out, 'report.html'), 'utf8'))).toEqual(json);
  const { counts, named } = consoleFacts(stdout);
  expect(counts).toEqual(readResults(out).counts);
  const notable = [...json].filter(([, o]) => o === 'fail' || o === 'warn' || o === 'deviation');
  expect(named).toEqual(new Map(notable.map(([key, o]) => [key.replace(`@${system}`, '@'), o])));
  return json;
}

describe('reports', () => {
  test('agree check by check on a run with every outcome; a failed MUST wins over errors (exit 1)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'f7t-agree-'));
    const deviations = join(out, 'deviations.yaml');
    writeFileSync(deviations, '- id: V2-STATUS-PARTITIONS-001\n  reason: partitions are hidden here\n');
    const result = await runCli(
      [
        'check',
        '--embedded',
        '--no-progress',
        '--out',
        out,
        '--report',
        'console,json,junit,html',
        '--deviations',
        deviations,
        ...fault({ method: 'GET', path: '/v2/status/*/partitions', status: 503 }),
        ...fault({ method: 'GET', path: '/v2/status/*/nodes', status: 503 }),
        ...fault({ method: 'GET', path: '/v2/no-such-route-f7t', status: 200, body: { ok: true } }),
        // v1's systems list refused: every v1 check errors with the failed request as evidence.
        ...fault({ method: 'GET', path: '/v1/status/systems', status: 401 }),
        ...fault({ method: 'GET', path: '/v2/compute/*/jobs/*', dropField: 'jobs.status' }),
        // A site that answers every checksum request, whoever asks, with the same digest.
        ...fault({
          method: 'GET',
          path: '/v2/filesystem/*/ops/checksum',
          status: 200,
          body: { output: { algorithm: 'SHA256', checksum: '0'.repeat(64) } },
        }),
      ],
      { timeoutMs: 150_000 },
    );
    const json = expectReportsAgree(out, result.stdout);
    expect(json.get('V2-STATUS-PARTITIONS-001@daint')).toBe('deviation');
    expect(json.get('V2-STATUS-NODES-001@daint')).toBe('fail');
    expect(json.get('V2-ERRORS-002@daint')).toBe('warn');
    expect(json.get('V1-UTIL-WHOAMI-001@daint')).toBe('error');
    expect(json.get('V2-COMPUTE-GET-001@daint')).toBe('fail');
    expect(json.get('V2-FS-CHECKSUM-001@daint')).toBe('fail');
    expect(json.get('V2-FS-ISOLATION-002@daint')).toBe('fail');
    expect(json.get('V2-FS-VIEW-001@daint')).toBe('pass');
    const dropped = readResults(out).results.find((r) => r.requirement === 'V2-COMPUTE-GET-001');
    expect(dropped?.reason).toMatch(/status/);
    // Each check names the suite file it comes from, relative to the project.
    expect((dropped as { file?: string } | undefined)?.file).toBe('suites/v2/compute.spec.ts');
    expect(result.stdout).toMatch(/FAIL V2-STATUS-NODES-001/);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^verdict: FAIL .*V2-STATUS-NODES-001/);
    const v1 = readResults(out).results.find((r) => r.requirement === 'V1-UTIL-WHOAMI-001');
    expect(v1?.reason).toMatch(/\[GET\] \/status\/systems -> 401/);
    expect(result.code).toBe(1);
    expect(readResults(out).exit.code).toBe(1);
    // JUnit: a failure only for the failed MUST; the deviation and the warning pass.
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    const failed = [...json.values()].filter((o) => o === 'fail').length;
    expect(junit.match(/<failure /g)).toHaveLength(failed);
  }, 180_000);

  test('with --filter, every report lists only the checks that ran; declared skips exit 0, or 3 to certify; no MUST ran exits 2', async () => {
    const out = mkdtempSync(join(tmpdir(), 'f7t-filter-'));
    const args = ['check', '--embedded', '--no-progress', '--out', out, '--report', 'console,json,junit,html'];
    const compute = await runCli([...args, '--filter', 'V2-COMPUTE'], { timeoutMs: 120_000 });
    const json = expectReportsAgree(out, compute.stdout);
    expect([...json.keys()].every((k) => k.startsWith('V2-COMPUTE-'))).toBe(true);
    expect(compute.code).toBe(0);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toMatch(/"verdict": "OUT-OF-SCOPE"/);

    // --read-only declares the writing checks skipped: INCOMPLETE, exit 0, but 3 for a certification.
    const readOnly = [...args, '--filter', 'V2-(STATUS|COMPUTE)', '--read-only'];
    const declared = await runCli(readOnly, { timeoutMs: 120_000 });
    expectReportsAgree(out, declared.stdout);
    expect(declared.code).toBe(0);
    expect(declared.stdout.trim().split('\n').at(-1)).toMatch(/^verdict: INCOMPLETE/);
    const certify = await runCli([...readOnly, '--certify'], { timeoutMs: 120_000 });
    expect(certify.code).toBe(3);
    expect(certify.stdout).toMatch(/exit 3: certification needs every MUST run: .*compute@daint.* INCOMPLETE/);

    const should = await runCli([...args, '--filter', 'V2-DRIFT-001'], { timeoutMs: 120_000 });
    expectReportsAgree(out, should.stdout);
    expect(should.code).toBe(2);
    expect(should.stdout).toMatch(/exit 2: no MUST requirement ran/);
  }, 180_000);
});
