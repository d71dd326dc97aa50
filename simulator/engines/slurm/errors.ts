/**
 * The scheduler's refusals as facts: what was refused (a code), about what (system, job,
 * partition, account, reservation), and what Slurm's command printed (its exit status and stderr,
 * in Slurm's own words). No HTTP status and no FirecREST wording: each API generation maps these in
 * its own errors module.
 */
export const slurmErrorCodes = [
  'system-not-found',
  'job-not-found',
  'invalid-job-id',
  'invalid-partition',
  'invalid-account',
  'invalid-script',
  'submit-rejected',
  'permission-denied',
  'job-finished',
  'job-not-running',
  'shell-failed',
  'reservation-refused',
  'controller-unreachable',
] as const;
export type SlurmErrorCode = (typeof slurmErrorCodes)[number];

/** The Slurm-side commands whose output the errors carry. */
export type SlurmCommand = 'sbatch' | 'scancel' | 'squeue' | 'srun' | 'bash' | 'rsvmgmt' | 'scontrol';

export interface SlurmErrorFacts {
  readonly system?: string;
  readonly jobId?: number;
  readonly partition?: string;
  readonly account?: string;
  readonly reservation?: string;
}

export class SlurmError extends Error {
  readonly code: SlurmErrorCode;
  readonly command: SlurmCommand;
  readonly exitStatus: number;
  /** What the command printed on stderr, as Slurm words it (may be empty). */
  readonly stderr: string;
  readonly facts: SlurmErrorFacts;

  constructor(
    code: SlurmErrorCode,
    failure: { command: SlurmCommand; exitStatus: number; stderr: string },
    facts: SlurmErrorFacts = {},
    message: string = failure.stderr.trim(),
  ) {
    super(message);
    this.name = 'SlurmError';
    this.code = code;
    this.command = failure.command;
    this.exitStatus = failure.exitStatus;
    this.stderr = failure.stderr;
    this.facts = facts;
  }
}

const sbatch = (code: SlurmErrorCode, stderr: string, facts: SlurmErrorFacts = {}) =>
  new SlurmError(code, { command: 'sbatch', exitStatus: 1, stderr }, facts);
const rejected = (reason: string) => `sbatch: error: Batch job submission failed: ${reason}\n`;
// rsvmgmt, the site's reservation tool, prints one line starting with "Error:".
const rsvmgmt = (stderr: string, reservation: string) =>
  new SlurmError('reservation-refused', { command: 'rsvmgmt', exitStatus: 1, stderr }, { reservation });

const UNREACHABLE = 'Unable to contact slurm controller (connect failure)';

export const slurmErrors = {
  /**
   * slurmctld does not answer: the command prints `<what>: Unable to contact slurm controller`
   * (`what` is its own prefix: `slurm_load_jobs error`, `sbatch: error: Batch job submission failed`).
   */
  controllerUnreachable: (command: SlurmCommand, what: string, facts: SlurmErrorFacts = {}) =>
    new SlurmError('controller-unreachable', { command, exitStatus: 1, stderr: `${what}: ${UNREACHABLE}\n` }, facts),
  systemNotFound: (system: string) =>
    new SlurmError(
      'system-not-found',
      { command: 'scontrol', exitStatus: 1, stderr: '' },
      { system },
      `no system ${system}`,
    ),
  jobNotFound: (jobId?: number) =>
    new SlurmError(
      'job-not-found',
      { command: 'scontrol', exitStatus: 1, stderr: 'slurm_load_jobs error: Invalid job id specified\n' },
      jobId === undefined ? {} : { jobId },
    ),
  /** An id squeue cannot read as one (0, the two highest 32-bit values). */
  invalidJobId: (raw: string) =>
    new SlurmError('invalid-job-id', {
      command: 'squeue',
      exitStatus: 1,
      stderr: `squeue: error: Invalid job id: ${raw}\n`,
    }),
  submitRejected: (reason: string) => sbatch('submit-rejected', rejected(reason)),
  invalidAccount: (account: string) =>
    sbatch('invalid-account', rejected('Invalid account or account/partition combination specified'), { account }),
  invalidPartition: (partition: string) =>
    sbatch(
      'invalid-partition',
      `sbatch: error: invalid partition specified: ${partition}\n${rejected('Invalid partition name specified')}`,
      { partition },
    ),
  scriptErrors: (lines: readonly string[]) => sbatch('invalid-script', `${lines.join('\n')}\n`),
  cancelDenied: (jobId: number) =>
    new SlurmError(
      'permission-denied',
      {
        command: 'scancel',
        exitStatus: 210,
        stderr: `scancel: Terminating job ${jobId}\nscancel: error: Kill job error on job id ${jobId}: Access/permission denied\n`,
      },
      { jobId },
    ),
  cancelFinished: (jobId: number) =>
    new SlurmError(
      'job-finished',
      {
        command: 'scancel',
        exitStatus: 0,
        stderr: `scancel: Terminating job ${jobId}\nscancel: error: Kill job error on job id ${jobId}: Job/step already completing or completed\n`,
      },
      { jobId },
    ),
  attachDenied: (jobId: number) =>
    new SlurmError(
      'permission-denied',
      {
        command: 'srun',
        exitStatus: 1,
        stderr: `srun: error: Unable to confirm allocation for job ${jobId}: Access/permission denied\n`,
      },
      { jobId },
    ),
  /** The login shell could not set up the attached command (a redirection it may not write). */
  attachShellFailed: (jobId: number, stderr: string) =>
    new SlurmError('shell-failed', { command: 'bash', exitStatus: 1, stderr }, { jobId }),
  attachNotRunning: (jobId: number) =>
    new SlurmError(
      'job-not-running',
      {
        command: 'srun',
        exitStatus: 1,
        stderr: `srun: error: Unable to confirm allocation for job ${jobId}: Job/step already completing or completed\n`,
      },
      { jobId },
    ),
  reservationExists: (name: string) => rsvmgmt(`Error: reservation ${name} already exists`, name),
  reservationUnknown: (name: string) => rsvmgmt(`Error: ${name} doesn't seem to be a valid reservation`, name),
  reservationNotOwner: (name: string) => rsvmgmt('Error: You are not an owner of the reservation', name),
  reservationBadTime: (name: string) => rsvmgmt('Error: invalid start time reservation', name),
  reservationNoNodes: (name: string, feature: string) => rsvmgmt(`Error: not enough nodes of type ${feature}`, name),
} as const;
