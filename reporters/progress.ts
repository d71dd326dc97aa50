import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { requirementIdOf } from '../spec/requirements.ts';

/** Shared by the runs of one `check` (one run per system). */
export interface Progress {
  readonly systems: number;
  /** Checks a run on one system is expected to make (counted from the suites before they load). */
  readonly expected: number;
  /** Checks the run's configuration rules out (no v1 URL, --read-only, ...): left out of the count. */
  readonly ruledOut?: (requirement: string) => boolean;
  apiMs: number;
  waitMs: number;
  readonly startedAt: number;
}

const seconds = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/**
 * Progress of a long run on stderr: checks done of all, an estimate of the time left, and the
 * time spent waiting for jobs (queue wait) apart from the time the API took to answer.
 * On a terminal one line is rewritten; otherwise a line is printed at most every 10 s. While a
 * check waits (a job in the queue), a heartbeat keeps the line going and names what it waits for.
 */
export class ProgressReporter implements Reporter {
  readonly #progress: Progress;
  readonly #system: string;
  readonly #index: number;
  #total = 0;
  #done = 0;
  #runStarted = Date.now();
  #lastPrinted = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Checks started and not yet finished, by test id, with their requirement. */
  readonly #running = new Map<string, string>();
  /** Suite files started and not yet ended: what a wait in a setup hook is in. */
  readonly #modules = new Map<string, string>();
  readonly #tty = Boolean(process.stderr.isTTY);
  readonly #everyMs: number;

  constructor(progress: Progress, system: string, index: number, options: { everyMs?: number } = {}) {
    this.#progress = progress;
    this.#system = system;
    this.#index = index;
    this.#everyMs = options.everyMs ?? (this.#tty ? 200 : 10_000);
  }

  onTestRunStart() {
    this.#runStarted = Date.now();
    this.#heartbeat = setInterval(
      () => {
        const now = Date.now();
        if (now - this.#lastPrinted < this.#everyMs) return;
        this.#lastPrinted = now;
        process.stderr.write(this.line(now));
      },
      Math.max(this.#everyMs, 1000),
    );
    this.#heartbeat.unref();
  }

  /** The requirement a test checks, when it is a check this run counts. */
  #counted(test: TestCase): string | undefined {
    const id = requirementIdOf(test.name);
    if (!id || test.options.mode === 'skip' || this.#progress.ruledOut?.(id)) return undefined;
    return id;
  }

  onTestModuleStart(module: TestModule) {
    this.#modules.set(module.id, module.moduleId.split('/').slice(-2).join('/'));
  }

  onTestModuleEnd(module: TestModule) {
    this.#modules.delete(module.id);
  }

  onTestModuleCollected(module: TestModule) {
    for (const test of module.children.allTests()) if (this.#counted(test)) this.#total++;
  }

  onTestCaseReady(test: TestCase) {
    const id = this.#counted(test);
    if (id) this.#running.set(test.id, id);
  }

  onTestCaseResult(test: TestCase) {
    this.#running.delete(test.id);
    if (!this.#counted(test)) return;
    this.#done++;
    const meta = test.meta();
    this.#progress.apiMs += meta.apiMs ?? 0;
    this.#progress.waitMs += meta.waitMs ?? 0;
    const now = Date.now();
    if (now - this.#lastPrinted < this.#everyMs && this.#done < Math.max(this.#total, this.#progress.expected)) return;
    this.#lastPrinted = now;
    process.stderr.write(this.line(now));
  }

  onTestRunEnd() {
    clearInterval(this.#heartbeat);
    this.#running.clear();
    this.#modules.clear();
    if (this.#tty && this.#done > 0) process.stderr.write('\n');
  }

  /** What the run is busy with: the checks running, else the suite files (a setup hook may be waiting). */
  #activity(): string {
    if (this.#running.size > 0) return ` | running ${[...new Set(this.#running.values())].slice(0, 3).join(', ')}`;
    if (this.#modules.size > 0) return ` | in ${[...this.#modules.values()].slice(0, 2).join(', ')}`;
    return '';
  }

  line(now: number): string {
    const elapsed = now - this.#runStarted;
    // Files are collected as they start: until all are, the expected count stands in.
    const total = Math.max(this.#total, this.#done, this.#progress.expected);
    const left = this.#done > 0 ? (elapsed / this.#done) * Math.max(0, total - this.#done) : 0;
    const system = this.#progress.systems > 1 ? ` ${this.#system} (${this.#index + 1}/${this.#progress.systems})` : '';
    const text =
      `[f7t-conformance${system}] ${this.#done}/${total} checks, ETA ${seconds(left)}` +
      ` | API ${seconds(this.#progress.apiMs)}, queue wait ${seconds(this.#progress.waitMs)}` +
      `, elapsed ${seconds(now - this.#progress.startedAt)}` +
      this.#activity();
    return this.#tty ? `\r\u001b[2K${text}` : `${text}\n`;
  }
}
