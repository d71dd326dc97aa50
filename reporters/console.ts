import type { Reporter, SerializedError, TestModule } from 'vitest/node';
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

const marks = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP', error: 'ERR ', deviation: 'DEV ' } as const;

export function formatSummary(results: readonly CheckResult[], run: RunVerdict): string {
  const lines: string[] = [''];
  const notable = results.filter((r) => r.outcome !== 'pass');
  if (notable.length > 0) {
    lines.push('Checks that did not pass:');
    for (const r of notable) {
      const mark = r.outcome === 'fail' && r.level === 'SHOULD' ? 'WARN' : marks[r.outcome];
      lines.push(`  ${mark} ${r.requirement} [${r.level ?? '?'}] ${r.title}`);
      for (const line of (r.reason ?? '').split('\n').slice(0, 6)) lines.push(`       ${line}`);
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
    lines.push(`  ${p.profile}: ${p.verdict} ${p.mustPassed}/${p.mustTotal} MUST${notRun}${warn}${deviating}`);
  }
  for (const problem of run.problems) lines.push(`  ${problem}`);
  return lines.join('\n');
}

/** Prints what did not pass and the verdict per profile; the caller prints the verdict line last. */
export class ConsoleSummaryReporter implements Reporter {
  readonly #root: string;
  results: CheckResult[] = [];
  verdict: RunVerdict | undefined;

  readonly #deviations: readonly Deviation[];

  constructor(options: { root?: string; deviations?: readonly Deviation[] } = {}) {
    this.#root = options.root ?? process.cwd();
    this.#deviations = options.deviations ?? [];
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<SerializedError>) {
    ({ results: this.results, verdict: this.verdict } = judge(collectResults(modules, this.#root), this.#deviations));
    if (errors.length > 0) process.stdout.write(`\n${errors.length} unhandled error(s) during the run\n`);
    process.stdout.write(`${formatSummary(this.results, this.verdict)}\n`);
  }
}
