import type { User } from '../site/types.ts';
import type { OutputEvent, ParsedScript } from './script.ts';

export const baseStates = [
  'PENDING',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'TIMEOUT',
  'CANCELLED',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
] as const;
export type BaseState = (typeof baseStates)[number];

/** What a data-mover job did: its exit code and what it printed. */
export interface ActionResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Work a job does on the site when it starts (transfer jobs move data). The job runs until the
 * work is done; its outcome decides the job's exit code and output.
 */
export type JobAction = (job: { readonly id: number }) => Promise<ActionResult>;

export interface JobRequest {
  readonly name?: string | null | undefined;
  readonly account?: string | null | undefined;
  readonly partition?: string | null | undefined;
  readonly reservation?: string | null | undefined;
  readonly constraints?: string | null | undefined;
  readonly workingDirectory: string;
  readonly standardInput?: string | null | undefined;
  readonly standardOutput?: string | null | undefined;
  readonly standardError?: string | null | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly script?: string | undefined;
  readonly scriptPath?: string | undefined;
  /** Where the script was stored when it came inline (v1 writes uploaded scripts to a file). */
  readonly scriptFile?: string | undefined;
  readonly action?: JobAction | undefined;
  /** The inline script already parsed, by a route that parses large scripts without blocking. */
  readonly parsed?: ParsedScript | undefined;
}

/** A job as the scheduler holds it. Times are epoch ms on the site clock. */
export interface Job {
  readonly id: number;
  readonly system: string;
  readonly name: string;
  readonly user: User;
  readonly account: string;
  readonly partition: string;
  readonly reservation: string | undefined;
  readonly constraint: string | undefined;
  readonly nodeCount: number;
  readonly timeLimitS: number;
  readonly workingDirectory: string;
  readonly stdin: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly script: string;
  /** The batch file on the system: the submitted path, or where an uploaded script was stored. */
  readonly scriptFile: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly submitTime: number;
  readonly priority: number;
  readonly runtimeS: number;
  exitCodeOnEnd: number;
  /** The data mover's work; let go when the job ends (its closure may hold a transfer's state). */
  action: JobAction | undefined;
  /** Epoch ms the action finished; undefined while it runs or when there is none. */
  actionDoneAt: number | undefined;
  readonly oom: boolean;
  readonly output: readonly OutputEvent[];
  state: BaseState;
  reason: string;
  startTime: number | undefined;
  endTime: number | undefined;
  exitCode: number | undefined;
  signal: number | undefined;
  nodes: string[];
  cancelledBy: number | undefined;
  /** How many output events have been written. */
  written: number;
}

/** A node's state as Slurm lists it: a base state and flags, e.g. `['IDLE', 'DRAIN']`. */
export type NodeState = readonly ('IDLE' | 'ALLOCATED' | 'RESERVED' | 'DOWN' | 'DRAIN')[];

/** What an administrator does to a node (`scontrol update NodeName=... State=...`). */
export const nodeActions = ['down', 'drain', 'resume'] as const;
export type NodeAction = (typeof nodeActions)[number];

/** A partition's state (`scontrol update PartitionName=... State=...`). */
export const partitionStates = ['UP', 'DOWN', 'DRAIN', 'INACTIVE'] as const;
export type PartitionState = (typeof partitionStates)[number];
