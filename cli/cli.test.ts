import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { bin, runCli } from './run-cli.ts';

const run = (args: string[], timeoutMs?: number) => runCli(args, timeoutMs ? { timeoutMs } : {});

interface ResultsFile {
  verdict: string;
  coverage: { operation: string; requirements: string[] }[];
  results: {
    requirement: string;
    outcome: string;
    file: string;
    reason?: string;
    exchanges?: { status: number; requestHeaders: Record<string, string> }[];
  }[];
}

const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsFile;

describe('check', () => {
  test('passes against serve on a port, and exits 2 when the token endpoint is unreachable', async () => {
    // A site clock 60 times faster than the wall: the run without a control plane waits for real.
    const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--clock', 'scaled:60'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let text = '';
        server.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const url = /FirecREST v2:\s+(\S+)/.exec(text)?.[1];
          if (url) resolve(url);
        });
        server.on('close', () => reject(new Error(`serve exited: ${text}`)));
      });
      const origin = new URL(base).origin;
      const out = mkdtempSync(join(tmpdir(), 'f7t-serve-'));
      const result = await run([
        'check',
        '--target',
        base,
        '--v1-target',
        `${origin}/v1`,
        '--token-url',
        `${origin}/auth/token`,
        '--client-id',
        'alice-client',
        '--client-secret',
        'alice-secret',
        '--second-client-id',
        'bob-client',
        '--second-client-secret',
        'bob-secret',
        '--control-url',
        `${origin}/_sim`,
        '--out',
        out,
        '--report',
        'json,junit',
      ]);
      expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^verdict: PASS/);
      expect(result.code).toBe(0);
      expect(readResults(out).results.every((r) => r.outcome === 'pass')).toBe(true);
      // Every operation of both specs was sent a request by a check: measured from the run's traffic.
      const coverage = (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsFile).coverage;
      expect(coverage.filter((row) => row.requirements.length === 0).map((row) => row.operation)).toEqual([]);
      expect(coverage.filter((row) => row.operation.startsWith('v1 '))).toHaveLength(51);
      expect(coverage.filter((row) => row.operation.startsWith('v2 '))).toHaveLength(35);
      expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/V2-COMPUTE-CANCEL-001/);

      // One identity and no control plane: the checks that need either are skipped with a reason
      // (the requirements that show it, and one that runs, so the run has a MUST to pass).
      const alone = await run([
        'check',
        '--filter',
        'V2-COMPUTE-LIST-002|V2-COMPUTE-CANCEL-002|V2-AUTH-EXPIRED-001|V2-STATUS-SYSTEMS-001',
        '--target',
        base,
        '--token-url',
        `${origin}/auth/token`,
        '--client-id',
        'alice-client',
        '--client-secret',
        'alice-secret',
        '--out',
        out,
        '--report',
        'json',
      ]);
      const skipped = readResults(out).results.filter((r) => r.outcome === 'skip');
      expect(skipped.map((r) => r.requirement)).toEqual(
        expect.arrayContaining(['V2-COMPUTE-LIST-002', 'V2-COMPUTE-CANCEL-002', 'V2-AUTH-EXPIRED-001']),
      );
      expect(skipped.every((r) => (r.reason ?? '').length > 10)).toBe(true);
      expect(alone.code).toBe(0);
    } finally {
      server.kill('SIGTERM');
    }
    const unreachable = await run([
      'check',
      '--target',
      'http://127.0.0.1:9/v2',
      '--token-url',
      'http://127.0.0.1:9/auth/token',
      '--client-id',
      'x',
      '--client-secret',
      'y',
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/token endpoint .* unreachable/);
  }, 180_000);

  test('a deviations file: a listed failure is a deviation, a listed passing requirement fails the run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'f7t-dev-'));
    const file = join(out, 'deviations.yaml');
    writeFileSync(
      file,
      [
        '- id: V2-STATUS-PARTITIONS-001',
        '  reason: partitions are hidden on this site',
        '- id: V2-STATUS-NODES-001',
        '  reason: listed by mistake',
        '',
      ].join('\n'),
    );
    const result = await run([
      'check',
      '--embedded',
      '--filter',
      'V2-STATUS',
      '--deviations',
      file,
      '--out',
      out,
      '--report',
      'console,json',
      '--inject-fault',
      JSON.stringify({ method: 'GET', path: '/v2/status/*/partitions', status: 503 }),
    ]);
    const results = readResults(out);
    expect(results.results.find((r) => r.requirement === 'V2-STATUS-PARTITIONS-001')?.outcome).toBe('deviation');
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^verdict: FAIL .*V2-STATUS-NODES-001.*remove the entry/);
  }, 120_000);

  test('refuses bad usage with exit 2 and a message', async () => {
    const result = await run(['check', '--target', 'http://127.0.0.1:9/v2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--token-url/);
  });
});
