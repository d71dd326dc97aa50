import type { CheckResult } from './collect.ts';
import { coverageLine } from './coverage.ts';
import type { ReportWriter } from './registry.ts';
import type { RunReport } from './report.ts';
import { verdictLine, type RunVerdict } from './verdict.ts';

const marks = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP', error: 'ERR ', deviation: 'DEV ' } as const;

function formatGroup(
  outcome: 'skip' | 'error',
  reason: string,
  group: readonly CheckResult[],
  many: boolean,
): string[] {
  const [first] = group;
  const lines: string[] = [];
  if (group.length === 1 && first) {
    const on = many ? ` on ${first.system}` : '';
    lines.push(`  ${marks[outcome]} ${first.requirement} [${first.level ?? '?'}]${on} ${first.title}`);
  } else {
    const ids = [...new Set(group.map((r) => r.requirement))];
    const shown = ids.length > 6 ? `${ids.slice(0, 6).join(', ')} and ${ids.length - 6} more` : ids.join(', ');
    lines.push(`  ${marks[outcome]} ${group.length} checks: ${shown}`);
  }
  for (const line of reason.split('\n').slice(0, 6)) lines.push(`       ${line}`);
  return lines;
}

function formatProfiles(run: RunVerdict, many: boolean): string[] {
  const lines = ['Profiles:'];
  const outOfScope = run.profiles.filter((p) => p.verdict === 'OUT-OF-SCOPE');
  for (const p of run.profiles) {
    if (p.verdict === 'OUT-OF-SCOPE') continue;
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
  // Profiles the configuration left out: not certified, and no effect on the exit code.
  for (const [why, group] of groupBy(outOfScope, (p) => p.outOfScope ?? '')) {
    const names = [...new Set(group.map((p) => p.profile))].join(', ');
    lines.push(`  not certified (out of scope): ${names}: ${why}`);
  }
  for (const problem of run.problems) lines.push(`  ${problem}`);
  return lines;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

export function formatSummary(results: readonly CheckResult[], run: RunVerdict): string {
  const lines: string[] = [''];
  const many = new Set(results.map((r) => r.system)).size > 1;
  const notable = results.filter((r) => r.outcome === 'fail' || r.outcome === 'warn' || r.outcome === 'deviation');
  // Checks that share an outcome and a reason (no v1 URL, a failed set-up) are one entry.
  const byReason = (outcome: CheckResult['outcome']) =>
    groupBy(
      results.filter((r) => r.outcome === outcome),
      (r) => r.reason ?? '',
    );
  const errors = byReason('error');
  const skipped = byReason('skip');
  if (notable.length > 0 || errors.size > 0 || skipped.size > 0) {
    lines.push('Checks that did not pass:');
    for (const r of notable) {
      const on = many ? ` on ${r.system}` : '';
      lines.push(`  ${marks[r.outcome]} ${r.requirement} [${r.level ?? '?'}]${on} ${r.title}`);
      for (const line of (r.reason ?? '').split('\n').slice(0, 6)) lines.push(`       ${line}`);
    }
    for (const [reason, group] of errors) lines.push(...formatGroup('error', reason, group, many));
    for (const [reason, group] of skipped) lines.push(...formatGroup('skip', reason, group, many));
    lines.push('');
  }
  lines.push(...formatProfiles(run, many));
  return lines.join('\n');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Where the run's time went: vitest's start-up, the suites, and the rest (token, reports, cleanup). */
export function timingLine(report: Pick<RunReport, 'timing'>): string {
  const { durationMs, startupMs, suitesMs, preparationMs, apiMs, waitMs } = report.timing;
  const rest = Math.max(0, durationMs - startupMs - suitesMs);
  return `time: ${seconds(durationMs)}: vitest start-up ${seconds(startupMs)}, suites ${seconds(suitesMs)} (summed over files: preparing and importing ${seconds(preparationMs)}; over checks: API ${seconds(apiMs)}, waiting ${seconds(waitMs)}), the rest ${seconds(rest)} (token, reports, cleanup)`;
}

/** The console report: what did not pass, the profiles, coverage, cleanup, and the verdict last. */
export const consoleReport: ReportWriter = {
  kind: 'console',
  write(report, out) {
    const lines: string[] = [];
    for (const error of report.runErrors) lines.push(`ERROR outside the checks: ${error.split('\n')[0] ?? ''}`);
    lines.push(formatSummary(report.results, report));
    lines.push('', `API coverage (operations sent a request by a check): ${coverageLine(report.coverage)}`);
    const unexercised = report.coverage.filter((row) => row.requirements.length === 0);
    // A filtered run leaves most operations out on purpose; a whole run names what it missed.
    if (unexercised.length > 0 && report.filter === null) {
      const names = unexercised.map((row) => row.operation);
      const shown =
        names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ');
      lines.push(`  not exercised: ${shown}`);
    }
    lines.push(...formatCleanup(report));
    lines.push(timingLine(report));
    if (out.written.length > 0) lines.push(`reports: ${out.written.join(', ')} in ${out.dir}`);
    lines.push(`exit ${report.exit.code}: ${report.exit.reason}`);
    lines.push('', verdictLine(report));
    out.stdout(`${lines.join('\n')}\n`);
    return [];
  },
};

function formatCleanup(report: RunReport): string[] {
  const { cleanup } = report;
  if (!cleanup) return [];
  const left = cleanup.leftovers;
  return [
    '',
    `cleanup: ${cleanup.done.length} item(s) removed or cancelled; ${left.length === 0 ? 'nothing of the run is left on the site' : `${left.length} left on the site:`}`,
    ...left.map((l) => `  ${l.kind} ${l.what}${l.system ? ` on ${l.system}` : ''}${l.note ? ` (${l.note})` : ''}`),
  ];
}
