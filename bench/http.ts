// Throughput of the simulator's authenticated GET /v2/status/systems against a bare Hono route
// serving the same body, side by side in one run, and the simulator's start-up time. The load
// generator (autocannon) runs in a process of its own, so it does not share the event loop of the
// servers it measures.
import { serve, type ServerType } from '@hono/node-server';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { createSimulator } from '../simulator/index.ts';
import { percentile, type Figure } from './figures.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = 20;
const autocannonBin = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));

async function listen(
  fetch: (r: Request) => Response | Promise<Response>,
): Promise<{ server: ServerType; url: string }> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Requests per second over the run, from autocannon in a child process, and the CPU time this
 * process (the servers, nothing else) spent per request: on a shared machine the rate follows the
 * neighbours' load, the CPU time much less.
 */
async function load(
  url: string,
  headers: Record<string, string>,
  durationS = DURATION_S,
): Promise<{ rate: number; cpuUs: number }> {
  const args = [autocannonBin, '--json', '-c', String(CONNECTIONS), '-d', String(durationS)];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  const cpu = process.cpuUsage();
  const { stdout } = await promisify(execFile)(process.execPath, [...args, url], { maxBuffer: 16 * 1024 * 1024 });
  const used = process.cpuUsage(cpu);
  const result = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    non2xx: number;
    errors: number;
  };
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rate: result.requests.average, cpuUs: (used.user + used.system) / Math.max(1, result.requests.total) };
}

export async function benchHttp(): Promise<Figure[]> {
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
  // Warm both up, then measure them in turns (bare, simulator, bare, simulator) and compare the
  // sums, so a change of the machine's load during the run weighs on both alike.
  await load(`${bareServer.url}/v2/status/systems`, {}, 2);
  await load(`${simServer.url}/v2/status/systems`, auth, 2);
  let bareRate = 0;
  let simRate = 0;
  let bareCpu = 0;
  let simCpu = 0;
  for (let round = 0; round < 2; round++) {
    const bareRun = await load(`${bareServer.url}/v2/status/systems`, {});
    const simRun = await load(`${simServer.url}/v2/status/systems`, auth);
    bareRate += bareRun.rate / 2;
    simRate += simRun.rate / 2;
    bareCpu += bareRun.cpuUs / 2;
    simCpu += simRun.cpuUs / 2;
  }
  simServer.server.close();
  bareServer.server.close();

  const detail = `GET /v2/status/systems, ${body.length} bytes, ${CONNECTIONS} connections, 2 x ${DURATION_S} s each`;
  return [
    { id: 'http.bare', label: 'bare Hono', value: bareRate, unit: 'req/s', detail },
    { id: 'http.simulator', label: 'simulator (RS256 token)', value: simRate, unit: 'req/s', detail },
    { id: 'http.ratio', label: 'simulator / bare Hono', value: simRate / bareRate, unit: '', goal: { atLeast: 0.9 } },
    { id: 'http.cpu.bare', label: 'bare Hono, server CPU per request', value: bareCpu, unit: 'us', detail },
    { id: 'http.cpu.simulator', label: 'simulator, server CPU per request', value: simCpu, unit: 'us', detail },
    {
      id: 'http.cpu.ratio',
      label: 'bare Hono / simulator, CPU per request',
      value: bareCpu / simCpu,
      unit: '',
      detail: 'the throughput a server-bound run would reach, steadier than the rate on a shared machine',
    },
    {
      id: 'http.startup',
      label: 'simulator start-up, median of 5',
      value: percentile(startups, 50),
      unit: 'ms',
      detail: `min ${startups[0]?.toFixed(0)}, max ${startups.at(-1)?.toFixed(0)}`,
    },
  ];
}
