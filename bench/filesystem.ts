// A site with 1,000,000 files: how long seeding takes, what it costs in memory, and the latency of
// `ls` on a 10,000-entry directory and of `stat`, through the HTTP layer in-process.
import { createSimulator } from '../simulator/index.ts';
import { MiB, percentile, type Figure } from './figures.ts';

const FILES = Number(process.env.BENCH_FILES ?? 1_000_000);
const PER_DIRECTORY = 10_000;
const LS_GOAL_MS = 10;

async function timeRequests(count: number, request: (i: number) => Request, fetch: (r: Request) => Promise<Response>) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const answer = await fetch(request(i));
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`${request(i).url} -> ${answer.status}`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

export async function benchFilesystem(): Promise<Figure[]> {
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const token = await sim.control.mintToken({ username: 'alice', ttlS: 3600 });
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const { directories } = sim.control.populate({
    system: 'daint',
    user: 'alice',
    directory: '/scratch/alice/bench',
    files: FILES,
    perDirectory: PER_DIRECTORY,
  });
  const seedMs = performance.now() - t0;
  globalThis.gc?.();
  const after = process.memoryUsage().rss;
  const get = (path: string) =>
    new Request(`http://localhost/v2/filesystem/daint/ops${path}`, { headers: { authorization: `Bearer ${token}` } });
  const dir = (i: number) => `/scratch/alice/bench/d${String(i % directories).padStart(5, '0')}`;
  const ls = await timeRequests(100, (i) => get(`/ls?path=${dir(i)}`), sim.fetch);
  const stat = await timeRequests(
    2000,
    (i) => {
      const n = (i * 7919) % FILES;
      return get(`/stat?path=${dir(Math.floor(n / PER_DIRECTORY))}/f${String(n % PER_DIRECTORY).padStart(6, '0')}`);
    },
    sim.fetch,
  );
  const size = `${FILES.toLocaleString('en')} files in ${directories} directories`;
  const entries = `${Math.min(FILES, PER_DIRECTORY).toLocaleString('en')} entries`;
  return [
    { id: 'fs.seed', label: 'seeding', value: seedMs / 1000, unit: 's', detail: size },
    {
      id: 'fs.bytes-per-file',
      label: 'RSS per file',
      value: (after - before) / FILES,
      unit: 'B',
      detail: `RSS ${(after / MiB).toFixed(0)} MiB, ${((after - before) / MiB).toFixed(0)} MiB for the files`,
    },
    {
      id: 'fs.ls-p50',
      label: `ls of ${entries}, p50`,
      value: percentile(ls, 50),
      unit: 'ms',
      goal: { atMost: LS_GOAL_MS },
      detail: `GET /v2/filesystem/daint/ops/ls in-process, ${ls.length} directories in turn`,
    },
    { id: 'fs.ls-p99', label: `ls of ${entries}, p99`, value: percentile(ls, 99), unit: 'ms' },
    {
      id: 'fs.stat-p50',
      label: 'stat, p50',
      value: percentile(stat, 50),
      unit: 'ms',
      detail: `p99 ${percentile(stat, 99).toFixed(3)} ms over ${stat.length}`,
    },
  ];
}
