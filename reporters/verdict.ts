import { profiles, requirements } from '../spec/requirements.ts';
import { outcomes } from '../spec/results.ts';
import type { CheckResult } from './collect.ts';
import type { ProfileVerdictKind, ProfileVerdictRecord } from './report.ts';

export type ProfileVerdict = ProfileVerdictRecord;

export interface RunVerdict {
  readonly verdict: ProfileVerdictKind;
  /** One per profile and system that had a check in the run. */
  readonly profiles: readonly ProfileVerdict[];
  readonly counts: Readonly<Record<CheckResult['outcome'], number>>;
  /** Problems of the run itself that fail it (stale or expired deviation entries). */
  readonly problems: readonly string[];
}

type RequirementOutcome = 'pass' | 'deviation' | 'fail' | 'warn' | 'not-run';

/** A requirement passes when all its checks passed (or deviate, as declared); it fails when any failed. */
function requirementOutcome(results: readonly CheckResult[]): RequirementOutcome {
  if (results.some((r) => r.outcome === 'fail')) return 'fail';
  if (results.some((r) => r.outcome === 'warn')) return 'warn';
  if (results.length > 0 && results.every((r) => r.outcome === 'pass')) return 'pass';
  if (results.length > 0 && results.every((r) => r.outcome === 'pass' || r.outcome === 'deviation')) return 'deviation';
  return 'not-run';
}

/**
 * The verdict per profile and system: PASS (certified) only when every MUST of the profile ran
 * and passed there; FAIL when a MUST failed; INCOMPLETE otherwise. Errors and skips leave a MUST
 * not run: they never count as the site's failure, and never as its pass.
 */
export function computeVerdict(results: readonly CheckResult[], problems: readonly string[] = []): RunVerdict {
  const systems = [...new Set(results.map((r) => r.system))];
  const verdicts: ProfileVerdict[] = [];
  for (const system of systems) {
    const here = results.filter((r) => r.system === system);
    const byRequirement = new Map<string, CheckResult[]>();
    for (const r of here) byRequirement.set(r.requirement, [...(byRequirement.get(r.requirement) ?? []), r]);
    const ran = new Set(here.filter((r) => r.outcome !== 'skip').map((r) => r.profile));
    for (const profile of profiles.filter((p) => ran.has(p))) {
      const inProfile = requirements.filter((r) => r.profile === profile);
      const must = inProfile.filter((r) => r.level === 'MUST');
      const outcome = (id: string) => requirementOutcome(byRequirement.get(id) ?? []);
      const mustFailed = must.filter((r) => outcome(r.id) === 'fail').map((r) => r.id);
      const mustNotRun = must.filter((r) => outcome(r.id) === 'not-run').map((r) => r.id);
      const shouldRan = inProfile.filter((r) => r.level === 'SHOULD' && outcome(r.id) !== 'not-run');
      verdicts.push({
        profile,
        system,
        verdict: mustFailed.length > 0 ? 'FAIL' : mustNotRun.length > 0 ? 'INCOMPLETE' : 'PASS',
        mustTotal: must.length,
        mustPassed: must.filter((r) => outcome(r.id) === 'pass').length,
        mustFailed,
        mustNotRun,
        shouldRan: shouldRan.length,
        shouldPassed: shouldRan.filter((r) => outcome(r.id) === 'pass').length,
        shouldWarnings: inProfile.filter((r) => r.level === 'SHOULD' && outcome(r.id) === 'warn').map((r) => r.id),
        deviations: inProfile.filter((r) => outcome(r.id) === 'deviation').map((r) => r.id),
      });
    }
  }
  const counts = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<CheckResult['outcome'], number>;
  for (const r of results) counts[r.outcome]++;
  const verdict =
    problems.length > 0 || verdicts.some((v) => v.verdict === 'FAIL')
      ? 'FAIL'
      : verdicts.length > 0 && verdicts.every((v) => v.verdict === 'PASS')
        ? 'PASS'
        : 'INCOMPLETE';
  return { verdict, profiles: verdicts, counts, problems };
}

const where = (p: ProfileVerdict, many: boolean) => (many ? `${p.profile}@${p.system}` : p.profile);

export function verdictLine(run: RunVerdict): string {
  const { pass, fail, warn, skip, error, deviation } = run.counts;
  const many = new Set(run.profiles.map((p) => p.system)).size > 1;
  // One line: long lists are cut, and the profile table above it has them all.
  const capped = (items: readonly string[]) =>
    items.length > 8 ? `${items.slice(0, 8).join(', ')} and ${items.length - 8} more` : items.join(', ');
  const list = (pick: (p: ProfileVerdict) => readonly string[]) =>
    capped([...new Set(run.profiles.flatMap((p) => pick(p).map((id) => (many ? `${id}@${p.system}` : id))))]);
  const why =
    run.verdict === 'PASS'
      ? `every MUST requirement passed in ${capped(run.profiles.map((p) => where(p, many)))}`
      : run.verdict === 'FAIL'
        ? [
            ...(run.profiles.some((p) => p.mustFailed.length > 0)
              ? [`MUST requirements failed: ${list((p) => p.mustFailed)}`]
              : []),
            ...run.problems,
          ].join('; ')
        : run.profiles.length === 0
          ? 'no MUST requirement was checked'
          : `MUST requirements not checked: ${list((p) => p.mustNotRun)}`;
  const extra = [warn > 0 ? `${warn} warnings` : '', deviation > 0 ? `${deviation} deviations` : '']
    .filter(Boolean)
    .map((s) => `, ${s}`)
    .join('');
  return `verdict: ${run.verdict} (${why}; checks: ${pass} passed, ${fail} failed, ${skip} skipped, ${error} errors${extra})`;
}
