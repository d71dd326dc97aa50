// Load and soak over loopback HTTP: concurrent writers of every kind against one simulator, with
// the invariants checked as they go (nothing lost, ids unique, listings as the writes left them),
// and the RSS sampled. `npm run soak` runs 10 minutes; CI runs bench/soak.test.ts (1 minute).
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSimulator } from '../simulator/index.ts';

export interface LoadOptions {
  readonly workers: number;
  /** Run this many iterations per worker, or until `durationS` passed. */
  readonly iterations?: number;
  readonly durationS?: number;
  /** Remove each iteration's directory at its end (a soak keeps the site's size constant). */
  readonly clean: boolean;
  readonly sampleEveryS?: number;
  /** Every so many iterations a worker also submits and cancels a job and makes a v1 task (default 5). */
  readonly jobEvery?: number;
  /**
   * Rounds a second, over all workers: a constant load, paced from the start of the run. Without
   * it the workers go as fast as the site answers.
   */
  readonly roundsPerSecond?: number;
  /** The site's request journal (default 10,000 requests, which a short run does not fill). */
  readonly journalLimit?: number;
}

export interface LoadReport {
  readonly iterations: number;
  readonly requests: number;
  readonly errors: readonly string[];
  readonly jobIds: number;
  readonly taskIds: number;
  /** Wall seconds the rounds took. */
  readonly seconds: number;
  /** RSS in MB, sampled after a full garbage collection. */
  readonly rss: readonly number[];
  /** What the process keeps alive, in MB at the same samples: the heap in use plus memory outside it (Buffers). */
  readonly live: readonly number[];
}

/** A full garbage collection before each memory sample, even where Node was started without --expose-gc. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

type Call = (
  method: string,
  path: string,
  body?: string | FormData,
  headers?: Record<string, string>,
) => Promise<Response>;

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  // the port first, so that presigned URLs name it
  const started_: { sim?: Awaited<ReturnType<typeof createSimulator>> } = {};
  const server = serve({
    fetch: (r: Request) => started_.sim?.fetch(r) ?? new Response('starting', { status: 503 }),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sim = await createSimulator({
    publicUrl: base,
    ...(options.journalLimit === undefined ? {} : { journalLimit: options.journalLimit }),
  });
  started_.sim = sim;
  const tokens = {
    alice: await sim.control.mintToken({ username: 'alice', ttlS: 86_400 }),
    bob: await sim.control.mintToken({ username: 'bob', ttlS: 86_400 }),
  };
  let requests = 0;
  const errors: string[] = [];
  const jobIds = new Set<number>();
  const taskIds = new Set<string>();
  const rss: number[] = [];
  const live: number[] = [];
  const started = performance.now();
  const over = () => options.durationS !== undefined && performance.now() - started > options.durationS * 1000;
  const gc = collector();
  // A collection, a turn of the event loop for the finalizers it queued (undici's requests release
  // their signal listeners there), and a second collection for what they let go.
  const sample = async () => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    const memory = process.memoryUsage();
    rss.push(Math.round(memory.rss / 1024 / 1024));
    live.push(Math.round((memory.heapUsed + memory.external) / 1024 / 102.4) / 10);
  };
  await sample();
  // One sample at a time, in order: the last one, taken at the end, stays the last.
  let sampling = Promise.resolve();
  const sampler = setInterval(
    () => {
      sampling = sampling.then(sample);
    },
    (options.sampleEveryS ?? 5) * 1000,
  );

  const callFor =
    (user: 'alice' | 'bob'): Call =>
    async (method, path, body, headers = {}) => {
      requests++;
      return fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens[user]}`, 'x-machine-name': 'daint', ...headers },
        ...(body === undefined ? {} : { body }),
      });
    };
  const expectStatus = async (what: string, answer: Response, status: number) => {
    const text = await answer.text();
    if (answer.status !== status) errors.push(`${what}: ${answer.status} ${text.slice(0, 200)}`);
    return text;
  };

  /** One round of every kind of write by one worker, each checked; returns the directory it made. */
  const iteration = async (worker: number, i: number) => {
    const user = worker % 2 === 0 ? 'alice' : 'bob';
    const call = callFor(user);
    const dir = `/home/${user}/soak/w${worker}/i${i}`;
    const json = { 'content-type': 'application/json' };
    await expectStatus(
      'mkdir',
      await call('POST', '/v2/filesystem/daint/ops/mkdir', JSON.stringify({ path: dir, parent: true }), json),
      201,
    );
    const form = new FormData();
    form.append('file', new File([`${worker}:${i}\n`], 'f.txt'));
    await expectStatus('upload', await call('POST', `/v2/filesystem/daint/ops/upload?path=${dir}`, form), 204);
    const rename = new URLSearchParams({ sourcePath: `${dir}/f.txt`, targetPath: `${dir}/g.txt` });
    await expectStatus(
      'v1 rename',
      await call('PUT', '/v1/utilities/rename', rename.toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      200,
    );
    const view = await expectStatus('view', await call('GET', `/v2/filesystem/daint/ops/view?path=${dir}/g.txt`), 200);
    if (view && (JSON.parse(view) as { output: string }).output !== `${worker}:${i}\n`)
      errors.push(`lost bytes in ${dir}/g.txt`);
    const ls = await expectStatus('ls', await call('GET', `/v2/filesystem/daint/ops/ls?path=${dir}`), 200);
    const names = ls ? (JSON.parse(ls) as { output: { name: string }[] }).output.map((e) => e.name).join(',') : '';
    if (names !== 'g.txt') errors.push(`listing of ${dir}: '${names}', want 'g.txt'`);
    if (i % (options.jobEvery ?? 5) === 0) {
      const job = JSON.stringify({ job: { script: '#!/bin/bash\nsleep 1000\n', workingDirectory: dir } });
      const submitted = await expectStatus('submit', await call('POST', '/v2/compute/daint/jobs', job, json), 201);
      const id = submitted ? Number((JSON.parse(submitted) as { jobId: string }).jobId) : NaN;
      if (jobIds.has(id)) errors.push(`job id ${id} given twice`);
      jobIds.add(id);
      await expectStatus('cancel', await call('DELETE', `/v2/compute/daint/jobs/${id}`), 204);
      const script = new FormData();
      script.append('file', new File(['#!/bin/bash\necho v1\n'], 'v1.sh'));
      const task = await expectStatus('v1 submit', await call('POST', '/v1/compute/jobs/upload', script), 201);
      const taskId = task ? (JSON.parse(task) as { task_id: string }).task_id : '';
      if (taskIds.has(taskId)) errors.push(`task id ${taskId} given twice`);
      taskIds.add(taskId);
      await expectStatus('v1 task', await call('GET', `/v1/tasks/${taskId}`), 200);
      await stagedUpload(call, `${dir}/staged.bin`, `${worker}:${i}:staged`);
    }
    if (options.clean) {
      await expectStatus('rm', await call('DELETE', `/v2/filesystem/daint/ops/rm?path=${dir}`), 204);
      // a v1 task keeps its script under ~/firecrest/<task>: the soak removes it too
      await call('DELETE', `/v2/filesystem/daint/ops/rm?path=/home/${user}/firecrest`).then((r) => r.arrayBuffer());
    }
  };

  /** A staged upload: presigned part, completion, then the transfer job; the file must arrive intact. */
  const stagedUpload = async (call: Call, path: string, text: string) => {
    const directives = { transferMethod: 's3', fileSize: text.length };
    const answer = await call(
      'POST',
      '/v2/filesystem/daint/transfer/upload',
      JSON.stringify({ path, transferDirectives: directives }),
      {
        'content-type': 'application/json',
      },
    );
    const body = await expectStatus('staged upload', answer, 201);
    if (!body) return;
    const staged = JSON.parse(body) as {
      transferJob: { jobId: string; logs: { outputLog: string; errorLog: string } };
      transferDirectives: { partsUploadUrls: string[]; completeUploadUrl: string };
    };
    const [url = ''] = staged.transferDirectives.partsUploadUrls;
    requests++;
    const put = await fetch(url, { method: 'PUT', body: text });
    await put.arrayBuffer();
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${put.headers.get('etag') ?? ''}</ETag></Part></CompleteMultipartUpload>`;
    requests++;
    await expectStatus(
      'staged completion',
      await fetch(staged.transferDirectives.completeUploadUrl, { method: 'POST', body: xml }),
      200,
    );
    for (let n = 0; n < 600; n++) {
      const job = await call('GET', `/v2/compute/daint/jobs/${staged.transferJob.jobId}`);
      const state = ((await job.json()) as { jobs?: { status: { state: string } }[] }).jobs?.[0]?.status.state ?? '';
      if (!['PENDING', 'RUNNING'].includes(state)) {
        if (state !== 'COMPLETED') errors.push(`staged upload to ${path}: its job ended ${state}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const view = await expectStatus(
      'staged view',
      await call('GET', `/v2/filesystem/daint/ops/view?path=${path}`),
      200,
    );
    if (view && (JSON.parse(view) as { output: string }).output !== text)
      errors.push(`staged upload to ${path}: bytes differ`);
    if (options.clean) {
      // the transfer job logs to the user's home, as FirecREST's do: the soak removes its own
      for (const log of [staged.transferJob.logs.outputLog, staged.transferJob.logs.errorLog]) {
        await expectStatus('rm transfer log', await call('DELETE', `/v2/filesystem/daint/ops/rm?path=${log}`), 204);
      }
    }
  };

  let iterations = 0;
  const made = new Map<number, number>();
  // Each worker's rounds are due at fixed times from the start; a late round does not bunch the next.
  const period = options.roundsPerSecond ? (1000 * options.workers) / options.roundsPerSecond : 0;
  const due = async (worker: number, i: number) => {
    const wait = started + period * (i + worker / options.workers) - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  await Promise.all(
    Array.from({ length: options.workers }, async (_, worker) => {
      for (let i = 0; options.iterations === undefined ? !over() : i < options.iterations; i++) {
        if (period > 0) await due(worker, i);
        await iteration(worker, i);
        iterations++;
        made.set(worker, i + 1);
      }
    }),
  );
  // nothing lost: each worker's directory lists exactly the iterations it kept
  if (!options.clean) {
    for (const [worker, count] of made) {
      const user = worker % 2 === 0 ? 'alice' : 'bob';
      const ls = await callFor(user)('GET', `/v2/filesystem/daint/ops/ls?path=/home/${user}/soak/w${worker}`);
      const names = ((await ls.json()) as { output: { name: string }[] }).output.map((e) => e.name).sort();
      const want = Array.from({ length: count }, (_, i) => `i${i}`).sort();
      if (names.join() !== want.join()) errors.push(`worker ${worker}: ${names.length} directories, want ${count}`);
    }
  }
  clearInterval(sampler);
  await sampling;
  await sample();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const seconds = Math.round(performance.now() - started) / 1000;
  return { iterations, requests, errors, jobIds: jobIds.size, taskIds: taskIds.size, seconds, rss, live };
}

/** Growth of a memory series from the sample after warm-up (a quarter of the run) to the last one, in percent. */
export function growth(series: readonly number[]): number {
  const warm = series[Math.max(1, Math.floor(series.length / 4))] ?? series[0] ?? 0;
  const last = series.at(-1) ?? warm;
  return warm === 0 ? 0 : Math.round(((last - warm) / warm) * 1000) / 10;
}

/** The report's lines; the series the run is held to (`gated`) shows its goal. */
export function formatLoadReport(report: LoadReport, gated?: 'rss' | 'live'): string {
  const goal = (series: 'rss' | 'live') => (series === gated ? ', goal within 10 %' : '');
  return [
    `${report.iterations} iterations, ${report.requests} requests (${Math.round(report.requests / report.seconds)} a second), ${report.jobIds} jobs, ${report.taskIds} v1 tasks, ${report.errors.length} errors`,
    `RSS MB: ${report.rss.join(' ')} (growth after warm-up ${growth(report.rss)} %${goal('rss')})`,
    `live MB: ${report.live.join(' ')} (growth after warm-up ${growth(report.live)} %${goal('live')})`,
    ...report.errors.slice(0, 10).map((e) => `  ${e}`),
  ].join('\n');
}

// npm run soak [SECONDS] [ROUNDS_PER_SECOND]: ten minutes at a constant 100 rounds a second (about
// 750 requests, a third of what two cores answer flat out) by eight writers; a rate of 0 goes as
// fast as the site answers, a stress rather than a soak.
if (import.meta.main) {
  const durationS = Number(process.argv[2] ?? 600);
  const rate = Number(process.argv[3] ?? 100);
  if (!(durationS > 0) || !(rate >= 0)) {
    console.error('usage: npm run soak [SECONDS > 0] [ROUNDS_PER_SECOND >= 0, 0 for flat out]');
    process.exit(2);
  }
  const report = await runLoad({
    workers: 8,
    durationS,
    clean: true,
    sampleEveryS: 15,
    jobEvery: 100,
    ...(rate > 0 ? { roundsPerSecond: rate } : {}),
  });
  console.log(
    `soak ${durationS} s at ${rate > 0 ? `${rate} rounds a second` : 'full speed'}: ${formatLoadReport(report, 'rss')}`,
  );
  process.exit(report.errors.length === 0 && Math.abs(growth(report.rss)) <= 10 ? 0 : 1);
}
