import { AssertionError } from 'node:assert';
import { afterAll, beforeAll, inject, test } from 'vitest';
import { findRequirement } from '../../spec/requirements.ts';
import { skipReason } from '../../spec/run-scope.ts';
import { createCheckContext, type CheckContext } from './check-context.ts';
import type { RecordedExchange } from './config.ts';
import { v1Driver, v2Driver } from './drivers.ts';
import { HarnessError } from './errors.ts';
import { FileRun, type Running } from './file-run.ts';
import { scopeOf } from './scope.ts';

export type { CheckContext, V1Task } from './check-context.ts';
export { formOf } from './drivers.ts';
export { expectEnvelope, expectErrorClass, expectResponse, expectThat } from './expect.ts';
export type { Client, Exchange } from './http.ts';

const drivers = { v1: v1Driver, v2: v2Driver } as const;

/** Every answer a check received conforms to its operation's schema for that status, not only those it looked at. */
function expectConformingAnswers(log: readonly RecordedExchange[]): void {
  const departing = log.filter((e) => e.operation && e.diagnostics.length > 0);
  if (departing.length === 0) return;
  const lines = departing
    .slice(0, 5)
    .map((e) => `[${e.method}] ${new URL(e.url).pathname} -> ${e.status}: ${e.diagnostics.join('; ')}`);
  throw new AssertionError({ message: `answers that do not conform to the spec:\n${lines.join('\n')}` });
}

export interface HarnessOptions {
  readonly generation?: keyof typeof drivers;
}

/**
 * Sets up the target for one suite file and returns `check`, which declares a conformance check
 * named by its requirement id. Each file gets its own target (an embedded simulator of its own).
 */
export function useHarness(options: HarnessOptions = {}) {
  const run = new FileRun(drivers[options.generation ?? 'v2']);
  // A set-up that fails is each check's error, with its evidence: the hook itself never fails, or
  // vitest would skip the checks without a word.
  beforeAll(async () => {
    await run.ready().catch(() => undefined);
  }, 120_000);
  afterAll(() => run.close());

  const check = (id: string, title: string, fn: (t: CheckContext) => Promise<void>) => {
    const requirement = findRequirement(id);
    test(`${id} ${title}`, async (ctx) => {
      ctx.task.meta.requirement = id;
      const log: RecordedExchange[] = [];
      const current: Running = {
        requirement: id,
        writes: requirement?.writes ?? true,
        needsSecondIdentity: requirement?.needsSecondIdentity ?? false,
        waitMs: 0,
        waitApiMs: 0,
      };
      try {
        if (!requirement) throw new HarnessError(`${id} is not a requirement of the catalogue`);
        const declared = skipReason(requirement, scopeOf(inject('target')));
        if (declared) {
          ctx.skip(declared);
          return;
        }
        const d = await run.ready();
        if ('missing' in d) {
          ctx.skip(d.missing);
          return;
        }
        run.running = current;
        await fn(createCheckContext(run, d, ctx, log));
        expectConformingAnswers(log);
      } catch (error) {
        if (error instanceof HarnessError) ctx.task.meta.outcome = 'error';
        throw error;
      } finally {
        run.running = undefined;
        const api = log.reduce((sum, e) => sum + e.durationMs, 0);
        ctx.task.meta.apiMs = Math.round(api - current.waitApiMs);
        ctx.task.meta.waitMs = Math.round(current.waitMs);
        ctx.task.meta.exchanges = log.slice(-8);
        ctx.task.meta.operations = [...new Set(log.flatMap((e) => (e.operation ? [e.operation] : [])))];
      }
    });
  };
  return { check };
}
