import type { Hono } from 'hono';
import type { ClientShape, LoginShape, PublicClientShape, SiteShape } from '../fixtures/site-shape.ts';
import { defaultPublicClients, defaultSite } from '../fixtures/sites/default.ts';
import { loadSpec } from '../spec/load.ts';
import { createValidator } from '../spec/validate.ts';
import { createApp } from './api/app.ts';
import type { AppEnv } from './api/shared/env.ts';
import type { Control, SimulatorContext, SimulatorOptions } from './context.ts';
import { createIdentityProvider, type PersonDirectory } from './engines/oidc/index.ts';
import { compileFault, engineFaultsOf, type ActiveFault } from './faults.ts';
import { withTokenFaults } from './engines/oidc/token-faults.ts';
import { credentialsOf } from './engines/slurm/index.ts';
import { createJournal } from './journal.ts';
import type { S3Credentials } from './engines/objectstore/index.ts';
import { createSiteState, type SiteState } from './site-state.ts';

export type { Fault } from './faults.ts';
export type { JournalEntry } from './journal.ts';
export type { Control, PopulateJobsControl, PopulateOptions, SimulatorContext, SimulatorOptions } from './context.ts';

/** The S3 credentials of the site (FirecREST's own; clients get presigned URLs). */
export const DEFAULT_S3_CREDENTIALS: S3Credentials = {
  accessKeyId: 'f7t-sim-access-key',
  secretAccessKey: 'f7t-sim-secret-key',
  region: 'us-east-1',
};

export interface Simulator {
  readonly app: Hono<AppEnv>;
  /** Answers a request; served by @hono/node-server, pass its bindings (`serve({ fetch: sim.fetch })` does). */
  readonly fetch: (request: Request, env?: AppEnv['Bindings']) => Promise<Response>;
  readonly control: Control;
  readonly publicUrl: string;
  readonly issuer: string;
  readonly clients: readonly ClientShape[];
  /** Clients of the browser login without a secret, with their registered redirect URIs. */
  readonly publicClients: readonly PublicClientShape[];
  /** The object store's endpoint (path-style) and the credentials that sign for it. */
  readonly s3: { readonly endpoint: string; readonly credentials: S3Credentials };
  /** The site as it is now (after a reset, the new one): for tests that look inside. */
  readonly state: SiteState;
}

export const DEFAULT_SEED = 20181;
/** Jobs one populateJobs call seeds at most in-process (about 0.5 KB each). */
const MAX_SEEDED_JOBS = 1_000_000;

function withClients(shape: SiteShape, extra: readonly ClientShape[], logins: readonly LoginShape[]): SiteShape {
  const names = new Set(shape.users.map((u) => u.name));
  const users = [...shape.users];
  for (const username of [...extra.map((c) => c.username), ...logins.map((l) => l.username)]) {
    if (!names.has(username)) {
      users.push({ name: username, accounts: [], extraGroups: [] });
      names.add(username);
    }
  }
  const clients = [...shape.clients.filter((c) => !extra.some((e) => e.id === c.id)), ...extra];
  return { ...shape, users, clients };
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const publicUrl = (options.publicUrl ?? 'http://localhost').replace(/\/+$/, '');
  const issuer = `${publicUrl}/auth`;
  const shape = withClients(options.site ?? defaultSite, options.clients ?? [], options.logins ?? []);
  const passwords = new Map((options.logins ?? []).map((l) => [l.username, l.password]));
  const more = (id: string) => options.redirectUris?.[id] ?? [];
  const publicClients = (options.publicClients ?? defaultPublicClients).map((c) => ({
    id: c.id,
    redirectUris: [...c.redirectUris, ...more(c.id)],
  }));
  // Read at each login, so the people of a reset or reseeded site are the ones who log in.
  const people: PersonDirectory = {
    find(username) {
      const user = context.state.user(username);
      if (!user) return undefined;
      const [given = '', ...family] = user.fullName.split(' ');
      return { username, name: user.fullName, givenName: given, familyName: family.join(' '), email: user.email };
    },
    checkPassword: (username, password) => (passwords.get(username) ?? `${username}-password`) === password,
  };
  const privateJobs = options.privateJobs ?? false;
  let seed = options.seed ?? DEFAULT_SEED;
  const build = () =>
    createSiteState({
      shape,
      seed,
      clockMode: options.clock?.mode ?? 'real',
      clockScale: options.clock?.scale,
      privateJobs,
      startAt: options.startAt,
      faults: engineFaults,
      dataDir: options.dataDir,
    });

  const [idp, spec] = await Promise.all([
    createIdentityProvider({
      issuer,
      clients: shape.clients.map((c) => ({ ...c, redirectUris: more(c.id) })),
      publicClients,
      people,
      ...(options.tokenTtlS === undefined ? {} : { tokenTtlS: options.tokenTtlS }),
      ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }),
    }),
    loadSpec('v2'),
  ]);
  const journal = createJournal(options.journalLimit);
  const faults: ActiveFault[] = [];
  const engineFaults = engineFaultsOf(faults);
  let nextFault = 1;

  const knownSystem = (name: string) => {
    const spec = context.state.site.systems.find((s) => s.name === name);
    if (!spec)
      throw new TypeError(`no system ${name}; systems: ${context.state.site.systems.map((s) => s.name).join(', ')}`);
    return spec;
  };

  const control: Control = {
    reset() {
      const previous = context.state;
      context.state = build();
      // What the old site wrote to its data directory goes with it.
      void previous.close();
      faults.length = 0;
      // Ids seed the faults' draws: a reset site replays the same failures.
      nextFault = 1;
      journal.clear();
    },
    seed(next) {
      if (!Number.isSafeInteger(next)) throw new TypeError('seed must be an integer');
      seed = next;
      control.reset();
    },
    advance(seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('seconds must be a non-negative number');
      context.state.clock.advance(seconds * 1000);
      context.state.scheduler.sync();
      return context.state.clock.state();
    },
    clock: () => context.state.clock.state(),
    setClock(mode, scale) {
      context.state.scheduler.sync();
      context.state.clock.setMode(mode, scale);
      return context.state.clock.state();
    },
    journal: () => journal.entries(),
    clearJournal: () => journal.clear(),
    mintToken: (m) => idp.mint(m),
    injectFault(fault) {
      const active = compileFault(fault, nextFault, seed);
      nextFault++;
      faults.push(active);
      return active.id;
    },
    clearFaults() {
      faults.length = 0;
      nextFault = 1;
    },
    setNodeState(system, node, action) {
      const spec = knownSystem(system);
      if (!spec.nodes.some((n) => n.name === node)) throw new TypeError(`no node ${node} on ${spec.name}`);
      return context.state.scheduler.setNodeState(spec.name, node, action);
    },
    setPartitionState(system, partition, state) {
      const spec = knownSystem(system);
      if (!spec.partitions.some((p) => p.name === partition))
        throw new TypeError(`no partition ${partition} on ${spec.name}`);
      context.state.scheduler.setPartitionState(spec.name, partition, state);
    },
    rotateSigningKey(graceS) {
      if (!Number.isFinite(graceS) || graceS < 0) throw new RangeError('graceS must be a non-negative number');
      return idp.rotateKey(graceS);
    },
    populate(o) {
      const { state } = context;
      const system = state.scheduler.system(o.system);
      const user = state.user(o.user);
      if (!user) throw new TypeError(`no user ${o.user}`);
      if (!Number.isSafeInteger(o.files) || o.files < 0 || o.files > 10_000_000)
        throw new RangeError('files: 0 to 10,000,000');
      const per = o.perDirectory ?? 10_000;
      if (!Number.isSafeInteger(per) || per < 1) throw new RangeError('perDirectory: a positive integer');
      const fs = state.filesystem(system.name);
      const cred = credentialsOf(user);
      const content = Buffer.alloc(o.bytes ?? 0, 0x61);
      fs.mkdir(cred, o.directory, { parents: true });
      let directories = 0;
      for (let i = 0; i < o.files; i++) {
        if (i % per === 0) {
          fs.mkdir(cred, `${o.directory}/d${String(directories).padStart(5, '0')}`);
          directories++;
        }
        fs.writeFile(
          cred,
          `${o.directory}/d${String(directories - 1).padStart(5, '0')}/f${String(i % per).padStart(6, '0')}`,
          content,
        );
      }
      return { directories, files: o.files };
    },
    populateJobs(o) {
      const { state } = context;
      if (!Number.isSafeInteger(o.jobs) || o.jobs < 0 || o.jobs > MAX_SEEDED_JOBS)
        throw new RangeError(`jobs: 0 to ${MAX_SEEDED_JOBS.toLocaleString('en')}`);
      const names = o.users ?? state.site.users.map((u) => u.name);
      if (names.length === 0) throw new RangeError('users: at least one');
      const users = names.map((name) => {
        const user = state.user(name);
        if (!user) throw new TypeError(`no user ${name}`);
        return user;
      });
      return state.scheduler.populate(o.system, { users, count: o.jobs, seed: o.seed ?? seed });
    },
    info: () => ({
      seed,
      site: shape.name,
      systems: context.state.site.systems.map((s) => s.name),
      users: context.state.site.users.map((u) => u.name),
      clients: shape.clients.map((c) => c.id),
    }),
  };

  const context: SimulatorContext = {
    options: { controlPlane: options.controlPlane ?? true, privateJobs },
    shape,
    idp: withTokenFaults(idp, engineFaults),
    journal,
    faults,
    engineFaults,
    spec,
    validator: createValidator(spec),
    control,
    s3: DEFAULT_S3_CREDENTIALS,
    publicUrl,
    state: build(),
  };
  const app = createApp(context);
  return {
    app,
    fetch: async (request, env) => app.fetch(request, env),
    control,
    publicUrl,
    issuer,
    clients: shape.clients,
    publicClients,
    s3: { endpoint: `${publicUrl}/s3`, credentials: DEFAULT_S3_CREDENTIALS },
    get state() {
      return context.state;
    },
  };
}
