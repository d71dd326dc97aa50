import { AssertionError } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject, test, type TestContext } from 'vitest';
import { loadSpec } from '../../spec/load.ts';
import { findRequirement } from '../../spec/requirements.ts';
import { skipReason } from '../../spec/run-scope.ts';
import type { Job } from '../../spec/types.ts';
import { createValidator, type Validator } from '../../spec/validate.ts';
import type { RecordedExchange, TargetConfig } from './config.ts';
import { usernameOf, v1Driver, v2Driver, type Driver } from './drivers.ts';
import { HarnessError, setupFailed } from './errors.ts';
import { expectResponse } from './expect.ts';
import { createClient, type Client, type ClientOptions, type RequestOptions } from './http.ts';
import { madeBy, record } from './ledger.ts';
import { scopeOf } from './scope.ts';
import { createRemoteTarget, type Identity, type Target } from './target.ts';
import { waitFor } from './wait.ts';

export { formOf } from './drivers.ts';
export { expectEnvelope, expectErrorClass, expectResponse, expectThat } from './expect.ts';
export type { Client, Exchange } from './http.ts';

export interface V1Task {
  task_id: string;
  status: string;
  description: string;
  data: unknown;
  user: string;
  service: string;
}

/** What a check gets: clients for the two identities and what the harness found out about the site. */
export interface CheckContext {
  readonly target: Target;
  /** The primary identity's client. */
  readonly api: Client;
  /** The second identity's client; skips the check (with the reason) when there is none. */
  second(): Client;
  /** The second identity's user name and working directory; skips when there is none. */
  secondUser(): Promise<{ readonly client: Client; readonly username: string; readonly workdir: string }>;
  /**
   * A fresh directory for this check under a run-scoped directory in the user's working
   * directory (`f7t-conformance-<run id>/<name>`), removed when the suite file ends.
   */
  scratch(name: string, as?: 'primary' | 'second'): Promise<string>;
  /** Removes a path the site made for this run (a transfer job's logs) when the suite file ends. */
  removeLater(path: string, as?: 'primary' | 'second'): void;
  readonly system: string;
  readonly username: string;
  /** The primary user's working directory: the default-work-dir file system plus the user name. */
  readonly workdir: string;
  skip(reason: string): never;
  /** The directory jobs of this suite file run in (a scratch directory, made once per identity). */
  jobDir(as?: 'primary' | 'second'): Promise<string>;
  /** Submits a v2 job (in jobDir unless the job names its own working directory); gives its id. */
  submitJob(client: Client, job: Record<string, unknown>): Promise<string>;
  waitForJob(client: Client, jobId: string, until: (job: Job) => boolean, what: string): Promise<Job>;
  /**
   * Polls a v1 task until it leaves "100"/"101" (or `until` holds); gives the task. A task that
   * does not settle within its budget (30 s: tasks are short background operations) fails the check.
   */
  waitForTask(client: Client, taskId: string, until?: (task: V1Task) => boolean, budgetS?: number): Promise<V1Task>;
  /** Waits out the wall clock (a token's expiry, say); counted as waiting, as a queue wait is. */
  pause(seconds: number): Promise<void>;
}

interface Discovered {
  readonly target: Target;
  readonly validator: Validator;
  readonly baseUrl: string;
  readonly system: string;
  readonly username: string;
  readonly workdir: string;
  /** The file system users' working directories live in. */
  readonly homeBase: string;
}

async function createTarget(config: TargetConfig): Promise<Target> {
  if (config.kind === 'remote') return createRemoteTarget(config);
  const { createEmbeddedTarget } = await import('./embedded-target.ts');
  return createEmbeddedTarget(config);
}

const drivers = { v1: v1Driver, v2: v2Driver } as const;
const TASK_BUDGET_S = 30;

/** The check running now in this file (checks of one file run one after another). */
interface Running {
  readonly requirement: string;
  readonly writes: boolean;
  readonly needsSecondIdentity: boolean;
  waitMs: number;
  /** API time spent polling inside waits (counted as waiting, not as API latency). */
  waitApiMs: number;
}

/** Adds the site's job settings (from its site profile) to a job the suites submit. */
async function withJobDefaults(
  target: Target,
  generation: 'v1' | 'v2',
  method: string,
  path: string,
  options: RequestOptions,
): Promise<RequestOptions> {
  const defaults = target.run.jobDefaults;
  if (!defaults || method !== 'POST') return options;
  if (generation === 'v2' && /^\/compute\/[^/]+\/jobs$/.test(path)) {
    const body = options.json as { job?: Record<string, unknown> } | undefined;
    if (!body?.job || typeof body.job !== 'object') return options;
    const job = { ...body.job };
    for (const key of ['account', 'partition', 'reservation'] as const) job[key] ??= defaults[key];
    const script = typeof job.script === 'string' ? job.script : undefined;
    if (defaults.timeLimit && script !== undefined && !/--time[= ]/.test(script)) {
      job.script = script.replace(/^(#!.*\n)?/, `$1#SBATCH --time=${defaults.timeLimit}\n`);
    }
    return { ...options, json: { ...body, job } };
  }
  if (generation === 'v1' && path === '/compute/jobs/upload' && options.form) {
    const file = options.form.get('file');
    if (!(file instanceof Blob)) return options;
    const lines = Object.entries({
      account: defaults.account,
      partition: defaults.partition,
      reservation: defaults.reservation,
      time: defaults.timeLimit,
    })
      .filter(([, v]) => v)
      .map(([k, v]) => `#SBATCH --${k}=${v}\n`)
      .join('');
    const script = (await file.text()).replace(/^(#!.*\n)?/, `$1${lines}`);
    const form = new FormData();
    for (const [k, v] of options.form.entries()) if (k !== 'file') form.append(k, v);
    form.append('file', new Blob([script]), file instanceof File ? file.name : 'script.sh');
    return { ...options, form };
  }
  return options;
}

/**
 * Polls a job until `until` holds. When the budget runs out, a job still waiting in the queue is
 * the site's load (an error: the check could not judge); a job that left the queue and never
 * reached the state the site acknowledged is the site's failure, with the states it went through.
 */
async function waitForJobState(
  d: { readonly target: Target; readonly system: string },
  client: Client,
  jobId: string,
  until: (job: Job) => boolean,
  what: string,
): Promise<Job> {
  const started = Date.now();
  const timeline: string[] = [];
  let last: string | undefined;
  try {
    return await waitFor(d.target, `job ${jobId} to ${what}`, async () => {
      const answer = await client.get<{ jobs?: Job[] }>(`/compute/${d.system}/jobs/${jobId}`);
      if (answer.status === 404) return undefined; // not visible yet: clients retry too
      expectResponse(answer, 200);
      const job = answer.body.jobs?.[0];
      const state = job?.status.state;
      if (state !== undefined && state !== last) {
        const at = d.target.control ? '' : ` after ${Math.round((Date.now() - started) / 1000)} s`;
        timeline.push(`${state}${at}`);
        last = state;
      }
      return job && until(job) ? job : undefined;
    });
  } catch (error) {
    if (!(error instanceof HarnessError) || last === undefined || last.startsWith('PENDING')) throw error;
    throw new AssertionError({
      message: `job ${jobId} did not ${what} within the job budget (${d.target.jobBudgetS} s); states seen: ${timeline.join(' -> ')}`,
    });
  }
}

/** Every answer a check received conforms to its operation's schema for that status, not only those it looked at. */
function expectConformingAnswers(log: readonly RecordedExchange[]): void {
  const departing = log.filter((e) => e.operation && e.diagnostics.length > 0);
  if (departing.length === 0) return;
  const lines = departing
    .slice(0, 5)
    .map((e) => `[${e.method}] ${new URL(e.url).pathname} -> ${e.status}: ${e.diagnostics.join('; ')}`);
  throw new AssertionError({ message: `answers that do not conform to the spec:\n${lines.join('\n')}` });
}

export interface HarnessOptions {
  readonly generation?: keyof typeof drivers;
}

/**
 * Sets up the target for one suite file and returns `check`, which declares a conformance check
 * named by its requirement id. Each file gets its own target (an embedded simulator of its own).
 */
export function useHarness(options: HarnessOptions = {}) {
  const driver: Driver = drivers[options.generation ?? 'v2'];
  let discovered: Promise<Discovered | { readonly missing: string; readonly target: Target }> | undefined;
  // Every file's run directory starts with the run's prefix, so that a scan finds what is left.
  const fileTag = randomUUID().slice(0, 4);
  let running: Running | undefined;
  /** Run directories made, by identity, to remove at the end. */
  const made = new Map<Identity, string>();
  /** Other paths the site made for this run, by identity. */
  const leftovers = new Map<Identity, Set<string>>();
  const jobDirs = new Map<Identity, Promise<string>>();

  /** Client options for an identity: the generation's headers, the read-only guard, the ledger. */
  const optionsFor = (target: Target, baseUrl: string, system: string, label: Identity['label']): ClientOptions => ({
    ...driver.clientOptions(baseUrl, system),
    guard: (method, path) => {
      if (method !== 'GET' && running && !running.writes)
        throw new HarnessError(
          `${running.requirement} is catalogued as read-only, but its check sent [${method}] ${path}: mark it as writing`,
        );
    },
    prepare: (method, path, options) => withJobDefaults(target, driver.generation, method, path, options),
    observe: (method, path, status, body) => {
      if (status >= 200 && status < 300)
        record(
          target.run.ledger,
          madeBy({ generation: driver.generation, system, identity: label }, method, path, body),
        );
    },
  });
  const runBase = (d: Discovered, username: string) =>
    d.target.run.scratch ? d.target.run.scratch.replaceAll('{username}', username) : `${d.homeBase}/${username}`;
  const runDirName = (target: Target) =>
    `f7t-conformance-${target.run.runId ? `${target.run.runId}-${fileTag}` : fileTag}`;

  const ready = () => {
    discovered ??= (async () => {
      const [target, spec] = await Promise.all([createTarget(inject('target')), loadSpec(driver.generation)]);
      const baseUrl = driver.baseUrl(target);
      if (typeof baseUrl !== 'string') return { missing: baseUrl.missing, target };
      const validator = createValidator(spec);
      try {
        const probe = createClient(target, validator, target.primary, [], optionsFor(target, baseUrl, '', 'primary'));
        const { system, homeBase } = await driver.discover(probe, target);
        const asker = createClient(
          target,
          validator,
          target.primary,
          [],
          optionsFor(target, baseUrl, system, 'primary'),
        );
        const username = await usernameOf(target.primary, () => driver.whoami(asker, system));
        return { target, validator, baseUrl, system, username, workdir: `${homeBase}/${username}`, homeBase };
      } catch (error) {
        await target.close();
        throw setupFailed(`finding the system to check (${driver.generation})`, error);
      }
    })();
    return discovered;
  };
  // A set-up that fails is each check's error, with its evidence: the hook itself never fails, or
  // vitest would skip the checks without a word.
  beforeAll(async () => {
    await ready().catch(() => undefined);
  }, 120_000);
  afterAll(async () => {
    const d = await discovered?.catch(() => undefined);
    if (!d) return;
    if ('missing' in d) return d.target.close();
    const identities = new Set([...made.keys(), ...leftovers.keys()]);
    for (const identity of identities) {
      const client = createClient(
        d.target,
        d.validator,
        identity,
        [],
        optionsFor(d.target, d.baseUrl, d.system, identity.label),
      );
      const paths = [...(leftovers.get(identity) ?? []), ...(made.has(identity) ? [made.get(identity) ?? ''] : [])];
      for (const path of paths) await driver.rm(client, d.system, path).catch(() => undefined);
    }
    await d.target.close();
  });

  const contextFor = (d: Discovered, ctx: TestContext, log: RecordedExchange[]): CheckContext => {
    const client = (identity: Identity) =>
      createClient(d.target, d.validator, identity, log, optionsFor(d.target, d.baseUrl, d.system, identity.label));
    const skip = (reason: string): never => {
      ctx.skip(reason);
      throw new Error('unreachable');
    };
    const identityOf = (as: 'primary' | 'second') => {
      if (as === 'primary') return d.target.primary;
      if (running && !running.needsSecondIdentity)
        throw new HarnessError(
          `${running.requirement} acts as a second user, but the catalogue does not say it needs a second identity`,
        );
      return d.target.second ?? skip('needs a second identity (--second-client-id and --second-client-secret)');
    };
    const api = client(d.target.primary);
    const secondUser = async () => {
      const identity = identityOf('second');
      const c = client(identity);
      const username = await usernameOf(identity, () => driver.whoami(c, d.system));
      return { client: c, username, workdir: `${d.homeBase}/${username}` };
    };
    const scratch = async (name: string, as: 'primary' | 'second' = 'primary') => {
      const identity = identityOf(as);
      const who = as === 'primary' ? { client: api, username: d.username } : await secondUser();
      const runDir = `${runBase(d, who.username)}/${runDirName(d.target)}`;
      made.set(identity, runDir);
      const path = `${runDir}/${name}`;
      const answer = await driver.mkdir(who.client, d.system, path);
      if (answer.status !== 201)
        throw new HarnessError(
          `cannot make the scratch directory ${path}: ${answer.status} ${answer.text.slice(0, 200)}`,
        );
      return path;
    };
    const jobDir = (as: 'primary' | 'second' = 'primary') => {
      const identity = identityOf(as);
      let dir = jobDirs.get(identity);
      if (!dir) {
        dir = scratch('jobs', as);
        jobDirs.set(identity, dir);
      }
      return dir;
    };
    /** Times a wait: its wall time is queue wait, and so is the API time of its polls. */
    const timed = async <T>(wait: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const before = log.length;
      try {
        return await wait();
      } finally {
        if (running) {
          running.waitMs += performance.now() - started;
          running.waitApiMs += log.slice(before).reduce((sum, e) => sum + e.durationMs, 0);
        }
      }
    };
    // Requests a check sends past the API (presigned URLs, the token endpoint) meet the same guard.
    const guardedFetch: Target['fetch'] = (input, init) => {
      const method = (init?.method ?? 'GET').toUpperCase();
      if (method !== 'GET' && input !== d.target.tokenUrl && running && !running.writes)
        throw new HarnessError(
          `${running.requirement} is catalogued as read-only, but its check sent [${method}] ${input.split('?')[0]}`,
        );
      return d.target.fetch(input, init);
    };
    return {
      target: { ...d.target, fetch: guardedFetch },
      api,
      second: () => client(identityOf('second')),
      secondUser,
      scratch,
      removeLater(path, as = 'primary') {
        const identity = identityOf(as);
        const set = leftovers.get(identity) ?? new Set<string>();
        set.add(path);
        leftovers.set(identity, set);
      },
      system: d.system,
      username: d.username,
      workdir: d.workdir,
      skip,
      jobDir,
      async submitJob(c, job) {
        const workingDirectory = await jobDir(c === api ? 'primary' : 'second');
        const submitted = await c.post<{ jobId?: unknown }>(`/compute/${d.system}/jobs`, {
          json: { job: { workingDirectory, ...job } },
        });
        expectResponse(submitted, 201);
        return String(submitted.body.jobId);
      },
      waitForJob: (c, jobId, until, what) => timed(() => waitForJobState(d, c, jobId, until, what)),
      pause: (seconds) => timed(() => new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds) * 1000))),
      async waitForTask(c, taskId, until = (task) => !['100', '101'].includes(task.status), budgetS = TASK_BUDGET_S) {
        let last: V1Task | undefined;
        try {
          return await timed(() =>
            waitFor(
              d.target,
              `task ${taskId} to finish`,
              async () => {
                const answer = await c.get<{ task?: V1Task }>(`/tasks/${taskId}`);
                expectResponse(answer, 200);
                last = answer.body.task;
                return last && until(last) ? last : undefined;
              },
              budgetS,
            ),
          );
        } catch (error) {
          if (!(error instanceof HarnessError)) throw error;
          const reads = `${last?.status ?? '?'} ${last?.description ?? ''}`;
          throw new Error(`task ${taskId} did not settle within ${budgetS} s: it reads ${reads}`, {
            cause: error,
          });
        }
      },
    };
  };

  const check = (id: string, title: string, fn: (t: CheckContext) => Promise<void>) => {
    const requirement = findRequirement(id);
    test(`${id} ${title}`, async (ctx) => {
      ctx.task.meta.requirement = id;
      const log: RecordedExchange[] = [];
      const current: Running = {
        requirement: id,
        writes: requirement?.writes ?? true,
        needsSecondIdentity: requirement?.needsSecondIdentity ?? false,
        waitMs: 0,
        waitApiMs: 0,
      };
      try {
        if (!requirement) throw new HarnessError(`${id} is not a requirement of the catalogue`);
        const declared = skipReason(requirement, scopeOf(inject('target')));
        if (declared) {
          ctx.skip(declared);
          return;
        }
        const d = await ready();
        if ('missing' in d) {
          ctx.skip(d.missing);
          return;
        }
        running = current;
        await fn(contextFor(d, ctx, log));
        expectConformingAnswers(log);
      } catch (error) {
        if (error instanceof HarnessError) ctx.task.meta.outcome = 'error';
        throw error;
      } finally {
        running = undefined;
        const api = log.reduce((sum, e) => sum + e.durationMs, 0);
        ctx.task.meta.apiMs = Math.round(api - current.waitApiMs);
        ctx.task.meta.waitMs = Math.round(current.waitMs);
        ctx.task.meta.exchanges = log.slice(-8);
        ctx.task.meta.operations = [...new Set(log.flatMap((e) => (e.operation ? [e.operation] : [])))];
      }
    });
  };
  return { check };
}
