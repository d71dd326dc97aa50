import { describe, expect, test } from 'vitest';
import { createSimulator, type Simulator } from '../simulator/index.ts';
import type { Fetch } from '../suites/harness/target.ts';
import { LoadSetupError, startLoad, type LoadPlan, type LoadSite } from './load-runner.ts';
import { operationOf, TOKEN_OPERATION, type StepName } from './load-workflow.ts';

// The load runner and its workflow in this process, against an in-process simulator: the site's
// journal says what the users asked, its file system what they left behind.

const ROUND: StepName[] = ['systems', 'mkdir', 'submit', 'poll', 'upload', 'download', 'ls', 'rm'];
const IDENTITIES = [
  { clientId: 'alice-client', clientSecret: 'alice-secret' },
  { clientId: 'bob-client', clientSecret: 'bob-secret' },
];

/** A site whose requests go to `sim`, through `wrap` when given (to count, break or alter them). */
function siteOf(sim: Simulator, wrap?: (send: Fetch) => Fetch): LoadSite {
  const send: Fetch = (input, init) => sim.fetch(new Request(input, init));
  return {
    baseUrl: `${sim.publicUrl}/v2`,
    tokenUrl: `${sim.issuer}/token`,
    identities: IDENTITIES,
    fetch: wrap ? wrap(send) : send,
  };
}

const plan = (p: Partial<LoadPlan>): LoadPlan => ({
  users: 1,
  durationS: 30,
  pollIntervalS: 0.05,
  jobBudgetS: 30,
  ...p,
});

/** The names in a user's home, as the site lists them. */
async function homeOf(sim: Simulator, username: string): Promise<string[]> {
  const token = await sim.control.mintToken({ username });
  const url = `${sim.publicUrl}/v2/filesystem/daint/ops/ls?path=/home/${username}`;
  const response = await sim.fetch(new Request(url, { headers: { authorization: `Bearer ${token}` } }));
  expect(response.status).toBe(200);
  const body = (await response.json()) as { output: { name: string }[] };
  return body.output.map((e) => e.name).sort();
}

const countOf = (summary: { operations: readonly { operation: string; count: number }[] }, op: string) =>
  summary.operations.find((o) => o.operation === op)?.count ?? 0;

describe('startLoad against an in-process simulator', () => {
  test('a clean site: every operation of the round counted with p50/p99, no error, the budget stops it, homes left as found', async () => {
    const sim = await createSimulator();
    const homes = [await homeOf(sim, 'alice'), await homeOf(sim, 'bob')];
    sim.control.clearJournal();
    // 50 requests a second for 60: user 2 starts half a second in, so both users take part.
    const outcome = await startLoad(siteOf(sim), plan({ users: 2, requests: 60, rate: 50 })).done;

    expect(outcome.system).toBe('daint');
    expect(outcome.stoppedBy).toBe('requests');
    const { summary } = outcome;
    expect(summary.errors).toEqual([]);
    expect(summary.errorCount).toBe(0);
    for (const step of ROUND) {
      const o = summary.operations.find((x) => x.operation === operationOf(step));
      expect(o, step).toBeDefined();
      expect(o?.count, step).toBeGreaterThan(0);
      expect(o?.statuses, step).toEqual({
        [String(step === 'mkdir' || step === 'submit' ? 201 : step === 'upload' || step === 'rm' ? 204 : 200)]:
          o?.count,
      });
      expect(o?.p50Ms, step).toBeGreaterThanOrEqual(0);
      expect(o?.p99Ms, step).toBeGreaterThanOrEqual(o?.p50Ms ?? 0);
      expect(o?.maxMs, step).toBeGreaterThanOrEqual(o?.p99Ms ?? 0);
      expect(o?.nonConforming, step).toBe(0);
    }
    // The budget counts the rounds' requests exactly; tokens and cleanup go past it.
    const roundRequests = ROUND.reduce((n, step) => n + countOf(summary, operationOf(step)), 0);
    expect(roundRequests - summary.cleanupRequests).toBe(60);
    expect(summary.requests).toBe(roundRequests + countOf(summary, TOKEN_OPERATION));
    expect(outcome.iterations).toBeGreaterThanOrEqual(6);

    // Users take the identities in turn, each in its own directory.
    const made = sim.control
      .journal()
      .filter((j) => j.path === '/v2/filesystem/daint/ops/mkdir')
      .map((j) => j.user);
    expect(new Set(made)).toEqual(new Set(['alice', 'bob']));
    expect([await homeOf(sim, 'alice'), await homeOf(sim, 'bob')]).toEqual(homes);
  });

  test('a failing answer is an error by operation and status with its evidence; the round cleans up', async () => {
    const sim = await createSimulator();
    const home = await homeOf(sim, 'alice');
    sim.control.injectFault({ path: '/v2/filesystem/daint/ops/ls', status: 503, times: 1 });
    const { summary } = await startLoad(siteOf(sim), plan({ requests: 30 })).done;

    expect(summary.errors).toEqual([
      { operation: operationOf('ls'), status: '503', count: 1, example: expect.stringContaining('503') as string },
    ]);
    expect(summary.errorCount).toBe(1);
    const ls = summary.operations.find((o) => o.operation === operationOf('ls'));
    expect(ls?.errors).toEqual({ 503: 1 });
    expect(ls?.statuses['503']).toBe(1);
    // The directory of the failed round is removed as cleanup.
    expect(summary.cleanupRequests).toBeGreaterThanOrEqual(1);
    expect(await homeOf(sim, 'alice')).toEqual(home);
  });

  test('no answer, and a download that differs, are errors of their own; a finding is not a request', async () => {
    const sim = await createSimulator();
    const home = await homeOf(sim, 'alice');
    let downloads = 0;
    let lists = 0;
    const wrap =
      (send: Fetch): Fetch =>
      async (input, init) => {
        if (input.includes('/ops/ls?') && ++lists === 1) throw new TypeError('fetch failed');
        const response = await send(input, init);
        if (input.includes('/ops/download?') && ++downloads === 1) return new Response('not what was uploaded');
        return response;
      };
    const { summary } = await startLoad(siteOf(sim, wrap), plan({ requests: 40 })).done;

    const errors = summary.errors.map(({ operation, status, count, example }) => ({
      operation,
      status,
      count,
      example,
    }));
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          operation: operationOf('download'),
          status: 'content',
          count: 1,
          example: expect.stringMatching(
            /\/home\/alice\/f7t-load-\w+-u1\/f7t-load.txt: 21 bytes came back, not the 768 uploaded$/,
          ) as string,
        },
        {
          operation: operationOf('ls'),
          status: 'network',
          count: 1,
          example: '[f7t-conformance] [GET] /v2/filesystem/daint/ops/ls could not be sent: fetch failed',
        },
      ]),
    );
    expect(summary.errorCount).toBe(2);
    const download = summary.operations.find((o) => o.operation === operationOf('download'));
    expect(download?.count).toBe(downloads);
    expect(download?.statuses).toEqual({ 200: downloads });
    expect(await homeOf(sim, 'alice')).toEqual(home);
  });

  test('a job that ends FAILED is an error of the poll; cleanup does not cancel a final job', async () => {
    const sim = await createSimulator();
    const wrap =
      (send: Fetch): Fetch =>
      async (input, init) => {
        const response = await send(input, init);
        if (!/\/compute\/daint\/jobs\/\d+$/.test(input) || response.status !== 200) return response;
        const body = (await response.json()) as { jobs: { status: { state: string } }[] };
        for (const job of body.jobs) job.status.state = 'FAILED';
        return Response.json(body);
      };
    const { summary } = await startLoad(siteOf(sim, wrap), plan({ requests: 12 })).done;

    expect(summary.errors).toContainEqual({
      operation: operationOf('poll'),
      status: 'job FAILED',
      count: 3,
      example: 'FAILED',
    });
    expect(countOf(summary, operationOf('cancel'))).toBe(0);
    expect(countOf(summary, operationOf('upload'))).toBe(0);
    expect(await homeOf(sim, 'alice')).not.toContainEqual(expect.stringMatching(/^f7t-load-/));
  });

  test('a job not final within the job budget is an error; cleanup cancels it', async () => {
    // Every partition down: the job stays pending.
    const sim = await createSimulator();
    for (const p of sim.state.site.systems.find((s) => s.name === 'daint')?.partitions ?? [])
      sim.control.setPartitionState('daint', p.name, 'DOWN');
    const { summary } = await startLoad(siteOf(sim), plan({ requests: 6, jobBudgetS: 0.01 })).done;

    expect(summary.errors).toContainEqual({
      operation: operationOf('poll'),
      status: 'job not final',
      count: 1,
      example: expect.stringMatching(/^job \d+ still \S+ after the job budget \(0\.01 s\)$/) as string,
    });
    const cancels = sim.control
      .journal()
      .filter((j) => j.method === 'DELETE' && /\/compute\/daint\/jobs\//.test(j.path));
    expect(cancels).toHaveLength(1);
    expect(cancels[0]?.status).toBe(204);
    expect(countOf(summary, operationOf('cancel'))).toBe(1);
    expect(await homeOf(sim, 'alice')).not.toContainEqual(expect.stringMatching(/^f7t-load-/));
  });

  test('stop("interrupt") mid-round: the user still cleans up', async () => {
    const sim = await createSimulator();
    let stop: (reason: 'interrupt') => void = () => {};
    const wrap =
      (send: Fetch): Fetch =>
      (input, init) => {
        if (input.includes('/ops/upload?')) stop('interrupt');
        return send(input, init);
      };
    const run = startLoad(siteOf(sim, wrap), plan({}));
    stop = run.stop;
    const outcome = await run.done;

    expect(outcome.stoppedBy).toBe('interrupt');
    expect(outcome.iterations).toBe(0);
    expect(outcome.summary.cleanupRequests).toBeGreaterThanOrEqual(1);
    expect(await homeOf(sim, 'alice')).not.toContainEqual(expect.stringMatching(/^f7t-load-/));
  });

  test('the duration stops the run, and the rate holds the requests to it', async () => {
    const sim = await createSimulator();
    let sent = 0;
    const counting =
      (send: Fetch): Fetch =>
      (input, init) => {
        sent += 1;
        return send(input, init);
      };
    const started = performance.now();
    const outcome = await startLoad(siteOf(sim, counting), plan({ users: 2, durationS: 1, rate: 20 })).done;
    const elapsedS = (performance.now() - started) / 1000;

    expect(outcome.stoppedBy).toBe('duration');
    // Requests are at least 1/rate apart: n of them take (n - 1)/rate at the least, however slow the machine.
    expect(sent).toBeGreaterThan(3);
    expect(sent).toBeLessThanOrEqual(Math.floor(elapsedS * 20) + 2);
  });

  test('no token: the run cannot start', async () => {
    const sim = await createSimulator();
    sim.control.injectFault({ preset: 'issuer-down' });
    const run = startLoad(siteOf(sim), plan({ requests: 10 }));
    await expect(run.done).rejects.toBeInstanceOf(LoadSetupError);
    await expect(run.done).rejects.toThrow(/503/);
  });
});
