import { AssertionError } from 'node:assert';
import type { Job } from '../../spec/types.ts';
import { HarnessError } from './errors.ts';
import { expectResponse } from './expect.ts';
import type { Client } from './http.ts';
import type { Target } from './target.ts';
import { waitFor } from './wait.ts';

/**
 * Polls a job until `until` holds. When the budget runs out, a job still waiting in the queue is
 * the site's load (an error: the check could not judge); a job that left the queue and never
 * reached the state the site acknowledged is the site's failure, with the states it went through.
 */
export async function waitForJobState(
  d: { readonly target: Target; readonly system: string },
  client: Client,
  jobId: string,
  until: (job: Job) => boolean,
  what: string,
): Promise<Job> {
  const started = Date.now();
  const timeline: string[] = [];
  let last: string | undefined;
  try {
    return await waitFor(d.target, `job ${jobId} to ${what}`, async () => {
      const answer = await client.get<{ jobs?: Job[] }>(`/compute/${d.system}/jobs/${jobId}`);
      if (answer.status === 404) return undefined; // not visible yet: clients retry too
      expectResponse(answer, 200);
      const job = answer.body.jobs?.[0];
      const state = job?.status.state;
      if (state !== undefined && state !== last) {
        const at = d.target.control ? '' : ` after ${Math.round((Date.now() - started) / 1000)} s`;
        timeline.push(`${state}${at}`);
        last = state;
      }
      return job && until(job) ? job : undefined;
    });
  } catch (error) {
    if (!(error instanceof HarnessError) || last === undefined || last.startsWith('PENDING')) throw error;
    throw new AssertionError({
      message: `job ${jobId} did not ${what} within the job budget (${d.target.jobBudgetS} s); states seen: ${timeline.join(' -> ')}`,
    });
  }
}
