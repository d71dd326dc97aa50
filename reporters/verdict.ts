import { profiles, requirements, type Profile } from '../spec/requirements.ts';
import { outcomes } from '../spec/results.ts';
import type { CheckResult } from './collect.ts';
import type { ProfileVerdictRecord, RunVerdictKind } from './report.ts';

export type ProfileVerdict = ProfileVerdictRecord;

export interface RunVerdict {
  readonly verdict: RunVerdictKind;
  /** One per profile and system of the run, those out of its scope included. */
  readonly profiles: readonly ProfileVerdict[];
  readonly counts: Readonly<Record<CheckResult['outcome'], number>>;
  /** Problems of the run itself that fail it (stale or expired deviation entries). */
  readonly problems: readonly string[];
  /** How many checks of MUST requirements ran (passed, failed or deviated). */
  readonly mustRan: number;
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

export interface VerdictOptions {
  /** Problems of the run itself that fail it (stale or expired deviation entries). */
  readonly problems?: readonly string[];
  /** Why the run's configuration leaves a whole profile out, if it does (no URL, opt-in not chosen). */
  readonly outOfScope?: (profile: string) => string | undefined;
  /** The systems the run was asked to check (a system with no result still gets its profiles). */
  readonly systems?: readonly string[];
}

/** A profile on a system that nothing in the run could judge. */
function outOfScopeRecord(profile: Profile, system: string, why: string, mustTotal: number): ProfileVerdict {
  return {
    profile,
    system,
    verdict: 'OUT-OF-SCOPE',
    outOfScope: why,
    mustTotal,
    mustPassed: 0,
    mustFailed: [],
    mustNotRun: [],
    shouldRan: 0,
    shouldPassed: 0,
    shouldWarnings: [],
    deviations: [],
  };
}

/** One profile on one system, from the checks of its requirements that ran there. */
function profileVerdict(profile: Profile, system: string, byRequirement: Map<string, CheckResult[]>): ProfileVerdict {
  const inProfile = requirements.filter((r) => r.profile === profile);
  const must = inProfile.filter((r) => r.level === 'MUST');
  const outcome = (id: string) => requirementOutcome(byRequirement.get(id) ?? []);
  const mustFailed = must.filter((r) => outcome(r.id) === 'fail').map((r) => r.id);
  const mustNotRun = must.filter((r) => outcome(r.id) === 'not-run').map((r) => r.id);
  const shouldRan = inProfile.filter((r) => r.level === 'SHOULD' && outcome(r.id) !== 'not-run');
  return {
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
  };
}

/**
 * The verdict per profile and system: PASS (certified) only when every MUST of the profile ran
 * and passed there; FAIL when a MUST failed; INCOMPLETE otherwise; OUT-OF-SCOPE when the run's
 * configuration leaves the whole profile out or none of its checks was selected. Errors and skips
 * leave a MUST not run: they never count as the site's failure, and never as its pass.
 */
export function computeVerdict(results: readonly CheckResult[], options: VerdictOptions = {}): RunVerdict {
  const problems = options.problems ?? [];
  const systems = [...new Set([...(options.systems ?? []), ...results.map((r) => r.system)])];
  const verdicts: ProfileVerdict[] = [];
  for (const system of systems) {
    const here = results.filter((r) => r.system === system);
    const byRequirement = new Map<string, CheckResult[]>();
    for (const r of here) byRequirement.set(r.requirement, [...(byRequirement.get(r.requirement) ?? []), r]);
    for (const profile of profiles) {
      const mustTotal = requirements.filter((r) => r.profile === profile && r.level === 'MUST').length;
      const why =
        options.outOfScope?.(profile) ??
        (here.some((r) => r.profile === profile) ? undefined : 'none of its checks was selected for this run');
      verdicts.push(
        why === undefined
          ? profileVerdict(profile, system, byRequirement)
          : outOfScopeRecord(profile, system, why, mustTotal),
      );
    }
  }
  const counts = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<CheckResult['outcome'], number>;
  for (const r of results) counts[r.outcome]++;
  const inScope = verdicts.filter((v) => v.verdict !== 'OUT-OF-SCOPE');
  const verdict =
    problems.length > 0 || inScope.some((v) => v.verdict === 'FAIL')
      ? 'FAIL'
      : inScope.length > 0 && inScope.every((v) => v.verdict === 'PASS')
        ? 'PASS'
        : 'INCOMPLETE';
  const mustRan = results.filter(
    (r) => r.level === 'MUST' && (r.outcome === 'pass' || r.outcome === 'fail' || r.outcome === 'deviation'),
  ).length;
  return { verdict, profiles: verdicts, counts, problems, mustRan };
}

/** What the exit code says, and why. */
export interface ExitStatus {
  readonly code: 0 | 1 | 2 | 3 | 130;
  readonly reason: string;
}

export interface ExitFacts {
  readonly interrupted: boolean;
  /** `--certify`: every MUST of every profile in scope must have run. */
  readonly certify: boolean;
  /** Errors outside any check (a suite file that failed to load, an unhandled rejection). */
  readonly runErrors: number;
}

/**
 * The exit code CI gates on. When several apply, the first of 130, 1, 2, 3, 0 wins:
 * 130 interrupted; 1 a MUST failed or the deviations file is stale or expired; 2 the run could
 * not judge the site (an error, or no MUST ran at all); 3 a certification run left a profile in
 * scope INCOMPLETE; 0 PASS, or INCOMPLETE only through what the configuration declared.
 */
export function exitStatusOf(run: RunVerdict, facts: ExitFacts): ExitStatus {
  if (facts.interrupted) return { code: 130, reason: 'the run was interrupted' };
  if (run.verdict === 'FAIL') return { code: 1, reason: 'a MUST requirement failed or the deviations file is stale' };
  const errors = run.counts.error + facts.runErrors;
  if (errors > 0) return { code: 2, reason: `${errors} error(s): the run could not judge the site` };
  if (run.mustRan === 0) return { code: 2, reason: 'no MUST requirement ran' };
  const incomplete = run.profiles.filter((p) => p.verdict === 'INCOMPLETE');
  if (facts.certify && incomplete.length > 0)
    return {
      code: 3,
      reason: `certification needs every MUST run: ${incomplete.map((p) => `${p.profile}@${p.system}`).join(', ')} INCOMPLETE`,
    };
  return {
    code: 0,
    reason:
      run.verdict === 'PASS' ? 'every MUST in scope passed' : 'MUSTs were left out only as the configuration declared',
  };
}

const where = (p: ProfileVerdict, many: boolean) => (many ? `${p.profile}@${p.system}` : p.profile);

export function verdictLine(run: RunVerdict): string {
  const { pass, fail, warn, skip, error, deviation } = run.counts;
  const inScope = run.profiles.filter((p) => p.verdict !== 'OUT-OF-SCOPE');
  const many = new Set(inScope.map((p) => p.system)).size > 1;
  // One line: long lists are cut, and the profile table above it has them all.
  const capped = (items: readonly string[]) =>
    items.length > 8 ? `${items.slice(0, 8).join(', ')} and ${items.length - 8} more` : items.join(', ');
  const list = (pick: (p: ProfileVerdict) => readonly string[]) =>
    capped([...new Set(inScope.flatMap((p) => pick(p).map((id) => (many ? `${id}@${p.system}` : id))))]);
  const why =
    run.verdict === 'PASS'
      ? `every MUST requirement passed in ${capped(inScope.map((p) => where(p, many)))}`
      : run.verdict === 'FAIL'
        ? [
            ...(inScope.some((p) => p.mustFailed.length > 0)
              ? [`MUST requirements failed: ${list((p) => p.mustFailed)}`]
              : []),
            ...run.problems,
          ].join('; ')
        : run.mustRan === 0
          ? 'no MUST requirement was checked'
          : `MUST requirements not checked: ${list((p) => p.mustNotRun)}`;
  const extra = [warn > 0 ? `${warn} warnings` : '', deviation > 0 ? `${deviation} deviations` : '']
    .filter(Boolean)
    .map((s) => `, ${s}`)
    .join('');
  return `verdict: ${run.verdict} (${why}; checks: ${pass} passed, ${fail} failed, ${skip} skipped, ${error} errors${extra})`;
}
