import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from './run-cli.ts';

// No secret reaches an artefact of a run: tokens, client secrets, passwords, API keys, cookies
// and presigned signatures, whether the harness sent them or the site answered with them.

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWEtdG9rZW4';
const leaks = {
  cookie: 'S3CR3T-COOKIE-VALUE',
  apiKey: 'APIKEY-0123456789abcdef',
  clientSecret: 'alice-secret',
  password: 'hunter2-password',
};

test('no secret in any file the run wrote, nor in its output', async () => {
  const out = mkdtempSync(join(tmpdir(), 'f7t-redact-'));
  const fault = (f: object) => ['--inject-fault', JSON.stringify(f)];
  const result = await runCli(
    [
      'check',
      '--embedded',
      '--no-progress',
      '--out',
      out,
      '--report',
      'console,json,junit,html',
      '--filter',
      'V2-(STATUS|AUTH|TRANSFER-URL)',
      ...fault({
        method: 'GET',
        path: '/v2/status/*/nodes',
        setHeader: { name: 'set-cookie', value: `session=${leaks.cookie}` },
      }),
      ...fault({ method: 'GET', path: '/v2/status/systems', setHeader: { name: 'x-api-key', value: leaks.apiKey } }),
      // A broken answer that echoes credentials: the check fails and keeps the whole exchange.
      ...fault({
        method: 'GET',
        path: '/v2/status/*/partitions',
        status: 500,
        body: {
          message: `Bearer ${jwt} client_secret=${leaks.clientSecret}`,
          access_token: jwt,
          password: leaks.password,
          url: 'https://s3.example.org/b/k?X-Amz-Signature=0123456789abcdef0123456789abcdef&X-Amz-Expires=60',
        },
      }),
    ],
    { timeoutMs: 150_000 },
  );
  expect(result.code).toBe(1); // the partitions check failed, and its evidence was kept
  const files = readdirSync(out);
  expect(files).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'report.html']));
  const artefacts = [
    ...files.map((f) => ({ name: f, text: readFileSync(join(out, f), 'utf8') })),
    { name: 'stdout', text: result.stdout },
    { name: 'stderr', text: result.stderr },
  ];
  expect(readFileSync(join(out, 'results.json'), 'utf8')).toMatch(/V2-STATUS-PARTITIONS-001/);
  for (const { name, text } of artefacts) {
    for (const secret of Object.values(leaks)) expect(text.includes(secret), `${secret} in ${name}`).toBe(false);
    expect(text, name).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/);
    expect(text, name).not.toMatch(/X-Amz-Signature=[0-9a-f]{16,}/);
  }
}, 180_000);
