import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { collectResults } from './collect.ts';
import { judge } from './console.ts';
import type { Deviation } from './deviations.ts';

export interface JsonReporterOptions {
  readonly outputFile: string;
  readonly root?: string;
  /** What the run was pointed at, recorded in the report (no secrets). */
  readonly target?: Record<string, unknown>;
  readonly deviations?: readonly Deviation[];
}

/** Writes results.json: one entry per check with its requirement, outcome and evidence. */
export class JsonResultsReporter implements Reporter {
  readonly #options: JsonReporterOptions;

  constructor(options: JsonReporterOptions) {
    this.#options = options;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const { results, verdict: run } = judge(
      collectResults(modules, this.#options.root ?? process.cwd()),
      this.#options.deviations ?? [],
    );
    const report = {
      tool: 'f7t-conformance',
      generatedAt: new Date().toISOString(),
      target: this.#options.target ?? null,
      verdict: run.verdict,
      profiles: run.profiles,
      counts: run.counts,
      problems: run.problems,
      results,
    };
    mkdirSync(dirname(this.#options.outputFile), { recursive: true });
    writeFileSync(this.#options.outputFile, `${JSON.stringify(report, null, 2)}\n`);
  }
}
