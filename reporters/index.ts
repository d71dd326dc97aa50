import { redactDeep } from '../spec/redact.ts';
import { consoleReport } from './console.ts';
import { htmlReport } from './html.ts';
import { jsonReport } from './json.ts';
import { junitReport } from './junit.ts';
import type { ReportOutput, ReportWriter } from './registry.ts';
import type { RunReport } from './report.ts';

export type { ReportWriter } from './registry.ts';

/** Every report a run can write; the console comes last, so that it can name the files. */
export const reportWriters: readonly ReportWriter[] = [jsonReport, junitReport, htmlReport, consoleReport];

/** Writes the chosen reports of a run; gives the files written. */
export function writeReports(
  report: RunReport,
  kinds: readonly string[],
  out: Omit<ReportOutput, 'written'>,
): string[] {
  const written: string[] = [];
  // One choke point: whatever a check recorded, no report writes a credential.
  const redacted = redactDeep(report);
  for (const writer of reportWriters) {
    if (!kinds.includes(writer.kind)) continue;
    written.push(...writer.write(redacted, { ...out, written: [...written] }));
  }
  return written;
}
