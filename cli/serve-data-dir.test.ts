import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import { runCli } from './run-cli.ts';
import { startServer, type RunningSimulator } from './serve.ts';

const scratch = mkdtempSync(join(tmpdir(), 'f7t-data-dir-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** The bytes of the files the site keeps under its data directory. */
const bytesUnder = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

async function serveWithDataDir(dir: string): Promise<RunningSimulator> {
  return startServer({
    port: 0,
    host: '127.0.0.1',
    seed: undefined,
    clients: [],
    publicUrl: undefined,
    clock: { mode: 'manual' },
    controlPlane: true,
    privateJobs: false,
    dataDir: dir,
  });
}

test('serve --data-dir keeps uploads and staged transfers as files under DIR, and removes them when it stops', async () => {
  const dir = mkdtempSync(join(scratch, 'site-'));
  const running = await serveWithDataDir(dir);
  const { simulator, url } = running;
  const siteDir = simulator.state.contents.directory ?? '';
  expect(siteDir.startsWith(dir)).toBe(true);
  const token = await simulator.control.mintToken({ username: 'alice' });
  const auth = { authorization: `Bearer ${token}` };
  const v2 = `${url}/v2/filesystem/daint`;
  const job = async (id: string) => {
    for (let i = 0; i < 50; i++) {
      simulator.control.advance(1);
      const answer = (await (await fetch(`${url}/v2/compute/daint/jobs/${id}`, { headers: auth })).json()) as {
        jobs: { status: { state: string } }[];
      };
      const state = answer.jobs[0]?.status.state ?? '';
      if (!['PENDING', 'RUNNING', ''].includes(state)) return state;
    }
    throw new Error(`job ${id} did not finish`);
  };

  // A small upload through ops: under the limit, read back whole.
  const small = randomBytes(200 * 1024);
  const form = new FormData();
  form.append('file', new Blob([small]), 'small.bin');
  expect((await fetch(`${v2}/ops/upload?path=/home/alice`, { method: 'POST', headers: auth, body: form })).status).toBe(
    204,
  );
  const checksum = (await (await fetch(`${v2}/ops/checksum?path=/home/alice/small.bin`, { headers: auth })).json()) as {
    output: { checksum: string };
  };
  expect(checksum.output.checksum).toBe(sha(small));

  // A staged upload in two presigned parts, the ingress job, then the staged download.
  const data = randomBytes(9 * 1024 * 1024);
  const up = (await (
    await fetch(`${v2}/transfer/upload`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        path: '/scratch/alice/big.bin',
        transferDirectives: { transferMethod: 's3', fileSize: data.length },
      }),
    })
  ).json()) as {
    transferJob: { jobId: string };
    transferDirectives: { partsUploadUrls: string[]; completeUploadUrl: string; maxPartSize: number };
  };
  const { partsUploadUrls, completeUploadUrl, maxPartSize } = up.transferDirectives;
  const etags: string[] = [];
  for (const [i, partUrl] of partsUploadUrls.entries()) {
    const put = await fetch(partUrl, { method: 'PUT', body: data.subarray(i * maxPartSize, (i + 1) * maxPartSize) });
    expect(put.status).toBe(200);
    etags.push(put.headers.get('etag') ?? '');
  }
  const parts = etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('');
  const done = await fetch(completeUploadUrl, {
    method: 'POST',
    body: `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`,
  });
  expect(done.status).toBe(200);
  expect(await job(up.transferJob.jobId)).toBe('COMPLETED');
  const staged = (await (await fetch(`${v2}/ops/checksum?path=/scratch/alice/big.bin`, { headers: auth })).json()) as {
    output: { checksum: string };
  };
  expect(staged.output.checksum).toBe(sha(data));
  // The bytes are on disk (the small upload and the two parts, each once), not in memory.
  expect(bytesUnder(siteDir)).toBeGreaterThanOrEqual(data.length + small.length);

  const down = (await (
    await fetch(`${v2}/transfer/download`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/scratch/alice/big.bin', transferDirectives: { transferMethod: 's3' } }),
    })
  ).json()) as { transferJob: { jobId: string }; transferDirectives: { downloadUrl: string } };
  expect(await job(down.transferJob.jobId)).toBe('COMPLETED');
  const got = await fetch(down.transferDirectives.downloadUrl);
  expect(got.status).toBe(200);
  expect(sha(Buffer.from(await got.arrayBuffer()))).toBe(sha(data));
  const ranged = await fetch(down.transferDirectives.downloadUrl, { headers: { range: 'bytes=8388600-8388615' } });
  expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(8388600, 8388616))).toBe(true);

  // A reset starts an empty directory and removes the old one; stopping removes the new one.
  simulator.control.reset();
  const next = simulator.state.contents.directory ?? '';
  expect(next).not.toBe(siteDir);
  await vi.waitFor(() => expect(existsSync(siteDir)).toBe(false));
  await running.close();
  expect(existsSync(next)).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
});

test('serve refuses a data directory that is missing or not a directory, saying so', async () => {
  const missing = await runCli(['serve', '--port', '0', '--data-dir', join(scratch, 'missing')], { timeoutMs: 30_000 });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/--data-dir: data directory .*missing: no such directory/);
  const file = join(scratch, 'a-file');
  writeFileSync(file, '');
  const notDir = await runCli(['serve', '--port', '0', '--data-dir', file], { timeoutMs: 30_000 });
  expect(notDir.code).toBe(2);
  expect(notDir.stderr).toMatch(/not a directory/);
});
