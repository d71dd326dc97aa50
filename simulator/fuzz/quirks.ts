import type { GeneratedRequest } from './generate.ts';

/**
 * 5xx answers kept on purpose: a real deployment gives the same (README, differences from real
 * sites, with the evidence). Anything else in the 5xx range is a bug.
 */
export interface Quirk {
  readonly id: string;
  readonly generation: 'v1' | 'v2';
  readonly status: number;
  readonly matches: RegExp;
  readonly evidence: string;
}

export const quirks: readonly Quirk[] = [
  {
    id: 'v2-squeue-invalid-job-id',
    generation: 'v2',
    status: 500,
    matches: /squeue: error: Invalid job id/,
    evidence: 'real 2.5.6: GET /compute/daint/jobs/<26 digits>, 4294967294..4294967296 -> 500',
  },
  {
    id: 'v2-slurm-command-failed',
    generation: 'v2',
    status: 500,
    matches: /Unexpected Slurm command response/,
    evidence: "observed-v2.md: sbatch refusals and cancelling another user's job -> 500 with stderr",
  },
  {
    // DEVIATION: a simulator limitation, not a real answer (a real site would compress with xz or bzip2)
    id: 'sim-compression-not-implemented',
    generation: 'v2',
    status: 501,
    matches: /The simulator does not implement \w+ compression/,
    evidence: 'simulator/api/v2/filesystem/archive-options.ts: xz and bzip2 are not simulated',
  },
  {
    id: 'v2-remote-command-failed',
    generation: 'v2',
    status: 500,
    matches: /Remote process failed with exit status/,
    evidence:
      "real 2.5.6: head of a directory, view of a directory (sample 44), ls of a 17 KB path ('File name too long') -> 500",
  },
];

export function listedQuirk(g: GeneratedRequest, status: number, text: string): string | undefined {
  return quirks.find((q) => q.generation === g.generation && q.status === status && q.matches.test(text))?.id;
}

/**
 * Operations that run a recursive command which does what it can before it fails (`rm -r` removes
 * what it may, `cp -r` and `tar -x` write what they can): a refusal may leave part of the work done,
 * on a real site as here.
 */
export const partialOnFailure: ReadonlySet<string> = new Set([
  'deleteRm',
  'postExtract',
  'v1Copy',
  'v1Rm',
  'v1Extract',
]);
