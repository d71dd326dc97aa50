import type { Context } from 'hono';
import type { Operation } from '../../../spec/load.ts';
import { SimError, validationError, type FieldProblem } from '../../errors.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';

/** Reads a JSON body; malformed JSON is a 400 validation error naming the byte offset, as FirecREST does. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw validationError([
      { location: 'body', name: offset === undefined ? text.length : Number(offset), message: 'JSON decode error' },
    ]);
  }
}

/** Validates a body against the operation's schema in our spec; problems name the field. */
export function validateBody(sim: SimulatorContext, operationId: string, body: unknown): void {
  const operation: Operation = sim.spec.getOperation(operationId);
  const problems: FieldProblem[] = sim.validator.validateRequestBody(operation, body).map((d) => {
    const name = d.where === '/' ? 'body' : d.where.slice(1).replaceAll('/', '.');
    return { location: 'body', name, message: d.message === 'is required' ? 'Field required' : d.message };
  });
  if (problems.length > 0) throw validationError(problems);
}

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);

/** A boolean query parameter as FastAPI reads one; anything else is a validation error. */
export function queryBool(c: Context<AppEnv>, name: string, fallback = false): boolean {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw validationError([
    { location: 'query', name, message: 'Input should be a valid boolean, unable to interpret input' },
  ]);
}

/** A job id: FirecREST's pattern is alphanumeric; Slurm's ids are numbers. */
export function jobIdParam(c: Context<AppEnv>): number {
  const raw = c.req.param('jobId') ?? '';
  if (!/^[a-zA-Z0-9]+$/.test(raw)) {
    throw validationError([
      { location: 'path', name: 'job_id', message: "String should match pattern '^[a-zA-Z0-9]+$'" },
    ]);
  }
  // DEVIATION: upstream passes a non-numeric id to sacct and answers 500; a malformed id is bad
  // input, so the simulator answers 400 naming the parameter.
  if (!/^\d{1,15}$/.test(raw)) {
    throw validationError([
      { location: 'path', name: 'job_id', message: `'${raw}' is not a valid job id: Slurm job ids are numbers` },
    ]);
  }
  return Number(raw);
}

export function currentUser(c: Context<AppEnv>) {
  const user = c.get('user');
  if (!user) throw new SimError(401, 'Not authenticated');
  return user;
}
