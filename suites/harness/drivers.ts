import type { Generation } from '../../spec/load.ts';
import type { FileSystem, System } from '../../spec/types.ts';
import { evidenceOf, HarnessError } from './errors.ts';
import type { Client, ClientOptions, Exchange } from './http.ts';
import type { Identity, Target } from './target.ts';

/** What differs between the API generations for the harness: where the API is and how to find things. */
export interface Driver {
  readonly generation: Generation;
  /** The API's base URL on this target, or the reason there is none. */
  baseUrl(target: Target): string | { readonly missing: string };
  /** The system to test and where users' directories are. */
  discover(client: Client, target: Target): Promise<{ system: string; homeBase: string }>;
  clientOptions(baseUrl: string, system: string): ClientOptions;
  /** The caller's user name as the site tells it, when the token does not say. */
  whoami(client: Client, system: string): Promise<string | undefined>;
  mkdir(client: Client, system: string, path: string): Promise<Exchange>;
  rm(client: Client, system: string, path: string): Promise<Exchange>;
}

/** The claims of a JWT, unverified (the site verifies; the harness only reads the user name). */
export function claims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The user name of an identity: the token's preferred_username, else what the site says. */
export async function usernameOf(identity: Identity, ask: () => Promise<string | undefined>): Promise<string> {
  const claimed = claims(await identity.token()).preferred_username;
  if (typeof claimed === 'string') return claimed;
  const name = await ask();
  if (typeof name !== 'string') throw new HarnessError(`cannot tell the ${identity.label} identity's user name`);
  return name;
}

export const v2Driver: Driver = {
  generation: 'v2',
  baseUrl: (target) => target.baseUrl || { missing: "the site's v2 base URL is not given" },
  async discover(client, target) {
    const systems = await client.get<{ systems?: System[] } | undefined>('/status/systems');
    if (systems.status !== 200 || !Array.isArray(systems.body?.systems)) {
      throw new HarnessError(`cannot list the systems: ${evidenceOf(systems)}`);
    }
    const list = systems.body?.systems ?? [];
    const system = target.system ?? list[0]?.name;
    const chosen = list.find((s) => s.name === system);
    if (!system || !chosen)
      throw new HarnessError(`system ${system ?? '(none)'} is not among the site's systems: ${evidenceOf(systems)}`);
    const fileSystems: FileSystem[] = chosen.fileSystems ?? [];
    const home = fileSystems.find((f) => f.defaultWorkDir) ?? fileSystems.find((f) => f.dataType === 'users');
    return { system, homeBase: home ? home.path.replace(/\/+$/, '') : '/home' };
  },
  clientOptions: (baseUrl) => ({ baseUrl }),
  async whoami(client, system) {
    return (await client.get<{ user?: { name?: string } }>(`/status/${system}/userinfo`)).body.user?.name;
  },
  mkdir: (client, system, path) => client.post(`/filesystem/${system}/ops/mkdir`, { json: { path, parent: true } }),
  rm: (client, system, path) => client.delete(`/filesystem/${system}/ops/rm`, { query: { path } }),
};

const formOf = (fields: Record<string, string>) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
};

export const v1Driver: Driver = {
  generation: 'v1',
  baseUrl: (target) =>
    target.v1BaseUrl ?? {
      missing: "the site's v1 base URL is not given (--v1-target, or firecrest.v1 in the site profile)",
    },
  async discover(client, target) {
    const systems = await client.get<{ out?: { system: string }[] } | undefined>('/status/systems');
    if (systems.status !== 200 || !Array.isArray(systems.body?.out)) {
      throw new HarnessError(`cannot list the v1 systems: ${evidenceOf(systems)}`);
    }
    const out = systems.body?.out ?? [];
    const system = target.system ?? out[0]?.system;
    if (!system || !out.some((s) => s.system === system)) {
      throw new HarnessError(`system ${system ?? '(none)'} is not among the site's v1 systems: ${evidenceOf(systems)}`);
    }
    const parameters = await client.get<{ out?: { storage?: { name: string; value: unknown }[] } }>(
      '/status/parameters',
    );
    const mounts = parameters.body.out?.storage?.find((p) => p.name === 'FILESYSTEMS')?.value as
      { system: string; mounted: string[] }[] | undefined;
    const first = mounts?.find((m) => m.system === system)?.mounted[0];
    return { system, homeBase: (first ?? '/home').replace(/\/+$/, '') };
  },
  clientOptions: (baseUrl, system) => ({ baseUrl, headers: { 'X-Machine-Name': system } }),
  async whoami(client) {
    const output = (await client.get<{ output?: unknown }>('/utilities/whoami')).body.output;
    return typeof output === 'string' ? output : undefined;
  },
  mkdir: (client, _system, path) => client.post('/utilities/mkdir', { form: formOf({ targetPath: path, p: 'true' }) }),
  rm: (client, _system, path) => client.delete('/utilities/rm', { form: formOf({ targetPath: path }) }),
};

export { formOf };
