// A scheduler with 100,000 jobs of 100 users (a month of history and the queue): how long seeding
// takes, what a job costs in memory, and the latency of one user's job list (about 1,000 jobs),
// through the HTTP layer in-process, in v2 and v1.
import { defaultSite } from '../fixtures/sites/default.ts';
import { createSimulator } from '../simulator/index.ts';
import { percentile, type Figure } from './figures.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 100_000);
const USERS = 100;
const LIST_GOAL_MS = 50;

async function timeRequests(count: number, request: () => Request, fetch: (r: Request) => Promise<Response>) {
  const times: number[] = [];
  let body = '';
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const answer = await fetch(request());
    body = await answer.text();
    if (answer.status !== 200) throw new Error(`${request().url} -> ${answer.status}`);
    times.push(performance.now() - t0);
  }
  // parsed once, after the timing: the client's JSON.parse is not the site's latency
  const jobs = (JSON.parse(body) as { jobs?: unknown[] }).jobs?.length ?? 0;
  return { times: times.sort((a, b) => a - b), jobs };
}

export async function benchJobs(): Promise<Figure[]> {
  const others = Array.from({ length: USERS - defaultSite.users.length }, (_, i) => ({
    name: `user${String(i + defaultSite.users.length + 1).padStart(3, '0')}`,
    accounts: [],
    extraGroups: [],
  }));
  const sim = await createSimulator({
    site: { ...defaultSite, users: [...defaultSite.users, ...others] },
    clock: { mode: 'manual' },
  });
  const token = await sim.control.mintToken({ username: 'alice', ttlS: 3600 });
  const auth = { authorization: `Bearer ${token}` };
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const seeded = sim.control.populateJobs({ system: 'daint', jobs: JOBS });
  const seedMs = performance.now() - t0;
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed - heapBefore;
  const rss = process.memoryUsage().rss - rssBefore;

  const v2 = await timeRequests(
    100,
    () => new Request('http://localhost/v2/compute/daint/jobs', { headers: auth }),
    sim.fetch,
  );
  const v1 = await timeRequests(
    100,
    () => new Request('http://localhost/v1/compute/acct', { headers: { ...auth, 'x-machine-name': 'daint' } }),
    sim.fetch,
  );
  const states = Object.entries(seeded.states)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ');
  const list = `GET /v2/compute/daint/jobs as alice in-process, ${v2.jobs} jobs, ${v2.times.length} requests`;
  return [
    {
      id: 'jobs.seed',
      label: 'seeding',
      value: seedMs / 1000,
      unit: 's',
      detail: `${JOBS.toLocaleString('en')} jobs of ${USERS} users: ${states}`,
    },
    {
      id: 'jobs.bytes-per-job',
      label: 'heap per job',
      value: heap / JOBS,
      unit: 'B',
      detail: `after a full GC; RSS ${(rss / JOBS).toFixed(0)} B per job`,
    },
    {
      id: 'jobs.list-p50',
      label: "one user's job list, p50",
      value: percentile(v2.times, 50),
      unit: 'ms',
      goal: { atMost: LIST_GOAL_MS },
      detail: list,
    },
    { id: 'jobs.list-p99', label: "one user's job list, p99", value: percentile(v2.times, 99), unit: 'ms' },
    {
      id: 'jobs.v1-acct-p50',
      label: "one user's v1 sacct, p50",
      value: percentile(v1.times, 50),
      unit: 'ms',
      detail: `GET /v1/compute/acct as alice (a task, first page of 25), p99 ${percentile(v1.times, 99).toFixed(1)} ms`,
    },
  ];
}
