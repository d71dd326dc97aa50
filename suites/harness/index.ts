import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject, test, type TestContext } from 'vitest';
import { loadSpec } from '../../spec/load.ts';
import type { Job } from '../../spec/types.ts';
import { createValidator, type Validator } from '../../spec/validate.ts';
import type { RecordedExchange, TargetConfig } from './config.ts';
import { usernameOf, v1Driver, v2Driver, type Driver } from './drivers.ts';
import { HarnessError } from './errors.ts';
import { expectResponse } from './expect.ts';
import { createClient, type Client } from './http.ts';
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
  const runId = randomUUID().slice(0, 8);
  /** Run directories made, by identity, to remove at the end. */
  const made = new Map<Identity, string>();
  /** Other paths the site made for this run, by identity. */
  const leftovers = new Map<Identity, Set<string>>();
  const jobDirs = new Map<Identity, Promise<string>>();

  const ready = () => {
    discovered ??= (async () => {
      const [target, spec] = await Promise.all([createTarget(inject('target')), loadSpec(driver.generation)]);
      const baseUrl = driver.baseUrl(target);
      if (typeof baseUrl !== 'string') return { missing: baseUrl.missing, target };
      const validator = createValidator(spec);
      const probe = createClient(target, validator, target.primary, [], driver.clientOptions(baseUrl, ''));
      const { system, homeBase } = await driver.discover(probe, target);
      const asker = createClient(target, validator, target.primary, [], driver.clientOptions(baseUrl, system));
      const username = await usernameOf(target.primary, () => driver.whoami(asker, system));
      return { target, validator, baseUrl, system, username, workdir: `${homeBase}/${username}`, homeBase };
    })();
    return discovered;
  };
  beforeAll(async () => {
    await ready();
  }, 120_000);
  afterAll(async () => {
    if (!discovered) return;
    const d = await discovered;
    if ('missing' in d) return d.target.close();
    const identities = new Set([...made.keys(), ...leftovers.keys()]);
    for (const identity of identities) {
      const client = createClient(d.target, d.validator, identity, [], driver.clientOptions(d.baseUrl, d.system));
      const paths = [...(leftovers.get(identity) ?? []), ...(made.has(identity) ? [made.get(identity) ?? ''] : [])];
      for (const path of paths) await driver.rm(client, d.system, path).catch(() => undefined);
    }
    await d.target.close();
  });

  const contextFor = (d: Discovered, ctx: TestContext, log: RecordedExchange[]): CheckContext => {
    const client = (identity: Identity) =>
      createClient(d.target, d.validator, identity, log, driver.clientOptions(d.baseUrl, d.system));
    const skip = (reason: string): never => {
      ctx.skip(reason);
      throw new Error('unreachable');
    };
    const identityOf = (as: 'primary' | 'second') =>
      as === 'primary'
        ? d.target.primary
        : (d.target.second ?? skip('needs a second identity (--second-client-id and --second-client-secret)'));
    const api = client(d.target.primary);
    const secondUser = async () => {
      const identity = identityOf('second');
      const c = client(identity);
      const username = await usernameOf(identity, () => driver.whoami(c, d.system));
      return { client: c, username, workdir: `${d.homeBase}/${username}` };
    };
    const scratch = async (name: string, as: 'primary' | 'second' = 'primary') => {
      const identity = identityOf(as);
      const who = as === 'primary' ? { client: api, workdir: d.workdir } : await secondUser();
      const runDir = `${who.workdir}/f7t-conformance-${runId}`;
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
    return {
      target: d.target,
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
      waitForJob: (c, jobId, until, what) =>
        waitFor(d.target, `job ${jobId} to ${what}`, async () => {
          const answer = await c.get<{ jobs?: Job[] }>(`/compute/${d.system}/jobs/${jobId}`);
          if (answer.status === 404) return undefined; // not visible yet: clients retry too
          expectResponse(answer, 200);
          const job = answer.body.jobs?.[0];
          return job && until(job) ? job : undefined;
        }),
      async waitForTask(c, taskId, until = (task) => !['100', '101'].includes(task.status), budgetS = TASK_BUDGET_S) {
        let last: V1Task | undefined;
        try {
          return await waitFor(
            d.target,
            `task ${taskId} to finish`,
            async () => {
              const answer = await c.get<{ task?: V1Task }>(`/tasks/${taskId}`);
              expectResponse(answer, 200);
              last = answer.body.task;
              return last && until(last) ? last : undefined;
            },
            budgetS,
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
    test(`${id} ${title}`, async (ctx) => {
      ctx.task.meta.requirement = id;
      const log: RecordedExchange[] = [];
      try {
        const d = await ready();
        if ('missing' in d) {
          ctx.skip(d.missing);
          return;
        }
        await fn(contextFor(d, ctx, log));
      } catch (error) {
        if (error instanceof HarnessError) ctx.task.meta.outcome = 'error';
        throw error;
      } finally {
        ctx.task.meta.exchanges = log.slice(-8);
      }
    });
  };
  return { check };
}
