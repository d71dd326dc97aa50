import { describe, expect, test } from 'vitest';
import { createSimulator, type Simulator } from '../index.ts';
import { MAX_SCRIPT_BYTES, MAX_SMALL_FILE_BYTES, MAX_URL_BYTES } from './limits.ts';

const CHUNK = 64 * 1024;

/** A chunked body of `total` bytes that counts what the site pulled from it. */
function countedStream(total: number, fill = 0x61) {
  const pulled = { bytes: 0 };
  const chunk = new Uint8Array(CHUNK).fill(fill);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= total) return controller.close();
      pulled.bytes += CHUNK;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled };
}

async function setup() {
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const token = await sim.control.mintToken({ username: 'alice' });
  const call = (method: string, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    sim.fetch(
      new Request(`http://localhost${path}`, {
        ...init,
        method,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
        // a streamed body needs duplex, which RequestInit's type does not know yet
        ...((init.body instanceof ReadableStream ? { duplex: 'half' } : {}) as object),
      }),
    );
  return { sim, call };
}

/** Times liveness answers every few ms until `work` settles; the slowest one is the loop's worst stall. */
async function livenessDuring(sim: Simulator, work: Promise<unknown>): Promise<number> {
  let done = false;
  void work.finally(() => (done = true));
  let worst = 0;
  while (!done) {
    const started = performance.now();
    await sim.fetch(new Request('http://localhost/v2/status/liveness/'));
    worst = Math.max(worst, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return worst;
}

describe('limits, enforced while the body streams', () => {
  test('a 24 MB job script is refused with sbatch words before it is read whole', async () => {
    const { call } = await setup();
    const { body, pulled } = countedStream(24 * 1024 * 1024);
    const answer = await call('POST', '/v2/compute/daint/jobs', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(500);
    expect(((await answer.json()) as { message: string }).message).toContain(
      'Batch job submission failed: Pathname of a file, directory or other parameter too long',
    );
    expect(pulled.bytes).toBeLessThanOrEqual(2 * MAX_SCRIPT_BYTES + 2 * CHUNK);
  });

  test('a script just over 4 MB in a small body is refused by sbatch; the job list is unchanged', async () => {
    const { sim, call } = await setup();
    const script = `#!/bin/bash\n${'#'.repeat(MAX_SCRIPT_BYTES)}\n`;
    const answer = await call('POST', '/v2/compute/daint/jobs', {
      body: JSON.stringify({ job: { script, workingDirectory: '/home/alice' } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(500);
    expect(sim.state.scheduler.list('daint', sim.state.user('alice')!, {})).toHaveLength(0);
  });

  test('a 50 MB chunked upload gets its 413 after about 5 MB, in each generation', async () => {
    const { call } = await setup();
    const v2 = countedStream(50 * 1024 * 1024);
    const answer = await call('POST', '/v2/filesystem/daint/ops/upload?path=/home/alice', {
      body: v2.body,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.get('connection')).toBe('close');
    expect(await answer.json()).toMatchObject({ errorType: 'error', message: 'File to upload is too large.' });
    expect(v2.pulled.bytes).toBeLessThanOrEqual(MAX_SMALL_FILE_BYTES + 128 * 1024);

    const v1 = countedStream(50 * 1024 * 1024);
    const old = await call('POST', '/v1/utilities/upload', {
      body: v1.body,
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'x-machine-name': 'daint' },
    });
    expect(old.status).toBe(413);
    expect(await old.json()).toEqual({
      description: `Failed to upload file. The file is over ${MAX_SMALL_FILE_BYTES} bytes`,
    });
    expect(v1.pulled.bytes).toBeLessThanOrEqual(MAX_SMALL_FILE_BYTES + 128 * 1024);
  });

  test('a declared Content-Length over the limit is refused unread', async () => {
    const { call } = await setup();
    const { body, pulled } = countedStream(2 * 1024 * 1024);
    const answer = await call('POST', '/v2/filesystem/daint/ops/mkdir', {
      body,
      headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
    });
    expect(answer.status).toBe(413);
    expect(pulled.bytes).toBeLessThanOrEqual(CHUNK);
  });

  test('a request target over 64 KiB is the plain-text 400 uvicorn gives; one just under is served', async () => {
    const { call } = await setup();
    const path = '/v2/status/daint/nodes?x=';
    const over = await call('GET', `${path}${'a'.repeat(MAX_URL_BYTES - path.length + 1)}`);
    expect(over.status).toBe(400);
    expect(over.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await over.text()).toBe('Invalid HTTP request received.');
    const under = await call('GET', `${path}${'a'.repeat(MAX_URL_BYTES - path.length)}`);
    expect(under.status).toBe(200);
  });

  test('liveness answers while the largest accepted script is submitted', async () => {
    const { sim, call } = await setup();
    const line = 'echo a line of output\n';
    const script = `#!/bin/bash\n${line.repeat(Math.floor((MAX_SCRIPT_BYTES - 64) / line.length))}`;
    const body = JSON.stringify({ job: { script, workingDirectory: '/home/alice' } });
    const submit = call('POST', '/v2/compute/daint/jobs', { body, headers: { 'content-type': 'application/json' } });
    const worst = await livenessDuring(sim, submit);
    expect((await submit).status).toBe(201);
    // The goal is 100 ms (npm run bench prints it); a shared CI machine gets some slack.
    expect(worst).toBeLessThan(250);
  });
});
