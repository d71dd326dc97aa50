// A 256 MB file through the staging area over HTTP on loopback: upload in presigned parts, the
// ingress job, then the staged download; throughput and the simulator's RSS.
import { serve } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createSimulator, type Simulator } from '../simulator/index.ts';

const SIZE = Number(process.env.BENCH_STAGED_MB ?? 256) * 1024 * 1024;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export async function benchStaging(): Promise<void> {
  const holder: { sim?: Simulator } = {};
  const server = serve({
    fetch: (r: Request) => (holder.sim ? holder.sim.fetch(r) : new Response(null, { status: 503 })),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sim = await createSimulator({ publicUrl: origin, clock: { mode: 'scaled', scale: 1 } });
  holder.sim = sim;
  const token = await sim.control.mintToken({ username: 'alice', ttlS: 3600 });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${origin}/v2/filesystem/daint${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  const waitJob = async (id: string) => {
    for (;;) {
      const job = (await (
        await fetch(`${origin}/v2/compute/daint/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { jobs: { status: { state: string } }[] };
      const state = job.jobs[0]?.status.state ?? '';
      if (!['PENDING', 'RUNNING'].includes(state)) return state;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const data = randomBytes(SIZE);
  globalThis.gc?.();
  const before = process.memoryUsage().rss;

  let t0 = performance.now();
  const up = (await (
    await api('/transfer/upload', {
      method: 'POST',
      body: JSON.stringify({
        path: '/scratch/alice/big.bin',
        transferDirectives: { transferMethod: 's3', fileSize: SIZE },
      }),
    })
  ).json()) as {
    transferJob: { jobId: string };
    transferDirectives: { partsUploadUrls: string[]; completeUploadUrl: string; maxPartSize: number };
  };
  const { partsUploadUrls, completeUploadUrl, maxPartSize } = up.transferDirectives;
  const etags: string[] = [];
  for (const [i, url] of partsUploadUrls.entries()) {
    const put = await fetch(url, { method: 'PUT', body: data.subarray(i * maxPartSize, (i + 1) * maxPartSize) });
    etags.push(put.headers.get('etag') ?? '');
  }
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  await fetch(completeUploadUrl, { method: 'POST', body: xml });
  const upState = await waitJob(up.transferJob.jobId);
  const upS = (performance.now() - t0) / 1000;
  const peakAfterUpload = process.memoryUsage().rss;

  t0 = performance.now();
  const down = (await (
    await api('/transfer/download', {
      method: 'POST',
      body: JSON.stringify({ path: '/scratch/alice/big.bin', transferDirectives: { transferMethod: 's3' } }),
    })
  ).json()) as {
    transferJob: { jobId: string };
    transferDirectives: { downloadUrl: string };
  };
  const downState = await waitJob(down.transferJob.jobId);
  let received = 0;
  for await (const chunk of (await fetch(down.transferDirectives.downloadUrl))
    .body as unknown as AsyncIterable<Uint8Array>)
    received += chunk.length;
  const downS = (performance.now() - t0) / 1000;
  const rss = process.memoryUsage().rss;
  server.close();

  console.log(
    `staged transfer of ${mib(SIZE)} over loopback (${partsUploadUrls.length} parts of ${mib(maxPartSize)}):`,
  );
  console.log(`  upload + ingress job:   ${(SIZE / 1024 / 1024 / upS).toFixed(0)} MiB/s (${upState})`);
  console.log(
    `  outgress job + download: ${(SIZE / 1024 / 1024 / downS).toFixed(0)} MiB/s (${downState}, ${received === SIZE ? 'all bytes' : `${received} bytes`})`,
  );
  const share = rss - before;
  console.log(
    `  RSS grew by ${mib(share)} (${mib(before)} -> ${mib(peakAfterUpload)} -> ${mib(rss)}; the client's copy of the data is in 'before') (goal < 1 GiB) ${share < 1024 ** 3 ? 'ok' : 'ABOVE GOAL'}`,
  );
}
