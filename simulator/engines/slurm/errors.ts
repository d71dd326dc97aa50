import { SimError } from '../../errors.ts';

// FirecREST answers scheduler refusals with 500 and the command's stderr; these texts are what
// Slurm's commands print, wrapped the way FirecREST wraps them.
const commandFailed = (exitStatus: number, stderr: string) =>
  new SimError(500, `Unexpected Slurm command response. exit_status:${exitStatus} std_err:${stderr}`);

export const slurmErrors = {
  systemNotFound: () => new SimError(404, 'System not found'),
  jobNotFound: () => new SimError(404, 'Job not found.'),
  submitRejected: (reason: string) => commandFailed(1, `sbatch: error: Batch job submission failed: ${reason}\n`),
  invalidPartition: (name: string) =>
    commandFailed(
      1,
      `sbatch: error: invalid partition specified: ${name}\nsbatch: error: Batch job submission failed: Invalid partition name specified\n`,
    ),
  scriptErrors: (lines: readonly string[]) => commandFailed(1, `${lines.join('\n')}\n`),
  cancelDenied: (id: number) =>
    commandFailed(
      210,
      `scancel: Terminating job ${id}\nscancel: error: Kill job error on job id ${id}: Access/permission denied\n`,
    ),
  cancelFinished: (id: number) =>
    commandFailed(
      0,
      `scancel: Terminating job ${id}\nscancel: error: Kill job error on job id ${id}: Job/step already completing or completed\n`,
    ),
  attachDenied: (id: number) =>
    commandFailed(1, `srun: error: Unable to confirm allocation for job ${id}: Access/permission denied\n`),
  /** The login shell could not set up the attached command (a redirection it may not write). */
  attachShellFailed: (stderr: string) => commandFailed(1, stderr),
  attachNotRunning: (id: number) =>
    commandFailed(
      1,
      `srun: error: Unable to confirm allocation for job ${id}: Job/step already completing or completed\n`,
    ),
} as const;
