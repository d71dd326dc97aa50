import type { FirecrestApi } from './firecrest.ts';

// The beamline flow: a facility's data set goes to the HPC centre, an analysis job runs on it, and
// its results come back to the portal. Each run advances when the portal looks at it, so no
// request waits on the scheduler.

export type Stage = 'transferring' | 'analysing' | 'done' | 'failed';

export interface BeamlineRun {
  readonly id: number;
  readonly system: string;
  readonly dataset: string;
  readonly bytes: number;
  /** The run's directory on the system: the data set, the job's output and the results. */
  readonly directory: string;
  readonly staged: boolean;
  transferJobId: string | undefined;
  analysisJobId: string | undefined;
  /** The scheduler's word for the job the run waits on. */
  jobState: string | undefined;
  stage: Stage;
  message: string | undefined;
}

export const RESULT_FILE = 'result.txt';
const ENDED_BADLY = ['FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE'];

/** The analysis: a checksum and a size, which a real Slurm node computes just as the simulator does. */
export function analysisScript(dataset: string): string {
  return [
    '#!/bin/bash',
    '#SBATCH --job-name=beamline-analysis',
    '#SBATCH --time=00:10:00',
    'sleep 30',
    `sha256sum ${dataset} > ${RESULT_FILE}`,
    `wc -c ${dataset} >> ${RESULT_FILE}`,
    '',
  ].join('\n');
}

/** Uploads the data set (staged when large) and, when it is there, submits the analysis. */
export async function startRun(
  api: FirecrestApi,
  token: string,
  run: Omit<BeamlineRun, 'transferJobId' | 'analysisJobId' | 'jobState' | 'stage' | 'message' | 'staged'>,
  data: Uint8Array,
): Promise<BeamlineRun> {
  await api.mkdir(token, run.system, run.directory);
  const staged = await api.upload(token, run.system, `${run.directory}/${run.dataset}`, data);
  const started: BeamlineRun = {
    ...run,
    staged: staged !== undefined,
    transferJobId: staged?.transferJobId,
    analysisJobId: undefined,
    jobState: undefined,
    stage: 'transferring',
    message: undefined,
  };
  if (!staged) await submitAnalysis(api, token, started);
  return started;
}

async function submitAnalysis(api: FirecrestApi, token: string, run: BeamlineRun) {
  run.analysisJobId = await api.submit(token, run.system, {
    name: 'beamline-analysis',
    script: analysisScript(run.dataset),
    workingDirectory: run.directory,
  });
  run.stage = 'analysing';
  run.jobState = 'PENDING';
}

/** Looks at the job the run waits on and moves the run on. */
export async function advanceRun(api: FirecrestApi, token: string, run: BeamlineRun): Promise<void> {
  const jobId =
    run.stage === 'transferring' ? run.transferJobId : run.stage === 'analysing' ? run.analysisJobId : undefined;
  if (jobId === undefined) return;
  const state = await api.jobState(token, run.system, jobId);
  run.jobState = state;
  if (state && ENDED_BADLY.some((s) => state.startsWith(s))) {
    run.stage = 'failed';
    run.message = `job ${jobId} ended ${state}`;
  } else if (state === 'COMPLETED') {
    if (run.stage === 'transferring') await submitAnalysis(api, token, run);
    else run.stage = 'done';
  }
}
