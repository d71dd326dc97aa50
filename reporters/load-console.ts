import { formatMs, formatRate, type LoadReport } from './load-report.ts';

// The console summary of a load run: what was run, latency per operation, errors, the exit.

const MAX_ERRORS_SHOWN = 10;

export function loadSummary(report: LoadReport): string {
  const { settings, target, totals } = report;
  const limits = [
    `${settings.users} users`,
    `${settings.durationS} s`,
    settings.requests === undefined ? undefined : `at most ${settings.requests} requests`,
    settings.rate === undefined ? undefined : `at most ${settings.rate} requests/s`,
  ].filter(Boolean);
  const lines = [
    `f7t-conformance load: ${limits.join(', ')} against ${target.baseUrl} (${target.site ? `site ${target.site}, ` : ''}system ${target.system})`,
    ...(report.limits?.clamped ?? []).map((c) => `  lowered to the site profile's bounds: ${c}`),
    `stopped by ${report.stoppedBy} after ${report.elapsedS.toFixed(1)} s`,
    '',
  ];
  const width = Math.max(9, ...report.operations.map((o) => o.operation.length));
  const row = (cells: string[]) =>
    `${(cells[0] ?? '').padEnd(width)}  ${cells
      .slice(1)
      .map((c) => c.padStart(8))
      .join('  ')}`;
  lines.push(row(['operation', 'count', 'p50 ms', 'p99 ms', 'max ms', 'errors']));
  for (const o of report.operations) {
    const errors = Object.values(o.errors).reduce((a, b) => a + b, 0);
    lines.push(
      row([o.operation, String(o.count), formatMs(o.p50Ms), formatMs(o.p99Ms), formatMs(o.maxMs), String(errors)]),
    );
  }
  lines.push(
    '',
    `${totals.requests} requests (${totals.cleanupRequests} of them cleanup), ${totals.iterations} rounds, ` +
      `${totals.throughput.toFixed(1)} requests/s, ${totals.errors} errors (${formatRate(totals.errorRate)})`,
  );
  const nonConforming = report.operations.filter((o) => o.nonConforming > 0);
  if (nonConforming.length > 0)
    lines.push(
      `answers departing from the spec: ${nonConforming.map((o) => `${o.operation} ${o.nonConforming}`).join(', ')}`,
    );
  if (report.errors.length > 0) lines.push('errors by operation and status:');
  for (const e of report.errors.slice(0, MAX_ERRORS_SHOWN))
    lines.push(`  ${e.operation} ${e.status}: ${e.count}${e.example ? ` (first: ${e.example.slice(0, 160)})` : ''}`);
  if (report.errors.length > MAX_ERRORS_SHOWN)
    lines.push(`  ... ${report.errors.length - MAX_ERRORS_SHOWN} more in load.json`);
  lines.push(`exit ${report.exit.code}: ${report.exit.reason}`);
  return `${lines.join('\n')}\n`;
}
