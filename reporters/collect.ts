import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { findRequirement, requirementIdOf } from '../spec/requirements.ts';
import type { Outcome } from '../spec/results.ts';
import type { CheckRecord } from './report.ts';

/** One check's outcome on one system (the record the reports hold). */
export type CheckResult = CheckRecord;

/** Exchanges kept for a check that passed: enough to show what was asked and answered. */
const KEPT_FOR_A_PASS = 2;

function outcomeOf(
  test: TestCase,
  level: string | undefined,
  moduleErrors: string,
): { outcome: Outcome; reason?: string } {
  const result = test.result();
  switch (result.state) {
    case 'passed':
      return { outcome: 'pass' };
    case 'skipped':
      // A skip names the configuration that caused it; a check skipped without a word did not run
      // for a reason nobody declared (its file failed to set up), and that is an error.
      if (result.note) return { outcome: 'skip', reason: result.note };
      return {
        outcome: 'error',
        reason: `the check did not run${moduleErrors ? `: ${moduleErrors}` : ' and nothing said why'}`,
      };
    case 'failed': {
      const reason = (result.errors ?? []).map((e) => e.message).join('\n') || 'failed';
      if (test.meta().outcome === 'error') return { outcome: 'error', reason };
      // A broken SHOULD is a warning, not a failure of the site.
      return { outcome: level === 'SHOULD' ? 'warn' : 'fail', reason };
    }
    case 'pending':
      return { outcome: 'error', reason: 'the check did not finish' };
  }
}

/** Conformance checks of a run on one system (tests whose title starts with a requirement id). */
export function collectResults(modules: ReadonlyArray<TestModule>, root: string, system = ''): CheckResult[] {
  const results: CheckResult[] = [];
  for (const module of modules) {
    const moduleErrors = module
      .errors()
      .map((e) => e.message)
      .join('\n');
    for (const test of module.children.allTests()) {
      const meta = test.meta();
      const requirement = meta.requirement ?? requirementIdOf(test.name);
      // Checks left out by a name filter were not chosen for this run: they are no outcome.
      if (!requirement || test.options.mode === 'skip') continue;
      const found = findRequirement(requirement);
      const { outcome, reason } = outcomeOf(test, found?.level, moduleErrors);
      const exchanges = meta.exchanges ?? [];
      results.push({
        requirement,
        level: found?.level,
        profile: found?.profile,
        system,
        title: test.name.slice(requirement.length).trim(),
        file: relative(root, module.moduleId),
        outcome,
        durationMs: Math.round(test.diagnostic()?.duration ?? 0),
        ...(meta.apiMs === undefined ? {} : { apiMs: meta.apiMs }),
        ...(meta.waitMs === undefined ? {} : { waitMs: meta.waitMs }),
        ...(reason === undefined ? {} : { reason }),
        exchanges: outcome === 'pass' ? exchanges.slice(-KEPT_FOR_A_PASS) : exchanges,
        operations: meta.operations ?? [],
      });
    }
  }
  return results;
}

/** Collects the checks of one vitest run (on one system); the caller judges all runs together. */
export class ResultCollector implements Reporter {
  readonly #root: string;
  readonly #system: string;
  results: CheckResult[] = [];
  /** Errors outside any check: unhandled errors, and suite files that failed to load or to end. */
  runErrors: string[] = [];
  /** Summed over the suite files: preparing a worker for each, importing and collecting it. */
  preparationMs = 0;

  constructor(options: { root: string; system: string }) {
    this.#root = options.root;
    this.#system = options.system;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>) {
    this.results = collectResults(modules, this.#root, this.#system);
    this.preparationMs = modules.reduce((sum, m) => {
      const d = m.diagnostic();
      return sum + d.prepareDuration + d.collectDuration + d.setupDuration;
    }, 0);
    const messageOf = (e: unknown) => (e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e));
    const failedModules = modules
      .filter((m) => m.errors().length > 0 && m.children.size === 0)
      .map(
        (m) =>
          `${relative(this.#root, m.moduleId)}: ${m
            .errors()
            .map((e) => e.message)
            .join('; ')}`,
      );
    this.runErrors = [...errors.map(messageOf), ...failedModules];
  }
}
