import { LATEST_TIME_MS, MAX_SCALE, clockModes, type ClockMode } from '../../engines/clock/index.ts';
import { SimError } from '../../errors.ts';
import type { PopulateJobsControl, PopulateOptions } from '../../context.ts';

/**
 * The control plane's inputs, each checked and bounded before it reaches the site: a value that
 * would break the site (a clock past year 9999, ten million files) is a 400 that says what fits.
 */
export const controlBounds = {
  /** A token may be minted already expired (negative) or long-lived, within ten years either way. */
  maxTtlS: 10 * 365 * 24 * 3600,
  maxText: 2048,
  /** Seeding builds every file in one request; beyond this the site would stall. */
  maxFiles: 100_000,
  maxFileBytes: 5 * 1024 * 1024,
  /** Seeding jobs makes every record in one request (about 0.2 s and 60 MB for the most). */
  maxJobs: 100_000,
  /** Users named in one seeding call. */
  maxUsers: 1000,
  /** Longest grace a rotated key keeps verifying: a day covers any token's life on the site. */
  maxGraceS: 24 * 3600,
} as const;

/** A control call the site refuses: a 400 that says what fits. */
export const refuse = (text: string) => new SimError(400, `[_sim] ${text}`);

/** An error an engine raised about a control call, as the 400 that refuses it. */
export const asRefusal = (error: unknown) => refuse(error instanceof Error ? error.message : String(error));

/** The body of a control call: a JSON object, or nothing. */
export async function bodyOf(c: { req: { text(): Promise<string> } }): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refuse('the body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw refuse('the body must be a JSON object');
  return value as Record<string, unknown>;
}

function text(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > controlBounds.maxText) {
    throw refuse(`${name}: a non-empty string of at most ${controlBounds.maxText} characters is required`);
  }
  return value;
}

export function integer(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw refuse(`${name}: an integer from ${min} to ${max} is required`);
  }
  return value;
}

export function seedOf(body: Record<string, unknown>): number {
  const seed = integer(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (seed === undefined) throw refuse('seed: an integer is required');
  return seed;
}

/** Seconds to advance, such that the site clock stays before the end of year 9999. */
export function advanceOf(body: Record<string, unknown>, now: number): number {
  const max = Math.floor((LATEST_TIME_MS - now) / 1000);
  const seconds = body.seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > max) {
    throw refuse(`seconds: a number from 0 to ${max} is required (the site clock stops at 9999-12-31)`);
  }
  return seconds;
}

export function clockOf(body: Record<string, unknown>): { mode: ClockMode; scale: number | undefined } {
  const mode = body.mode;
  if (typeof mode !== 'string' || !clockModes.includes(mode as ClockMode)) {
    throw refuse(`mode: one of ${clockModes.join(', ')} is required`);
  }
  const scale = body.scale;
  if (scale === undefined && mode !== 'scaled') return { mode: mode as ClockMode, scale: undefined };
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw refuse(`scale: a number above 0 and at most ${MAX_SCALE} is required`);
  }
  return { mode: mode as ClockMode, scale };
}

export function tokenOf(body: Record<string, unknown>): { username: string; ttlS?: number; issuer?: string } {
  const username = text(body, 'username', true) as string;
  const ttl = body.ttl;
  if (
    ttl !== undefined &&
    (typeof ttl !== 'number' || !Number.isFinite(ttl) || Math.abs(ttl) > controlBounds.maxTtlS)
  ) {
    throw refuse(`ttl: a number of seconds from -${controlBounds.maxTtlS} to ${controlBounds.maxTtlS} is required`);
  }
  const issuer = text(body, 'issuer', false);
  return {
    username,
    ...(typeof ttl === 'number' ? { ttlS: Math.round(ttl) } : {}),
    ...(issuer === undefined ? {} : { issuer }),
  };
}

export function populateOf(body: Record<string, unknown>): PopulateOptions {
  const files = integer(body, 'files', 0, controlBounds.maxFiles);
  if (files === undefined) throw refuse(`files: an integer from 0 to ${controlBounds.maxFiles} is required`);
  const perDirectory = integer(body, 'perDirectory', 1, controlBounds.maxFiles);
  const bytes = integer(body, 'bytes', 0, controlBounds.maxFileBytes);
  return {
    system: text(body, 'system', true) as string,
    user: text(body, 'user', true) as string,
    directory: text(body, 'directory', true) as string,
    files,
    ...(perDirectory === undefined ? {} : { perDirectory }),
    ...(bytes === undefined ? {} : { bytes }),
  };
}

export function populateJobsOf(body: Record<string, unknown>): PopulateJobsControl {
  const jobs = integer(body, 'jobs', 0, controlBounds.maxJobs);
  if (jobs === undefined) throw refuse(`jobs: an integer from 0 to ${controlBounds.maxJobs} is required`);
  const users = body.users;
  if (
    users !== undefined &&
    (!Array.isArray(users) ||
      users.length === 0 ||
      users.length > controlBounds.maxUsers ||
      users.some((u) => typeof u !== 'string' || u === '' || u.length > controlBounds.maxText))
  ) {
    throw refuse(`users: a list of 1 to ${controlBounds.maxUsers} user names is required`);
  }
  const seed = integer(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  return {
    system: text(body, 'system', true) as string,
    jobs,
    ...(users === undefined ? {} : { users: users as string[] }),
    ...(seed === undefined ? {} : { seed }),
  };
}
