// Oversized requests over loopback HTTP: how soon they are refused, and how long liveness waits
// meanwhile, against issue 14's goals (refusal under 1 s, liveness under 100 ms).
import { serve } from '@hono/node-server';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator } from '../simulator/index.ts';
import type { Figure } from './figures.ts';

const MB = 1024 * 1024;

/** Sends `total` bytes in 64 KiB chunks (chunked, or with a Content-Length); resolves with the status. */
function send(url: string, path: string, headers: Record<string, string>, total: number, chunked: boolean) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, {
      method: 'POST',
      headers: chunked ? headers : { ...headers, 'content-length': String(total) },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // the site closes the connection on a refusal while the client may still be writing
    req.on('error', (error) => (req.writableEnded ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (req.destroyed) return;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

async function measure(url: string, work: () => Promise<number>) {
  let done = false;
  let worst = 0;
  const started = performance.now();
  const status = work().finally(() => (done = true));
  while (!done) {
    const t = performance.now();
    await fetch(`${url}/v2/status/liveness/`).then((r) => r.arrayBuffer());
    worst = Math.max(worst, performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { status: await status, ms: performance.now() - started, worstLivenessMs: worst };
}

export async function benchLimits(): Promise<Figure[]> {
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const server = serve({ fetch: sim.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await sim.control.mintToken({ username: 'alice', ttlS: 3600 });
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const line = 'echo a line of output\n';
  const script = `#!/bin/bash\n${line.repeat(Math.floor((4 * MB - 64) / line.length))}`;
  const accepted = JSON.stringify({ job: { script, workingDirectory: '/home/alice' } });

  const cases: [string, string, () => Promise<number>][] = [
    [
      'limits.script24',
      '24 MB job script, Content-Length',
      () => send(url, '/v2/compute/daint/jobs', json, 24 * MB, false),
    ],
    [
      'limits.upload50',
      '50 MB chunked upload',
      () =>
        send(
          url,
          '/v2/filesystem/daint/ops/upload?path=/home/alice',
          {
            ...auth,
            'content-type': 'multipart/form-data; boundary=x',
          },
          50 * MB,
          true,
        ),
    ],
    [
      'limits.script4',
      '4 MB job script (the largest accepted)',
      () =>
        fetch(`${url}/v2/compute/daint/jobs`, { method: 'POST', headers: json, body: accepted }).then((r) => r.status),
    ],
  ];
  const figures: Figure[] = [];
  for (const [id, name, work] of cases) {
    const r = await measure(url, work);
    const refused = r.status >= 400;
    figures.push(
      {
        id: `${id}.answer`,
        label: `${name}, ${refused ? 'refused' : 'accepted'} (${r.status})`,
        value: r.ms,
        unit: 'ms',
        // A refusal must come before the body is read whole; an accepted request has no such goal.
        ...(refused ? { goal: { atMost: 1000 } } : {}),
      },
      {
        id: `${id}.liveness`,
        label: `${name}, slowest liveness answer meanwhile`,
        value: r.worstLivenessMs,
        unit: 'ms',
        goal: { atMost: 100 },
      },
    );
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return figures;
}
