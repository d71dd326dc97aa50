import type { RunReport } from './report.ts';

// The reports of a run, each a function of the one RunReport. A new report is one file that
// exports a ReportWriter, and one line in `reportWriters` (reporters/index.ts).

export interface ReportOutput {
  /** The directory files go to. */
  readonly dir: string;
  /** Files the writers before this one wrote (the console names them). */
  readonly written: readonly string[];
  readonly stdout: (text: string) => void;
  readonly writeFile: (name: string, content: string) => void;
}

export interface ReportWriter {
  /** The name `--report` takes. */
  readonly kind: string;
  /** Writes the report; gives the names of the files it wrote. */
  write(report: RunReport, out: ReportOutput): readonly string[];
}
