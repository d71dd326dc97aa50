// A site with 1,000,000 files: how long seeding takes, what it costs in memory, and the latency of
// `ls` on a 10,000-entry directory and of `stat`, through the HTTP layer in-process.
import { createSimulator } from '../simulator/index.ts';

const FILES = Number(process.env.BENCH_FILES ?? 1_000_000);
const PER_DIRECTORY = 10_000;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

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

export async function benchFilesystem(): Promise<void> {
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
  const ls = await timeRequests(
    30,
    (i) => get(`/ls?path=/scratch/alice/bench/d${String(i % directories).padStart(5, '0')}`),
    sim.fetch,
  );
  const stat = await timeRequests(
    2000,
    (i) => {
      const n = (i * 7919) % FILES;
      return get(
        `/stat?path=/scratch/alice/bench/d${String(Math.floor(n / PER_DIRECTORY)).padStart(5, '0')}/f${String(n % PER_DIRECTORY).padStart(6, '0')}`,
      );
    },
    sim.fetch,
  );
  console.log(
    `file system: ${FILES.toLocaleString('en')} files in ${directories} directories, seeded in ${(seedMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `  RSS: ${mib(after)} (${mib(after - before)} for the files, ${((after - before) / FILES).toFixed(0)} bytes per file)`,
  );
  console.log(
    `  ls of ${PER_DIRECTORY.toLocaleString('en')} entries: p50 ${percentile(ls, 50).toFixed(1)} ms, p99 ${percentile(ls, 99).toFixed(1)} ms (goal p50 < 100 ms) ${percentile(ls, 50) < 100 ? 'ok' : 'ABOVE GOAL'}`,
  );
  console.log(`  stat: p50 ${percentile(stat, 50).toFixed(3)} ms, p99 ${percentile(stat, 99).toFixed(3)} ms`);
}
