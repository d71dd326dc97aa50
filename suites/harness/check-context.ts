import type { TestContext } from 'vitest';
import type { RecordedExchange } from '../../spec/results.ts';
import type { Job } from '../../spec/types.ts';
import { usernameOf } from './drivers.ts';
import { evidenceOf, HarnessError, setupFailed } from './errors.ts';
import { expectResponse } from './expect.ts';
import type { Discovered, FileRun } from './file-run.ts';
import type { Client } from './http.ts';
import type { Identity, Target } from './target.ts';
import { waitForJobState } from './wait-job.ts';
import { waitFor } from './wait.ts';

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

const TASK_BUDGET_S = 30;
const settled = (task: V1Task) => !['100', '101'].includes(task.status);

/** Times a wait: its wall time is queue wait, and so is the API time of its polls. */
async function timed<T>(run: FileRun, log: readonly RecordedExchange[], wait: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const before = log.length;
  try {
    return await wait();
  } finally {
    if (run.running) {
      run.running.waitMs += performance.now() - started;
      run.running.waitApiMs += log.slice(before).reduce((sum, e) => sum + e.durationMs, 0);
    }
  }
}

/** Polls a v1 task until it settles; one that does not within its budget fails the check. */
async function waitForTask(
  target: Target,
  client: Client,
  taskId: string,
  until: (task: V1Task) => boolean,
  budgetS: number,
): Promise<V1Task> {
  let last: V1Task | undefined;
  try {
    return await waitFor(
      target,
      `task ${taskId} to finish`,
      async () => {
        const answer = await client.get<{ task?: V1Task }>(`/tasks/${taskId}`);
        expectResponse(answer, 200);
        last = answer.body.task;
        return last && until(last) ? last : undefined;
      },
      budgetS,
    );
  } catch (error) {
    if (!(error instanceof HarnessError)) throw error;
    const reads = `${last?.status ?? '?'} ${last?.description ?? ''}`;
    throw new Error(`task ${taskId} did not settle within ${budgetS} s: it reads ${reads}`, { cause: error });
  }
}

/** The identities of a check, held to the catalogue: acting as the second user needs it declared. */
function identities(run: FileRun, d: Discovered, skip: (reason: string) => never) {
  return (as: 'primary' | 'second'): Identity => {
    if (as === 'primary') return d.target.primary;
    if (run.running && !run.running.needsSecondIdentity)
      throw new HarnessError(
        `${run.running.requirement} acts as a second user, but the catalogue does not say it needs a second identity`,
      );
    return d.target.second ?? skip('needs a second identity (--second-client-id and --second-client-secret)');
  };
}

/** What a check gets, over the file's run and the site it discovered. */
export function createCheckContext(
  run: FileRun,
  d: Discovered,
  ctx: TestContext,
  log: RecordedExchange[],
): CheckContext {
  const skip = (reason: string): never => {
    ctx.skip(reason);
    throw new Error('unreachable');
  };
  const identityOf = identities(run, d, skip);
  const api = run.client(d, d.target.primary, log);
  const secondUser = async () => {
    const identity = identityOf('second');
    const client = run.client(d, identity, log);
    const username = await usernameOf(identity, () => run.driver.whoami(client, d.system));
    return { client, username, workdir: `${d.homeBase}/${username}` };
  };
  const scratch = async (name: string, as: 'primary' | 'second' = 'primary') => {
    const identity = identityOf(as);
    const who = as === 'primary' ? { client: api, username: d.username } : await secondUser();
    const runDir = run.runDir(d, who.username);
    run.made.set(identity, runDir);
    const path = `${runDir}/${name}`;
    const answer = await run.driver.mkdir(who.client, d.system, path);
    if (answer.status !== 201) throw setupFailed(`making the scratch directory ${path}`, evidenceOf(answer));
    return path;
  };
  const jobDir = (as: 'primary' | 'second' = 'primary') => {
    const identity = identityOf(as);
    const dir = run.jobDirs.get(identity) ?? scratch('jobs', as);
    run.jobDirs.set(identity, dir);
    return dir;
  };
  // Requests a check sends past the API (presigned URLs, the token endpoint) meet the same guard.
  const guardedFetch: Target['fetch'] = (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (input !== d.target.tokenUrl) run.guard(method, input.split('?')[0] ?? input);
    return d.target.fetch(input, init);
  };
  return {
    target: { ...d.target, fetch: guardedFetch },
    api,
    second: () => run.client(d, identityOf('second'), log),
    secondUser,
    scratch,
    removeLater(path, as = 'primary') {
      const identity = identityOf(as);
      run.leftovers.set(identity, (run.leftovers.get(identity) ?? new Set<string>()).add(path));
    },
    system: d.system,
    username: d.username,
    workdir: d.workdir,
    skip,
    jobDir,
    async submitJob(client, job) {
      const workingDirectory = await jobDir(client === api ? 'primary' : 'second');
      const submitted = await client.post<{ jobId?: unknown }>(`/compute/${d.system}/jobs`, {
        json: { job: { workingDirectory, ...job } },
      });
      expectResponse(submitted, 201);
      return String(submitted.body.jobId);
    },
    waitForJob: (client, jobId, until, what) => timed(run, log, () => waitForJobState(d, client, jobId, until, what)),
    pause: (seconds) =>
      timed(run, log, () => new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds) * 1000))),
    waitForTask: (client, taskId, until = settled, budgetS = TASK_BUDGET_S) =>
      timed(run, log, () => waitForTask(d.target, client, taskId, until, budgetS)),
  };
}
