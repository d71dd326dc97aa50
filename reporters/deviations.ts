import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { findRequirement } from '../spec/requirements.ts';
import type { CheckResult } from './collect.ts';

/** A site's declared departure from a requirement, with why, and until when it holds. */
export interface Deviation {
  readonly id: string;
  readonly reason: string;
  /** `YYYY-MM-DD`; from that day on the entry no longer excuses a failure. */
  readonly expires?: string | undefined;
}

export interface DeviationReport {
  readonly results: CheckResult[];
  /** Listed requirements that now pass: their entries must go. */
  readonly stale: string[];
  /** Entries past their expiry: their failures count again. */
  readonly expired: string[];
}

/** Reads a deviations file: a YAML list of {id, reason, expires?}; names the problem when it is wrong. */
export function readDeviations(path: string): Deviation[] {
  const value: unknown = parse(readFileSync(path, 'utf8'));
  const list: unknown = Array.isArray(value) ? value : (value as { deviations?: unknown } | null)?.deviations;
  if (!Array.isArray(list)) throw new Error(`${path}: expected a list of {id, reason, expires?}`);
  return list.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const where = `${path}: entry ${i + 1}`;
    if (typeof e.id !== 'string' || !findRequirement(e.id))
      throw new Error(`${where}: '${String(e.id)}' is not a requirement id`);
    if (typeof e.reason !== 'string' || e.reason.trim() === '')
      throw new Error(`${where} (${e.id}): a reason is required`);
    const expires = e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : e.expires;
    if (expires !== undefined && (typeof expires !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(expires))) {
      throw new Error(`${where} (${e.id}): expires must be a date, YYYY-MM-DD`);
    }
    return { id: e.id, reason: e.reason, expires };
  });
}

/**
 * Applies the deviations to a run's results: a listed failure becomes a deviation (with the
 * reason); a listed requirement that passed is stale; an expired entry excuses nothing.
 */
export function applyDeviations(
  results: readonly CheckResult[],
  deviations: readonly Deviation[],
  today: string,
): DeviationReport {
  const active = new Map<string, Deviation>();
  const expired: string[] = [];
  for (const d of deviations) {
    if (d.expires !== undefined && d.expires <= today) expired.push(d.id);
    else active.set(d.id, d);
  }
  const stale = [...active.keys()].filter((id) => {
    const mine = results.filter((r) => r.requirement === id);
    return mine.length > 0 && mine.every((r) => r.outcome === 'pass');
  });
  return {
    results: results.map((r) => {
      const d = active.get(r.requirement);
      if (!d || (r.outcome !== 'fail' && r.outcome !== 'warn')) return r;
      return {
        ...r,
        outcome: 'deviation',
        reason: `deviation: ${d.reason}${d.expires ? ` (until ${d.expires})` : ''}; ${r.reason ?? ''}`,
      };
    }),
    stale,
    expired,
  };
}
