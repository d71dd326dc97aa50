import type { TestCase, TestModule } from 'vitest/node';
import { findRequirement, requirementIdOf, type Level, type Profile } from '../spec/requirements.ts';
import type { Outcome, RecordedExchange } from '../spec/results.ts';

export interface CheckResult {
  readonly requirement: string;
  readonly level: Level | undefined;
  readonly profile: Profile | undefined;
  readonly title: string;
  readonly file: string;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** Why it failed, errored or was skipped. */
  readonly reason?: string;
  /** The exchanges of a failed or errored check, redacted. */
  readonly exchanges?: readonly RecordedExchange[];
}

function outcomeOf(test: TestCase): { outcome: Outcome; reason?: string } {
  const result = test.result();
  switch (result.state) {
    case 'passed':
      return { outcome: 'pass' };
    case 'skipped':
      return { outcome: 'skip', reason: result.note ?? 'skipped' };
    case 'failed': {
      const reason = (result.errors ?? []).map((e) => e.message).join('\n') || 'failed';
      return { outcome: test.meta().outcome === 'error' ? 'error' : 'fail', reason };
    }
    case 'pending':
      return { outcome: 'error', reason: 'the check did not finish' };
  }
}

/** Conformance checks of a run (tests whose title starts with a requirement id). */
export function collectResults(modules: ReadonlyArray<TestModule>, root: string): CheckResult[] {
  const results: CheckResult[] = [];
  for (const module of modules) {
    for (const test of module.children.allTests()) {
      const requirement = test.meta().requirement ?? requirementIdOf(test.name);
      // Checks left out by a name filter were not chosen for this run: they are no outcome.
      if (!requirement || test.options.mode === 'skip') continue;
      const found = findRequirement(requirement);
      const { outcome, reason } = outcomeOf(test);
      const failed = outcome === 'fail' || outcome === 'error';
      results.push({
        requirement,
        level: found?.level,
        profile: found?.profile,
        title: test.name.slice(requirement.length).trim(),
        file: module.moduleId.startsWith(root) ? module.moduleId.slice(root.length + 1) : module.moduleId,
        outcome,
        durationMs: Math.round(test.diagnostic()?.duration ?? 0),
        ...(reason === undefined ? {} : { reason }),
        ...(failed ? { exchanges: test.meta().exchanges ?? [] } : {}),
      });
    }
  }
  return results;
}
