// A 1 GiB file through the staging area over loopback HTTP, as FirecREST's s3 method moves it:
// upload in presigned parts, completion, the ingress job; then the outgress job and the presigned
// download. The simulator runs in a child process (as `serve` runs it), so its RSS is its own;
// the client never holds the file: part bodies are rotations of one random 8 MiB block, and the
// download is compared with them as it arrives. Once with bytes in memory, once with --data-dir.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiB, type Figure } from './figures.ts';

const SIZE = Number(process.env.BENCH_STAGED_MB ?? 1024) * MiB;
const RSS_GOAL_MIB = 128;
const RATE_GOAL_MIBS = 300;

interface Site {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  /** How many parts the site tells clients to upload at once (its multipart `parallel_runs`). */
  readonly parallelRuns: number;
  /** The child's largest RSS reported since the last `settle`. */
  peak: number;
  /** After a full collection: the child's RSS and the CPU time it has used, in seconds. */
  settle(): Promise<{ rss: number; cpuS: number }>;
  stop(): Promise<void>;
}

async function startSite(dataDir: string | undefined): Promise<Site> {
  const child = fork(new URL('./staging-server.ts', import.meta.url), dataDir ? [dataDir] : [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the staging bench's simulator exited (${code})`)));
    child.on('message', (m: { url?: string; token?: string }) => {
      if (m.url && m.token) resolve({ url: m.url, token: m.token });
    });
  });
  const systems = (await (
    await fetch(`${ready.url}/v2/status/systems`, { headers: { authorization: `Bearer ${ready.token}` } })
  ).json()) as { systems: { dataOperation?: { data_transfer?: { multipart?: { parallel_runs?: number } } } }[] };
  const parallelRuns = systems.systems[0]?.dataOperation?.data_transfer?.multipart?.parallel_runs ?? 1;
  const site: Site = {
    child,
    ...ready,
    parallelRuns,
    peak: 0,
    settle: () =>
      new Promise((resolve) => {
        const on = (m: { settled?: number; cpuS?: number }) => {
          if (m.settled === undefined) return;
          child.off('message', on);
          site.peak = Math.max(site.peak, m.settled);
          resolve({ rss: m.settled, cpuS: m.cpuS ?? 0 });
        };
        child.on('message', on);
        child.send('settle');
      }),
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
  child.on('message', (m: { rss?: number }) => {
    if (m.rss !== undefined) site.peak = Math.max(site.peak, m.rss);
  });
  return site;
}

/**
 * The part bodies: a few rotations of one random block, made once (a body made per part costs the
 * client more than the server's work); part `i` is rotation `i` mod their number, so neighbours differ.
 */
function partsOf(block: Buffer): (i: number) => Buffer {
  const rotations = [0, 1, 2, 3, 4].map((r) => {
    const shift = (r * 1_048_583) % block.length;
    return Buffer.concat([block.subarray(shift), block.subarray(0, shift)]);
  });
  return (i) => rotations[i % rotations.length] as Buffer;
}

const agent = new Agent({ keepAlive: true });

/** One request over node's client (fetch copies each body): status, headers and, if asked, each chunk. */
function send(
  url: string,
  method: string,
  body: Buffer | undefined,
  onChunk: (chunk: Buffer) => void = () => undefined,
): Promise<{ status: number; etag: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent }, (res) => {
      res.on('data', onChunk);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: String(res.headers.etag ?? '') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Transfer {
  readonly upS: number;
  readonly downS: number;
  readonly parts: number;
  readonly partSize: number;
  /** RSS of the simulator before, and the largest during either direction. */
  readonly before: number;
  readonly peak: number;
  /** The simulator's CPU time in each direction: steadier than the rates on a shared machine. */
  readonly upCpuS: number;
  readonly downCpuS: number;
}

async function transfer(site: Site, partOf: (i: number) => Buffer): Promise<Transfer> {
  const api = async <T>(path: string, body?: unknown): Promise<T> => {
    const answer = await fetch(`${site.url}/v2${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${site.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await answer.json()) as T;
  };
  const waitJob = async (id: string) => {
    for (;;) {
      const { jobs } = await api<{ jobs: { status: { state: string } }[] }>(`/compute/daint/jobs/${id}`);
      const state = jobs[0]?.status.state ?? '';
      if (!['PENDING', 'RUNNING', ''].includes(state)) return state;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const start = await site.settle();
  site.peak = 0;

  let t0 = performance.now();
  const up = await api<{
    transferJob: { jobId: string };
    transferDirectives: { partsUploadUrls: string[]; completeUploadUrl: string; maxPartSize: number };
  }>('/filesystem/daint/transfer/upload', {
    path: '/scratch/alice/big.bin',
    transferDirectives: { transferMethod: 's3', fileSize: SIZE },
  });
  const { partsUploadUrls, completeUploadUrl, maxPartSize } = up.transferDirectives;
  const etags: string[] = [];
  // As a client does what the site's multipart settings say: so many parts on their way at once.
  let next = 0;
  const sender = async () => {
    for (let i = next++; i < partsUploadUrls.length; i = next++) {
      if (partOf(i).length !== maxPartSize) throw new Error(`the bench's parts are not of ${maxPartSize} bytes`);
      const body = partOf(i).subarray(0, Math.min(maxPartSize, SIZE - i * maxPartSize));
      const put = await send(partsUploadUrls[i] ?? '', 'PUT', body);
      if (put.status !== 200) throw new Error(`part ${i + 1}: ${put.status}`);
      etags[i] = put.etag;
    }
  };
  await Promise.all(Array.from({ length: site.parallelRuns }, sender));
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  if ((await send(completeUploadUrl, 'POST', Buffer.from(xml))).status !== 200) throw new Error('completion failed');
  const upState = await waitJob(up.transferJob.jobId);
  const upS = (performance.now() - t0) / 1000;
  if (upState !== 'COMPLETED') throw new Error(`the ingress job ended ${upState}`);
  const between = await site.settle();

  t0 = performance.now();
  const down = await api<{ transferJob: { jobId: string }; transferDirectives: { downloadUrl: string } }>(
    '/filesystem/daint/transfer/download',
    { path: '/scratch/alice/big.bin', transferDirectives: { transferMethod: 's3' } },
  );
  const downState = await waitJob(down.transferJob.jobId);
  if (downState !== 'COMPLETED') throw new Error(`the outgress job ended ${downState}`);
  let at = 0;
  let same = true;
  let part = -1;
  let expected: Buffer = Buffer.alloc(0);
  const got = await send(down.transferDirectives.downloadUrl, 'GET', undefined, (chunk) => {
    for (let used = 0; used < chunk.length;) {
      const p = Math.floor(at / maxPartSize);
      if (p !== part) [part, expected] = [p, partOf(p)];
      const within = at - p * maxPartSize;
      const n = Math.min(chunk.length - used, maxPartSize - within);
      same &&= chunk.subarray(used, used + n).equals(expected.subarray(within, within + n));
      used += n;
      at += n;
    }
  });
  const downS = (performance.now() - t0) / 1000;
  if (got.status !== 200 || at !== SIZE || !same)
    throw new Error(`the download differs (${got.status}, ${at} of ${SIZE} bytes)`);
  const end = await site.settle();
  return {
    upS,
    downS,
    parts: partsUploadUrls.length,
    partSize: maxPartSize,
    before: start.rss,
    peak: site.peak,
    upCpuS: between.cpuS - start.cpuS,
    downCpuS: end.cpuS - between.cpuS,
  };
}

export async function benchStaging(): Promise<Figure[]> {
  const partOf = partsOf(randomBytes(8 * MiB));
  const figures: Figure[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'f7t-bench-data-'));
  try {
    for (const store of ['memory', 'disk'] as const) {
      const site = await startSite(store === 'disk' ? dataDir : undefined);
      try {
        const run = await transfer(site, partOf);
        const prefix = store === 'memory' ? 'staging' : 'staging.disk';
        const what = store === 'memory' ? '' : ' (--data-dir)';
        const detail = `${SIZE / MiB} MiB in ${run.parts} parts of ${run.partSize / MiB} MiB, ${site.parallelRuns} at a time, loopback`;
        // In memory the site holds the file once (the object and the file share it); on disk, none of it.
        const held = store === 'memory' ? SIZE : 0;
        figures.push(
          {
            id: `${prefix}.upload`,
            label: `upload + ingress job${what}`,
            value: SIZE / MiB / run.upS,
            unit: 'MiB/s',
            ...(store === 'memory' ? { goal: { atLeast: RATE_GOAL_MIBS } } : {}),
            detail: `${detail}, simulator CPU ${run.upCpuS.toFixed(2)} s`,
          },
          {
            id: `${prefix}.download`,
            label: `outgress job + download${what}`,
            value: SIZE / MiB / run.downS,
            unit: 'MiB/s',
            ...(store === 'memory' ? { goal: { atLeast: RATE_GOAL_MIBS } } : {}),
            detail: `${detail}, simulator CPU ${run.downCpuS.toFixed(2)} s`,
          },
          {
            id: `${prefix}.rss`,
            label: `simulator RSS growth over the data it holds${what}`,
            value: (run.peak - run.before - held) / MiB,
            unit: 'MiB',
            goal: { atMost: RSS_GOAL_MIB },
            detail: `peak ${(run.peak / MiB).toFixed(0)} MiB, before ${(run.before / MiB).toFixed(0)} MiB, holding ${held / MiB} MiB in memory`,
          },
        );
      } finally {
        await site.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return figures;
}
