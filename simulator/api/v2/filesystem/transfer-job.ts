import { randomUUID } from 'node:crypto';
import type { SystemSpec, User } from '../../../engines/site/types.ts';
import type { ActionResult } from '../../../engines/slurm/index.ts';
import type { SimulatorContext } from '../../../context.ts';
import { transferDirectives } from '../status.ts';

/** `date -u` as the transfer scripts print it before each line of their log. */
export function dateU(ms: number): string {
  const d = new Date(ms);
  const day = d.toLocaleString('en-US', { weekday: 'short', timeZone: 'UTC' });
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const time = d.toISOString().slice(11, 19);
  return `${day} ${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} UTC ${d.getUTCFullYear()}`;
}

export interface TransferWork {
  /** The job name FirecREST gives it (CopyFiles, IngressFileTransfer, ...). */
  readonly name: string;
  /** The commands of the job script after the directives, as its metadata shows them. */
  readonly script: string;
  readonly account: unknown;
  readonly work: (job: { readonly id: number }) => Promise<ActionResult>;
}

/**
 * Submits a transfer job as FirecREST does: in `<default work dir>/<user>`, logging to hidden
 * files there, with the system's transfer directives; the work runs when the job starts.
 */
export function submitTransfer(sim: SimulatorContext, user: User, system: SystemSpec, transfer: TransferWork) {
  const home = system.fileSystems.find((f) => f.defaultWorkDir)?.path ?? '/home';
  const workingDirectory = `${home}/${user.name}`;
  const id = randomUUID();
  const outputLog = `${workingDirectory}/.f7t_file_handling_job_${id}.log`;
  const errorLog = `${workingDirectory}/.f7t_file_handling_job_error_${id}.log`;
  const job = sim.state.scheduler.submit(system.name, user, {
    name: transfer.name,
    workingDirectory,
    standardInput: '/dev/null',
    standardOutput: outputLog,
    standardError: errorLog,
    script: ['#!/bin/bash', ...transferDirectives(system), '', transfer.script, ''].join('\n'),
    env: { PATH: '/bin:/usr/bin/:/usr/local/bin/' },
    ...(typeof transfer.account === 'string' && transfer.account !== '' ? { account: transfer.account } : {}),
    action: transfer.work,
  });
  return {
    transferJob: { jobId: String(job.id), system: system.name, workingDirectory, logs: { outputLog, errorLog } },
  };
}
