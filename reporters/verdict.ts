import { profiles, requirements, type Profile } from '../spec/requirements.ts';
import type { CheckResult } from './collect.ts';

export interface ProfileVerdict {
  readonly profile: Profile;
  /** PASS: every MUST ran and passed. FAIL: a MUST failed. INCOMPLETE: no MUST failed, some did not run. */
  readonly verdict: 'PASS' | 'FAIL' | 'INCOMPLETE';
  readonly mustTotal: number;
  readonly mustPassed: number;
  readonly mustFailed: readonly string[];
  /** MUSTs that were skipped or errored, or have no check in this run. */
  readonly mustNotRun: readonly string[];
  readonly shouldWarnings: readonly string[];
  /** Requirements that failed but are listed in the site's deviations file. */
  readonly deviations: readonly string[];
}

export interface RunVerdict {
  readonly verdict: 'PASS' | 'FAIL' | 'INCOMPLETE';
  readonly profiles: readonly ProfileVerdict[];
  readonly counts: Readonly<Record<CheckResult['outcome'], number>>;
  /** Problems of the run itself that fail it (stale or expired deviation entries). */
  readonly problems: readonly string[];
}

/** A requirement passes when all its checks passed (or deviate, as declared); it fails when any failed. */
function requirementOutcome(results: readonly CheckResult[]): 'pass' | 'deviation' | 'fail' | 'not-run' {
  if (results.some((r) => r.outcome === 'fail')) return 'fail';
  if (results.length > 0 && results.every((r) => r.outcome === 'pass')) return 'pass';
  if (results.length > 0 && results.every((r) => r.outcome === 'pass' || r.outcome === 'deviation')) return 'deviation';
  return 'not-run';
}

export function computeVerdict(results: readonly CheckResult[], problems: readonly string[] = []): RunVerdict {
  const byRequirement = new Map<string, CheckResult[]>();
  for (const r of results) byRequirement.set(r.requirement, [...(byRequirement.get(r.requirement) ?? []), r]);
  const ran = new Set(results.filter((r) => r.outcome !== 'skip').map((r) => r.profile));
  const verdicts = profiles
    .filter((p) => ran.has(p))
    .map((profile): ProfileVerdict => {
      const inProfile = requirements.filter((r) => r.profile === profile);
      const must = inProfile.filter((r) => r.level === 'MUST');
      const outcome = (id: string) => requirementOutcome(byRequirement.get(id) ?? []);
      const mustFailed = must.filter((r) => outcome(r.id) === 'fail').map((r) => r.id);
      const mustNotRun = must.filter((r) => outcome(r.id) === 'not-run').map((r) => r.id);
      return {
        profile,
        verdict: mustFailed.length > 0 ? 'FAIL' : mustNotRun.length > 0 ? 'INCOMPLETE' : 'PASS',
        mustTotal: must.length,
        mustPassed: must.length - mustFailed.length - mustNotRun.length,
        mustFailed,
        mustNotRun,
        shouldWarnings: inProfile.filter((r) => r.level === 'SHOULD' && outcome(r.id) === 'fail').map((r) => r.id),
        deviations: inProfile.filter((r) => outcome(r.id) === 'deviation').map((r) => r.id),
      };
    });
  const counts = { pass: 0, fail: 0, skip: 0, error: 0, deviation: 0 };
  for (const r of results) counts[r.outcome]++;
  const verdict =
    problems.length > 0 || verdicts.some((v) => v.verdict === 'FAIL')
      ? 'FAIL'
      : verdicts.every((v) => v.verdict === 'PASS') && verdicts.length > 0
        ? 'PASS'
        : 'INCOMPLETE';
  return { verdict, profiles: verdicts, counts, problems };
}

export function verdictLine(run: RunVerdict): string {
  const { pass, fail, skip, error, deviation } = run.counts;
  const why =
    run.verdict === 'PASS'
      ? 'every MUST requirement passed'
      : run.verdict === 'FAIL'
        ? [
            ...(run.profiles.some((p) => p.mustFailed.length > 0)
              ? [`MUST requirements failed: ${run.profiles.flatMap((p) => p.mustFailed).join(', ')}`]
              : []),
            ...run.problems,
          ].join('; ')
        : run.profiles.length === 0
          ? 'no MUST requirement was checked'
          : `MUST requirements not checked: ${run.profiles.flatMap((p) => p.mustNotRun).join(', ')}`;
  return `verdict: ${run.verdict} (${why}; checks: ${pass} passed, ${fail} failed, ${skip} skipped, ${error} errors${deviation > 0 ? `, ${deviation} deviations` : ''})`;
}
