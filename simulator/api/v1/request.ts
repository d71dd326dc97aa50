import type { Context } from 'hono';
import { credentialsOf } from '../../engines/slurm/index.ts';
import type { SystemSpec } from '../../engines/site/types.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import { V1Error } from './errors.ts';

// Characters v1 refuses in any argument (it builds shell commands from them).
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const FORBIDDEN = /[<>|;"'&\\()\x00-\x1F`]/;

/** v1's check of an argument: present, not empty, no shell metacharacters. */
export function checkInput(value: unknown, name: string, description: string): string {
  if (value === undefined || value === null) throw new V1Error(400, { description, error: `'${name}' not specified` });
  if (typeof value !== 'string') throw new V1Error(400, { description, error: `'${name}' is not a string` });
  if (value === '') throw new V1Error(400, { description, error: `'${name}' is empty` });
  if (FORBIDDEN.test(value)) throw new V1Error(400, { description, error: `'${name}' has invalid char` });
  return value;
}

export type MachineStyle = 'utilities' | 'compute';

/**
 * The system named by X-Machine-Name. v1's services spell the unknown-machine header two ways:
 * utilities and storage `X-Machine-Does-Not-Exist`, compute `X-Machine-Does-Not-Exists`.
 */
export function machine(
  sim: SimulatorContext,
  c: Context<AppEnv>,
  description: string,
  style: MachineStyle = 'utilities',
): SystemSpec {
  const name = c.req.header('x-machine-name');
  // An empty value is a machine name v1 does not know, not a missing one.
  if (name === undefined) throw new V1Error(400, { description: 'No machine name given' });
  const system = sim.state.site.systems.find((s) => s.name === name);
  if (!system) {
    throw style === 'utilities'
      ? new V1Error(
          400,
          { description, error: 'Machine does not exist' },
          { 'X-Machine-Does-Not-Exist': 'Machine does not exist' },
        )
      : new V1Error(
          400,
          { description, error: 'Machine does not exists' },
          { 'X-Machine-Does-Not-Exists': 'Machine does not exists' },
        );
  }
  return system;
}

export function caller(c: Context<AppEnv>) {
  const user = c.get('user');
  if (!user) throw new V1Error(401, { description: 'No Auth Header given' });
  return { user, cred: credentialsOf(user) };
}

/** Form fields of a POST/PUT/DELETE (urlencoded or multipart), read once. */
export async function form(c: Context<AppEnv>): Promise<Record<string, string | File>> {
  try {
    const body = await c.req.parseBody();
    const fields: Record<string, string | File> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' || v instanceof File) fields[k] = v;
    return fields;
  } catch {
    return {};
  }
}

export function truthy(value: string | undefined | File): boolean {
  return typeof value === 'string' && ['true', '1', 'yes', 'on'].includes(value.toLowerCase());
}

/** v1 renders times as local `YYYY-MM-DDTHH:MM:SS` without a zone; the simulator's zone is UTC. */
export const v1Time = (ms: number) => new Date(ms).toISOString().slice(0, 19);
