import type { Reporter, TestModule } from 'vitest/node';
import { collectResults, type CheckResult } from './collect.ts';
import { applyDeviations, type Deviation } from './deviations.ts';
import { computeVerdict, type RunVerdict } from './verdict.ts';

/** Results with the site's deviations applied, and the verdict on them. */
export function judge(collected: readonly CheckResult[], deviations: readonly Deviation[]) {
  const today = new Date().toISOString().slice(0, 10);
  const applied = applyDeviations(collected, deviations, today);
  const problems = [
    ...applied.stale.map((id) => `deviation ${id} is listed but the requirement now passes: remove the entry`),
    ...applied.expired.map((id) => `deviation ${id} has expired: its failures count again`),
  ];
  return { results: applied.results, verdict: computeVerdict(applied.results, problems) };
}

const marks = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP', error: 'ERR ', deviation: 'DEV ' } as const;

export function formatSummary(results: readonly CheckResult[], run: RunVerdict): string {
  const lines: string[] = [''];
  const many = new Set(results.map((r) => r.system)).size > 1;
  const notable = results.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skip');
  // Skips often share one reason (no v1 URL, --read-only): one entry per reason keeps the failures in view.
  const skipped = new Map<string, CheckResult[]>();
  for (const r of results) {
    if (r.outcome !== 'skip') continue;
    const group = skipped.get(r.reason ?? '') ?? [];
    group.push(r);
    skipped.set(r.reason ?? '', group);
  }
  if (notable.length > 0 || skipped.size > 0) {
    lines.push('Checks that did not pass:');
    for (const r of notable) {
      const on = many ? ` on ${r.system}` : '';
      lines.push(`  ${marks[r.outcome]} ${r.requirement} [${r.level ?? '?'}]${on} ${r.title}`);
      for (const line of (r.reason ?? '').split('\n').slice(0, 6)) lines.push(`       ${line}`);
    }
    for (const [reason, group] of skipped) {
      const [first] = group;
      if (group.length === 1 && first) {
        const on = many ? ` on ${first.system}` : '';
        lines.push(`  SKIP ${first.requirement} [${first.level ?? '?'}]${on} ${first.title}`);
      } else {
        const ids = [...new Set(group.map((r) => r.requirement))];
        const shown = ids.length > 6 ? `${ids.slice(0, 6).join(', ')} and ${ids.length - 6} more` : ids.join(', ');
        lines.push(`  SKIP ${group.length} checks: ${shown}`);
      }
      for (const line of reason.split('\n').slice(0, 6)) lines.push(`       ${line}`);
    }
    lines.push('');
  }
  lines.push('Profiles:');
  for (const p of run.profiles) {
    const warn =
      p.shouldWarnings.length > 0
        ? `, ${p.shouldWarnings.length} SHOULD warning(s): ${p.shouldWarnings.join(', ')}`
        : '';
    const notRun = p.mustNotRun.length > 0 ? `, not run: ${p.mustNotRun.join(', ')}` : '';
    const deviating = p.deviations.length > 0 ? `, deviations: ${p.deviations.join(', ')}` : '';
    const name = many ? `${p.profile} on ${p.system}` : p.profile;
    const should = p.shouldRan > 0 ? `, ${p.shouldPassed}/${p.shouldRan} SHOULD` : '';
    lines.push(`  ${name}: ${p.verdict} ${p.mustPassed}/${p.mustTotal} MUST${should}${notRun}${warn}${deviating}`);
  }
  for (const problem of run.problems) lines.push(`  ${problem}`);
  return lines.join('\n');
}

/** Collects the checks of one vitest run (on one system); the caller judges all runs together. */
export class ResultCollector implements Reporter {
  readonly #root: string;
  readonly #system: string;
  results: CheckResult[] = [];
  unhandled = 0;

  constructor(options: { root: string; system: string }) {
    this.#root = options.root;
    this.#system = options.system;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>) {
    this.results = collectResults(modules, this.#root, this.#system);
    this.unhandled = errors.length;
  }
}
