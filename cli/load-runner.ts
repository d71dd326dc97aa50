import { loadSpec } from '../spec/load.ts';
import { createValidator } from '../spec/validate.ts';
import type { ClientCredentials, JobDefaults } from '../suites/harness/config.ts';
import type { RecordedExchange } from '../suites/harness/config.ts';
import { HarnessError } from '../suites/harness/errors.ts';
import { usernameOf, v2Driver } from '../suites/harness/drivers.ts';
import { createClient } from '../suites/harness/http.ts';
import { withJobDefaults } from '../suites/harness/job-defaults.ts';
import { createIdentity, createRemoteTarget, describeError, type Fetch } from '../suites/harness/target.ts';
import { createRecorder, type Recorder } from './load-recorder.ts';
import { cleanUpRound, runRound, Stop, TOKEN_OPERATION, type Round, type UserContext } from './load-workflow.ts';

// N simulated users, each repeating the workflow with at most one request in flight (the
// concurrency pool is the users themselves), all behind one pacer that keeps the run under its
// rate, until the duration or the request budget runs out; then each user cleans up.

export interface LoadSite {
  readonly baseUrl: string;
  readonly tokenUrl: string;
  /** Users take the identities in turn; each user gets its own tokens. */
  readonly identities: readonly ClientCredentials[];
  readonly system?: string | undefined;
  /** Where user directories go (`{username}` replaced); the user's home when absent. */
  readonly scratch?: string | undefined;
  readonly jobDefaults?: JobDefaults | undefined;
  /** How requests reach the site: the global fetch when absent (tests pass a simulator's, in-process). */
  readonly fetch?: Fetch | undefined;
}

export interface LoadPlan {
  readonly users: number;
  readonly durationS: number;
  readonly requests?: number | undefined;
  readonly rate?: number | undefined;
  readonly pollIntervalS: number;
  readonly jobBudgetS: number;
}

export interface LoadOutcome {
  readonly system: string;
  readonly elapsedS: number;
  readonly stoppedBy: 'duration' | 'requests' | 'interrupt';
  readonly iterations: number;
  readonly summary: ReturnType<Recorder['summary']>;
}

/** The set-up failed (no token, no systems): the run could not start. */
export class LoadSetupError extends Error {}

/** Spaces requests at least 1/rate apart, over all users together. */
function createPacer(rate: number | undefined): () => Promise<void> {
  let next = 0;
  return async () => {
    if (!rate) return;
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + 1000 / rate;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

const nullBodyStatus = (status: number) => status === 204 || status === 205 || status === 304;

/** A fetch that waits for the pacer, then measures the time to the last byte of the answer. */
function timedFetch(
  send: Fetch,
  pace: () => Promise<void>,
  recorder: Recorder,
  tokenUrl: string,
  slot: { ms: number },
): Fetch {
  return async (input, init) => {
    await pace();
    const started = performance.now();
    const isToken = input === tokenUrl;
    try {
      const response = await send(input, init);
      const body = await response.arrayBuffer();
      slot.ms = performance.now() - started;
      if (isToken) {
        const ok = response.status === 200;
        recorder.record({
          operation: TOKEN_OPERATION,
          ms: slot.ms,
          status: String(response.status),
          ok,
          example: ok ? undefined : `token endpoint answered ${response.status}`,
        });
      }
      const { status, statusText, headers } = response;
      return new Response(nullBodyStatus(status) ? null : body, { status, statusText, headers });
    } catch (error) {
      slot.ms = performance.now() - started;
      if (isToken)
        recorder.record({
          operation: TOKEN_OPERATION,
          ms: slot.ms,
          status: 'network',
          ok: false,
          example: describeError(error),
        });
      throw error;
    }
  };
}

export function startLoad(site: LoadSite, plan: LoadPlan) {
  let stoppedBy: LoadOutcome['stoppedBy'] | undefined;
  let wake: () => void = () => {};
  const stopping = new Promise<void>((resolve) => (wake = resolve));
  const stop = (reason: LoadOutcome['stoppedBy']) => {
    stoppedBy ??= reason;
    wake();
  };
  const pause = (ms: number) =>
    Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), stopping]);

  const run = async (): Promise<LoadOutcome> => {
    const validator = createValidator(await loadSpec('v2'));
    const recorder = createRecorder();
    const pace = createPacer(plan.rate);
    const send: Fetch = site.fetch ?? ((input, init) => fetch(input, init));
    const base = createRemoteTarget({
      kind: 'remote',
      baseUrl: site.baseUrl,
      tokenUrl: site.tokenUrl,
      primary: site.identities[0] ?? { clientId: '', clientSecret: '' },
      run: { jobDefaults: site.jobDefaults },
    });
    const setupSlot = { ms: 0 };
    const setupFetch = timedFetch(send, pace, recorder, site.tokenUrl, setupSlot);
    const setupTarget = { ...base, fetch: setupFetch, system: site.system };
    // The system and each identity's directory, found once as the harness finds them.
    let system: string;
    let bases: string[];
    try {
      const identities = site.identities.map((c) => createIdentity('primary', setupFetch, site.tokenUrl, c));
      const asker = (i: number) => createClient(setupTarget, validator, identities[i] ?? base.primary, [], {});
      const found = await v2Driver.discover(asker(0), setupTarget);
      system = found.system;
      bases = await Promise.all(
        identities.map(async (identity, i) => {
          const username = await usernameOf(identity, () => v2Driver.whoami(asker(i), found.system));
          return site.scratch ? site.scratch.replaceAll('{username}', username) : `${found.homeBase}/${username}`;
        }),
      );
    } catch (error) {
      throw new LoadSetupError(describeError(error));
    }
    const runId = Date.now().toString(36);
    let sent = 0;
    let iterations = 0;
    const started = performance.now();
    const deadline = setTimeout(() => stop('duration'), plan.durationS * 1000);

    const user = async (i: number): Promise<void> => {
      await pause((i * 1000) / plan.users); // starts spread over the first second
      const slot = { ms: 0 };
      const fetcher = timedFetch(send, pace, recorder, site.tokenUrl, slot);
      const target = { ...base, fetch: fetcher };
      const credentials = site.identities[i % site.identities.length] ?? { clientId: '', clientSecret: '' };
      const identity = createIdentity('primary', fetcher, site.tokenUrl, credentials);
      const log: RecordedExchange[] = [];
      const u: UserContext = {
        client: createClient(target, validator, identity, log, {
          prepare: (method, path, options) => withJobDefaults(target, 'v2', method, path, options),
        }),
        identity,
        recorder,
        system,
        dir: `${bases[i % bases.length] ?? ''}/f7t-load-${runId}-u${i + 1}`,
        pollIntervalS: plan.pollIntervalS,
        jobBudgetS: plan.jobBudgetS,
        lastMs: () => slot.ms,
        pause,
        stopped: () => stoppedBy !== undefined,
        gate() {
          if (stoppedBy) throw new Stop('run stopped');
          if (plan.requests !== undefined && sent >= plan.requests) {
            stop('requests');
            throw new Stop('request budget spent');
          }
          sent += 1;
        },
        cleanup: false,
        log,
      };
      for (let k = 1; stoppedBy === undefined; k++) {
        const round: Round = { made: false, jobId: undefined, jobFinal: false };
        const content = `f7t-load user ${i + 1} round ${k}\n`.repeat(32);
        try {
          await runRound(u, round, content);
          iterations += 1;
        } catch (error) {
          // Recorded where it happened (an answer, a token, the run's end); the round cleans up.
          if (!(error instanceof Stop) && !(error instanceof HarnessError)) throw error;
          await cleanUpRound(u, round);
          // After an error, a pause: a failing site is not hammered by a tight loop.
          if (stoppedBy === undefined) await pause(plan.pollIntervalS * 1000);
        }
      }
    };
    await Promise.all(Array.from({ length: plan.users }, (_, i) => user(i)));
    clearTimeout(deadline);
    return {
      system,
      elapsedS: (performance.now() - started) / 1000,
      stoppedBy: stoppedBy ?? 'duration',
      iterations,
      summary: recorder.summary(),
    };
  };
  return { stop, done: run() };
}
