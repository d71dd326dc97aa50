import type { CheckResult } from './collect.ts';
import { applyDeviations, type Deviation } from './deviations.ts';
import { computeVerdict, type VerdictOptions } from './verdict.ts';

/** Results with the site's deviations applied, and the verdict on them. */
export function judge(
  collected: readonly CheckResult[],
  deviations: readonly Deviation[],
  options: Omit<VerdictOptions, 'problems'> = {},
) {
  const today = new Date().toISOString().slice(0, 10);
  const applied = applyDeviations(collected, deviations, today);
  const problems = [
    ...applied.stale.map((id) => `deviation ${id} is listed but the requirement now passes: remove the entry`),
    ...applied.expired.map((id) => `deviation ${id} has expired: its failures count again`),
  ];
  return { results: applied.results, verdict: computeVerdict(applied.results, { ...options, problems }) };
}
