// Throughput of the simulator's authenticated GET /v2/status/systems against a bare Hono route
// serving the same body, side by side in one run, and the simulator's start-up time.
import { serve, type ServerType } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createSimulator } from '../simulator/index.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = 20;

async function listen(
  fetch: (r: Request) => Response | Promise<Response>,
): Promise<{ server: ServerType; url: string }> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function load(url: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

export async function benchHttp(): Promise<void> {
  const startups: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await createSimulator();
    startups.push(performance.now() - t0);
  }
  startups.sort((a, b) => a - b);

  const sim = await createSimulator();
  const token = await sim.control.mintToken({ username: 'alice', ttlS: 3600 });
  const auth = { authorization: `Bearer ${token}` };
  const body = await (await sim.fetch(new Request('http://localhost/v2/status/systems', { headers: auth }))).text();
  const bare = new Hono().get('/v2/status/systems', (c) => c.body(body, 200, { 'content-type': 'application/json' }));

  const simServer = await listen(sim.fetch);
  const bareServer = await listen(bare.fetch);
  // Warm both up, then measure them one after the other in the same process.
  await load(`${bareServer.url}/v2/status/systems`, {});
  await load(`${simServer.url}/v2/status/systems`, auth);
  const bareRate = await load(`${bareServer.url}/v2/status/systems`, {});
  const simRate = await load(`${simServer.url}/v2/status/systems`, auth);
  simServer.server.close();
  bareServer.server.close();

  const ratio = simRate / bareRate;
  console.log(`GET /v2/status/systems (${body.length} bytes), ${CONNECTIONS} connections, ${DURATION_S} s each`);
  console.log(`  bare Hono:          ${bareRate.toFixed(0)} req/s`);
  console.log(`  simulator (RS256):  ${simRate.toFixed(0)} req/s`);
  console.log(`  ratio:              ${ratio.toFixed(2)} (goal >= 0.50) ${ratio >= 0.5 ? 'ok' : 'BELOW GOAL'}`);
  console.log(
    `simulator start-up:   median ${startups[2]?.toFixed(0)} ms (min ${startups[0]?.toFixed(0)}, max ${startups[4]?.toFixed(0)}) over 5`,
  );
}
