import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject, test, type TestContext } from 'vitest';
import { loadSpec } from '../../spec/load.ts';
import type { FileSystem, Job, System } from '../../spec/types.ts';
import { createValidator, type Validator } from '../../spec/validate.ts';
import type { RecordedExchange, TargetConfig } from './config.ts';
import { HarnessError } from './errors.ts';
import { expectResponse } from './expect.ts';
import { createClient, type Client } from './http.ts';
import { createRemoteTarget, type Identity, type Target } from './target.ts';
import { waitFor } from './wait.ts';

export { expectEnvelope, expectErrorClass, expectResponse, expectThat } from './expect.ts';
export type { Client, Exchange } from './http.ts';

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
  /** A client with no identity, for requests that carry their own Authorization. */
  readonly anonymous: Client;
  readonly system: string;
  readonly username: string;
  /** The primary user's working directory: the default-work-dir file system plus the user name. */
  readonly workdir: string;
  skip(reason: string): never;
  /** The directory jobs of this suite file run in (a scratch directory, made once). */
  jobDir(): Promise<string>;
  /** Submits a job (in jobDir unless the job names its own working directory); gives its id. */
  submitJob(client: Client, job: Record<string, unknown>): Promise<string>;
  jobDirFor(as: 'primary' | 'second'): Promise<string>;
  waitForJob(client: Client, jobId: string, until: (job: Job) => boolean, what: string): Promise<Job>;
}

interface Discovered {
  readonly target: Target;
  readonly validator: Validator;
  readonly system: string;
  readonly username: string;
  readonly workdir: string;
  /** The file system users' working directories live in (the `defaultWorkDir` one). */
  readonly homeBase: string;
}

async function usernameOf(client: Client, identity: Identity, system: string): Promise<string> {
  const claimed = claims(await identity.token()).preferred_username;
  if (typeof claimed === 'string') return claimed;
  const info = await client.get<{ user?: { name?: string } }>(`/status/${system}/userinfo`);
  const name = info.body.user?.name;
  if (typeof name !== 'string') throw new HarnessError(`cannot tell the ${identity.label} identity's user name`);
  return name;
}

function claims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function createTarget(config: TargetConfig): Promise<Target> {
  if (config.kind === 'remote') return createRemoteTarget(config);
  const { createEmbeddedTarget } = await import('./embedded-target.ts');
  return createEmbeddedTarget(config);
}

async function discover(target: Target, validator: Validator): Promise<Discovered> {
  const log: RecordedExchange[] = [];
  const client = createClient(target, validator, target.primary, log);
  const systems = await client.get<{ systems?: System[] }>('/status/systems');
  if (systems.status !== 200 || !Array.isArray(systems.body.systems)) {
    throw new HarnessError(`cannot list systems: [GET] /status/systems -> ${systems.status}`);
  }
  const system = target.system ?? systems.body.systems[0]?.name;
  const chosen = systems.body.systems.find((s) => s.name === system);
  if (!system || !chosen) throw new HarnessError(`system ${system ?? '(none)'} is not among the site's systems`);
  const username = await usernameOf(client, target.primary, system);
  const fileSystems: FileSystem[] = chosen.fileSystems ?? [];
  const home = fileSystems.find((f) => f.defaultWorkDir) ?? fileSystems.find((f) => f.dataType === 'users');
  const homeBase = home ? home.path.replace(/\/+$/, '') : '/home';
  return { target, validator, system, username, workdir: `${homeBase}/${username}`, homeBase };
}

/**
 * Sets up the target for one suite file and returns `check`, which declares a conformance check
 * named by its requirement id. Each file gets its own target (an embedded simulator of its own).
 */
export function useHarness() {
  let discovered: Promise<Discovered> | undefined;
  const runId = randomUUID().slice(0, 8);
  /** Run directories made, by identity, to remove at the end. */
  const made = new Map<Identity, string>();
  const jobDirs = new Map<Identity, Promise<string>>();
  const ready = () => {
    discovered ??= (async () => {
      const [target, spec] = await Promise.all([createTarget(inject('target')), loadSpec('v2')]);
      return discover(target, createValidator(spec));
    })();
    return discovered;
  };
  beforeAll(async () => {
    await ready();
  }, 120_000);
  afterAll(async () => {
    if (!discovered) return;
    const d = await discovered;
    for (const [identity, dir] of made) {
      const client = createClient(d.target, d.validator, identity, []);
      await client.delete(`/filesystem/${d.system}/ops/rm`, { query: { path: dir } }).catch(() => undefined);
    }
    await d.target.close();
  });

  const contextFor = (d: Discovered, ctx: TestContext, log: RecordedExchange[]): CheckContext => {
    const client = (identity: Identity) => createClient(d.target, d.validator, identity, log);
    const skip = (reason: string): never => {
      ctx.skip(reason);
      throw new Error('unreachable');
    };
    const api = client(d.target.primary);
    const secondUser = async () => {
      const identity =
        d.target.second ?? skip('needs a second identity (--second-client-id and --second-client-secret)');
      const c = client(identity);
      const username = await usernameOf(c, identity, d.system);
      return { client: c, username, workdir: `${d.homeBase}/${username}` };
    };
    return {
      target: d.target,
      api,
      second: () =>
        d.target.second
          ? client(d.target.second)
          : skip('needs a second identity (--second-client-id and --second-client-secret)'),
      anonymous: createClient(d.target, d.validator, d.target.primary, log),
      system: d.system,
      username: d.username,
      workdir: d.workdir,
      skip,
      secondUser,
      async scratch(name, as = 'primary') {
        const who = as === 'primary' ? { client: api, workdir: d.workdir } : await secondUser();
        const identity = as === 'primary' ? d.target.primary : (d.target.second as Identity);
        const runDir = `${who.workdir}/f7t-conformance-${runId}`;
        made.set(identity, runDir);
        const path = `${runDir}/${name}`;
        const answer = await who.client.post(`/filesystem/${d.system}/ops/mkdir`, { json: { path, parent: true } });
        if (answer.status !== 201)
          throw new HarnessError(
            `cannot make the scratch directory ${path}: ${answer.status} ${answer.text.slice(0, 200)}`,
          );
        return path;
      },
      jobDir() {
        return this.jobDirFor('primary');
      },
      jobDirFor(as: 'primary' | 'second') {
        const identity = as === 'primary' ? d.target.primary : (d.target.second as Identity);
        let dir = jobDirs.get(identity);
        if (!dir) {
          dir = this.scratch('jobs', as);
          jobDirs.set(identity, dir);
        }
        return dir;
      },
      async submitJob(c, job) {
        const workingDirectory = await this.jobDirFor(c === api ? 'primary' : 'second');
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
    };
  };

  const check = (id: string, title: string, fn: (t: CheckContext) => Promise<void>) => {
    test(`${id} ${title}`, async (ctx) => {
      ctx.task.meta.requirement = id;
      const log: RecordedExchange[] = [];
      try {
        await fn(contextFor(await ready(), ctx, log));
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
