import { serve as serveHttp, type ServerType } from '@hono/node-server';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readResults } from './read-reports.ts';
import { runCli } from './run-cli.ts';
import { startSite } from './live-site.ts';
import type { RunningSimulator } from './serve.ts';

// A site whose systems list is broken cannot be judged: every check is an error that names the
// request that failed, in every report, and the run exits 2 (it used to skip everything and
// exit 0). The site is `serve` behind a proxy that breaks that one answer.

type Breakage = (answer: Response) => Promise<Response>;

const breakages: Record<string, Breakage> = {
  // A valid token refused, as a site whose token validation is misconfigured does.
  unauthorized: () =>
    Promise.resolve(
      Response.json(
        { errorType: 'error', message: 'Invalid token', causedBy: null, data: null, user: null },
        { status: 401 },
      ),
    ),
  // The list under another key, as a site running an incompatible version might answer.
  renamed: async (answer) => {
    const { systems, ...rest } = (await answer.json()) as { systems: unknown };
    return Response.json({ ...rest, clusters: systems }, { status: answer.status });
  },
};

function startProxy(upstream: string, breakage: Breakage): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serveHttp(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: async (request: Request) => {
          const url = new URL(request.url);
          const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
          const answer = await fetch(new URL(`${url.pathname}${url.search}`, upstream), {
            method: request.method,
            headers: request.headers,
            ...(hasBody ? { body: await request.arrayBuffer() } : {}),
            redirect: 'manual',
          });
          if (request.method === 'GET' && url.pathname === '/v2/status/systems') return breakage(answer);
          return answer;
        },
      },
      (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

describe('a site whose systems list is broken', () => {
  let site: RunningSimulator;
  beforeAll(async () => {
    site = await startSite({
      clock: { mode: 'scaled', scale: 60 },
    });
  });
  afterAll(() => site.close());

  test.each(Object.keys(breakages))(
    '%s: exit 2, and every report names the failed request',
    async (name) => {
      const proxy = await startProxy(site.url, breakages[name] as Breakage);
      try {
        const out = mkdtempSync(join(tmpdir(), `f7t-broken-${name}-`));
        const result = await runCli(
          [
            'check',
            '--target',
            `${proxy.url}/v2`,
            '--token-url',
            `${site.url}/auth/token`,
            '--client-id',
            'alice-client',
            '--client-secret',
            'alice-secret',
            '--no-progress',
            '--out',
            out,
            '--report',
            'console,json,junit,html',
          ],
          { timeoutMs: 150_000 },
        );
        expect(result.code).toBe(2);
        const evidence =
          name === 'unauthorized'
            ? /\[GET\] \/status\/systems -> 401: .*Invalid token/
            : /\[GET\] \/status\/systems -> 200: .*"clusters"/;
        const report = readResults(out);
        // What the configuration leaves out is skipped with its reason; everything else is an error.
        const declared = /no v1 URL|second identity|profile is opt-in/;
        const errors = report.results.filter((r) => r.outcome === 'error');
        expect(errors.length).toBeGreaterThan(50);
        for (const r of report.results) {
          if (r.outcome === 'skip') expect(r.reason).toMatch(declared);
          else expect([r.outcome, r.reason]).toEqual(['error', expect.stringMatching(evidence)]);
        }
        expect(report.exit.code).toBe(2);
        const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
        expect(junit.match(/<error /g)).toHaveLength(errors.length);
        expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/\[GET\] \/status\/systems -&gt; (401|200)/);
        expect(result.stdout).toMatch(evidence);
        expect(result.stdout.trim().split('\n').at(-1)).toMatch(
          /^verdict: INCOMPLETE .* 0 passed, 0 failed, \d+ skipped, \d+ errors/,
        );
      } finally {
        proxy.server.close();
      }
    },
    180_000,
  );
});
