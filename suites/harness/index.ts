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
  /** A client with no identity, for requests that carry their own Authorization. */
  readonly anonymous: Client;
  readonly system: string;
  readonly username: string;
  /** The primary user's working directory: the default-work-dir file system plus the user name. */
  readonly workdir: string;
  skip(reason: string): never;
  submitJob(client: Client, job: Record<string, unknown>): Promise<string>;
  waitForJob(client: Client, jobId: string, until: (job: Job) => boolean, what: string): Promise<Job>;
}

interface Discovered {
  readonly target: Target;
  readonly validator: Validator;
  readonly system: string;
  readonly username: string;
  readonly workdir: string;
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
  const token = await target.primary.token();
  let username = claims(token).preferred_username;
  if (typeof username !== 'string') {
    const info = await client.get<{ user?: { name?: string } }>(`/status/${system}/userinfo`);
    username = info.body.user?.name;
  }
  if (typeof username !== 'string') throw new HarnessError("cannot tell the primary identity's user name");
  const fileSystems: FileSystem[] = chosen.fileSystems ?? [];
  const home = fileSystems.find((f) => f.defaultWorkDir) ?? fileSystems.find((f) => f.dataType === 'users');
  const workdir = home ? `${home.path.replace(/\/+$/, '')}/${username}` : `/home/${username}`;
  return { target, validator, system, username, workdir };
}

/**
 * Sets up the target for one suite file and returns `check`, which declares a conformance check
 * named by its requirement id. Each file gets its own target (an embedded simulator of its own).
 */
export function useHarness() {
  let discovered: Promise<Discovered> | undefined;
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
    if (discovered) await (await discovered).target.close();
  });

  const contextFor = (d: Discovered, ctx: TestContext, log: RecordedExchange[]): CheckContext => {
    const client = (identity: Identity) => createClient(d.target, d.validator, identity, log);
    const skip = (reason: string): never => {
      ctx.skip(reason);
      throw new Error('unreachable');
    };
    const api = client(d.target.primary);
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
      async submitJob(c, job) {
        const submitted = await c.post<{ jobId?: unknown }>(`/compute/${d.system}/jobs`, {
          json: { job: { workingDirectory: d.workdir, ...job } },
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
