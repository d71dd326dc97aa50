import type { Reporter, SerializedError, TestModule } from 'vitest/node';
import { collectResults, type CheckResult } from './collect.ts';
import { computeVerdict, type RunVerdict } from './verdict.ts';

const marks = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP', error: 'ERR ' } as const;

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
    lines.push(`  ${p.profile}: ${p.verdict} ${p.mustPassed}/${p.mustTotal} MUST${notRun}${warn}`);
  }
  return lines.join('\n');
}

/** Prints what did not pass and the verdict per profile; the caller prints the verdict line last. */
export class ConsoleSummaryReporter implements Reporter {
  readonly #root: string;
  results: CheckResult[] = [];
  verdict: RunVerdict | undefined;

  constructor(options: { root?: string } = {}) {
    this.#root = options.root ?? process.cwd();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<SerializedError>) {
    this.results = collectResults(modules, this.#root);
    this.verdict = computeVerdict(this.results);
    if (errors.length > 0) process.stdout.write(`\n${errors.length} unhandled error(s) during the run\n`);
    process.stdout.write(`${formatSummary(this.results, this.verdict)}\n`);
  }
}
