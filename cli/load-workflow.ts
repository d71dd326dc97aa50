import type { Job } from '../spec/types.ts';
import type { RecordedExchange } from '../suites/harness/config.ts';
import { evidenceOf } from '../suites/harness/errors.ts';
import type { Client, Exchange, RequestOptions } from '../suites/harness/http.ts';
import type { Identity } from '../suites/harness/target.ts';
import type { Recorder } from './load-recorder.ts';

// The workflow each simulated user repeats: the seed's round trip of a client, as a portal runs it.
// One table names its operations (as our v2 spec writes them) and the answers it expects; the
// runner, the reports and the Artillery export all read it.

export const loadSteps = {
  systems: { method: 'GET', path: '/status/systems', expect: [200] },
  mkdir: { method: 'POST', path: '/filesystem/{system_name}/ops/mkdir', expect: [201] },
  submit: { method: 'POST', path: '/compute/{system_name}/jobs', expect: [201] },
  // A job just submitted may not be visible yet (sacct lags on a busy site): clients poll on.
  poll: { method: 'GET', path: '/compute/{system_name}/jobs/{job_id}', expect: [200, 404] },
  upload: { method: 'POST', path: '/filesystem/{system_name}/ops/upload', expect: [204] },
  download: { method: 'GET', path: '/filesystem/{system_name}/ops/download', expect: [200] },
  ls: { method: 'GET', path: '/filesystem/{system_name}/ops/ls', expect: [200] },
  rm: { method: 'DELETE', path: '/filesystem/{system_name}/ops/rm', expect: [204] },
  cancel: { method: 'DELETE', path: '/compute/{system_name}/jobs/{job_id}', expect: [204] },
} as const;

export type StepName = keyof typeof loadSteps;
export const operationOf = (step: StepName) => `${loadSteps[step].method} ${loadSteps[step].path}`;
/** The token request, named after the OAuth grant (the endpoint is the issuer's, outside the API). */
export const TOKEN_OPERATION = 'POST {token endpoint} (client_credentials)';

export const LOAD_SCRIPT = '#!/bin/bash\necho f7t-load $SLURM_JOB_ID\n';
export const LOAD_FILE_NAME = 'f7t-load.txt';
const FINAL_STATES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED'];
export const isFinal = (state: string | undefined) => FINAL_STATES.some((s) => state?.startsWith(s));

/** The workflow stopped: the run's end (duration, budget, Ctrl-C) or an answer it did not expect. */
export class Stop extends Error {}

/** What the runner gives one user: its client, its token, its clock and the run's gate. */
export interface UserContext {
  readonly client: Client;
  readonly identity: Identity;
  readonly recorder: Recorder;
  readonly system: string;
  /** The user's own directory; made and removed by every round. */
  readonly dir: string;
  readonly pollIntervalS: number;
  readonly jobBudgetS: number;
  /** The latency of the last request this user sent (its fetch measures it). */
  lastMs(): number;
  /** Waits, or less when the run stops. */
  pause(ms: number): Promise<void>;
  stopped(): boolean;
  /** Throws Stop when the run is over (its end, its request budget); counts the request otherwise. */
  gate(): void;
  /** True while the user cleans up: requests go out past the run's end and budget. */
  cleanup: boolean;
  /** The harness client's log: its last entry holds the answer's schema diagnostics. */
  readonly log: RecordedExchange[];
}

/** One request of the workflow, recorded under its operation; an unexpected answer stops the round. */
async function step<T>(
  u: UserContext,
  name: StepName,
  path: string,
  options: RequestOptions = {},
): Promise<Exchange<T>> {
  const { method, expect } = loadSteps[name];
  const operation = operationOf(name);
  if (!u.cleanup) u.gate();
  const token = await u.identity.token();
  let answer: Exchange<T>;
  try {
    answer = await u.client.request<T>(method, path, { ...options, auth: { bearer: token } });
  } catch (error) {
    if (error instanceof Stop) throw error;
    const message = error instanceof Error ? error.message : String(error);
    u.recorder.record({
      operation,
      ms: u.lastMs(),
      status: 'network',
      ok: false,
      example: message,
      cleanup: u.cleanup,
    });
    throw new Stop(message);
  }
  const diagnostics = u.log.at(-1)?.diagnostics ?? [];
  u.log.length = 0;
  const ok = (expect as readonly number[]).includes(answer.status);
  u.recorder.record({
    operation,
    ms: u.lastMs(),
    status: String(answer.status),
    ok,
    example: ok ? undefined : evidenceOf(answer),
    nonConforming: diagnostics.length > 0,
    cleanup: u.cleanup,
  });
  if (!ok) throw new Stop(evidenceOf(answer));
  return answer;
}

const jobPath = (u: UserContext, jobId: string) => `/compute/${u.system}/jobs/${jobId}`;

/** Polls until the job is final; the round's job id is handed back at once, for the cleanup. */
async function pollJob(u: UserContext, jobId: string): Promise<void> {
  const deadline = Date.now() + u.jobBudgetS * 1000;
  for (;;) {
    const answer = await step<{ jobs?: Job[] }>(u, 'poll', jobPath(u, jobId));
    const state = answer.status === 200 ? answer.body.jobs?.[0]?.status.state : undefined;
    if (isFinal(state)) {
      if (state === 'COMPLETED') return;
      const finding = `job ${state?.split(' ')[0] ?? ''}`;
      u.recorder.record({ operation: operationOf('poll'), ms: 0, status: finding, ok: false, example: state });
      throw new Stop(`job ${jobId} ended ${state}`);
    }
    if (Date.now() > deadline) {
      u.recorder.record({
        operation: operationOf('poll'),
        ms: 0,
        status: 'job not final',
        ok: false,
        example: `job ${jobId} still ${state ?? 'not visible'} after the job budget (${u.jobBudgetS} s)`,
      });
      throw new Stop(`job ${jobId} not final`);
    }
    await u.pause(u.pollIntervalS * 1000);
    if (u.stopped()) throw new Stop('run stopped');
  }
}

export interface Round {
  made: boolean;
  jobId: string | undefined;
  jobFinal: boolean;
}

/** One round of the workflow; `round` says what it made so far, for the cleanup. */
export async function runRound(u: UserContext, round: Round, content: string): Promise<void> {
  const { system, dir } = u;
  await step(u, 'systems', '/status/systems');
  await step(u, 'mkdir', `/filesystem/${system}/ops/mkdir`, { json: { path: dir, parent: true } });
  round.made = true;
  const submitted = await step<{ jobId?: string }>(u, 'submit', `/compute/${system}/jobs`, {
    json: { job: { name: 'f7t-load', workingDirectory: dir, script: LOAD_SCRIPT } },
  });
  round.jobId = submitted.body.jobId ?? undefined;
  if (round.jobId) await pollJob(u, round.jobId);
  round.jobFinal = true;
  const form = new FormData();
  form.append('file', new Blob([content]), LOAD_FILE_NAME);
  await step(u, 'upload', `/filesystem/${system}/ops/upload`, { query: { path: dir }, form });
  const file = `${dir}/${LOAD_FILE_NAME}`;
  const downloaded = await step(u, 'download', `/filesystem/${system}/ops/download`, { query: { path: file } });
  if (downloaded.text !== content) {
    u.recorder.record({
      operation: operationOf('download'),
      ms: 0,
      status: 'content',
      ok: false,
      example: `${file}: ${downloaded.bytes.length} bytes came back, not the ${content.length} uploaded`,
    });
    throw new Stop('download differs');
  }
  await step(u, 'ls', `/filesystem/${system}/ops/ls`, { query: { path: dir } });
  await step(u, 'rm', `/filesystem/${system}/ops/rm`, { query: { path: dir } });
  round.made = false;
}

/** Removes what a round left: its job when it may still run, its directory. Never throws. */
export async function cleanUpRound(u: UserContext, round: Round): Promise<void> {
  u.cleanup = true;
  try {
    if (round.jobId && !round.jobFinal) {
      const answer = await step<{ jobs?: Job[] }>(u, 'poll', jobPath(u, round.jobId)).catch(() => undefined);
      if (!isFinal(answer?.body.jobs?.[0]?.status.state))
        await step(u, 'cancel', jobPath(u, round.jobId)).catch(() => undefined);
    }
    if (round.made)
      await step(u, 'rm', `/filesystem/${u.system}/ops/rm`, { query: { path: u.dir } }).catch(() => undefined);
  } finally {
    u.cleanup = false;
  }
}
