import type { Context } from 'hono';
import type { Operation } from '../../../spec/load.ts';
import { SimError, validationError, type FieldProblem } from '../../errors.ts';
import type { SimulatorContext } from '../../context.ts';
import { slurmErrors } from '../../engines/slurm/index.ts';
import type { AppEnv } from '../shared/env.ts';

const JSON_TYPE = /^\s*application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** Reads a JSON body; malformed JSON is a 400 validation error naming the byte offset, as FirecREST does. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  // FastAPI reads a body as JSON only when it says so; otherwise the model gets bytes (a real 2.5.6
  // site answers JSON sent as text/plain, or without a content type, with this 400).
  if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    const message = 'Input should be a valid dictionary or object to extract fields from';
    throw new SimError(400, `1 validation error:\n  body: ${message}`, {
      errorType: 'validation',
      data: { fields: [{ location: 'body', name: null, message }] },
    });
  }
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
  if (!/^\d+$/.test(raw)) {
    throw validationError([
      { location: 'path', name: 'job_id', message: `'${raw}' is not a valid job id: Slurm job ids are numbers` },
    ]);
  }
  return slurmJobId(raw);
}

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A numeric id as squeue reads it: an unsigned long (saturating) taken as 32 bits; 0 and the two
 * highest values are not job ids. A real 2.5.6 site answered 4294967294, 4294967295, 4294967296
 * and a 26-digit id with this 500, and 99999999999 with 404 `Job not found.`.
 */
function slurmJobId(raw: string): number {
  const value = BigInt(raw);
  const id = Number((value > UINT64_MAX ? UINT64_MAX : value) % 2n ** 32n);
  if (id === 0 || id >= 0xfffffffe) {
    throw slurmErrors.invalidJobId(raw);
  }
  return id;
}

export function currentUser(c: Context<AppEnv>) {
  const user = c.get('user');
  if (!user) throw new SimError(401, 'Not authenticated');
  return user;
}
