import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from './errors.ts';
import type { Target } from './target.ts';

const SIM_STEP_S = 5;
const POLL_MS = 2000;

/**
 * Polls until `probe` gives a value, within the target's job budget. On a simulator the site
 * clock is advanced between polls, so waits cost no wall time; on a real site it sleeps.
 */
export async function waitFor<T>(
  target: Target,
  what: string,
  probe: () => Promise<T | undefined>,
  budgetS = target.jobBudgetS,
): Promise<T> {
  const started = Date.now();
  let waitedS = 0;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (target.control) {
      if (waitedS >= budgetS) break;
      await target.control.advance(SIM_STEP_S);
      waitedS += SIM_STEP_S;
    } else {
      if (Date.now() - started >= budgetS * 1000) break;
      await sleep(POLL_MS);
    }
  }
  throw new HarnessError(`waited ${budgetS} s for ${what}; it did not happen`);
}
