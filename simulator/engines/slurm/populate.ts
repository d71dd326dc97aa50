import type { PartitionSpec, User } from '../site/types.ts';
import type { OutputEvent } from './script.ts';
import type { BaseState, Job } from './types.ts';
import { createRandom } from '../site/random.ts';

/** What to seed: `count` jobs of these users, drawn from `seed`. */
export interface PopulateJobsOptions {
  readonly users: readonly User[];
  readonly count: number;
  /** The same seed, site and clock give the same jobs. */
  readonly seed: number;
}

/** What seeding made: how many jobs, their ids, and how many ended in each state. */
export interface PopulatedJobs {
  readonly jobs: number;
  readonly firstId: number | undefined;
  readonly lastId: number | undefined;
  readonly states: Partial<Record<BaseState, number>>;
}

/** The scheduler's side of seeding: ids, priorities and nodes come from it, as for `sbatch`. */
export interface SeedSource {
  readonly system: string;
  readonly partition: PartitionSpec;
  readonly now: number;
  nextId(): number;
  priorityOf(id: number): number;
  /** Nodes of the partition no job runs on now: running jobs take them, one each. */
  readonly freeNodes: readonly string[];
}

/** Share of the jobs still waiting, and at most how many run (also bounded by free nodes). */
const PENDING_SHARE = 0.08;
const RUNNING_SHARE = 0.02;
/** How ended jobs ended, by weight. */
const ENDINGS: readonly (readonly [BaseState, number])[] = [
  ['COMPLETED', 72],
  ['FAILED', 14],
  ['CANCELLED', 10],
  ['TIMEOUT', 4],
];
/** The history goes back this far: job i was submitted at an even step over it. */
const HISTORY_MS = 30 * 24 * 3600 * 1000;
const NAMES = ['simulation', 'analysis', 'preprocess', 'train', 'postprocess', 'sbatch'] as const;
const SCRIPT = '#!/bin/bash -l\n#SBATCH --nodes=1\n#SBATCH --ntasks-per-node=1\n\nsrun ./app\n';
const NO_ENV: Readonly<Record<string, string>> = Object.freeze({});
const NO_OUTPUT: readonly OutputEvent[] = Object.freeze([]);

/**
 * Jobs as a month of use leaves them in Slurm's records: the oldest ended (completed, failed,
 * cancelled, timed out), a few running on the free nodes, the newest pending. Ids come from the
 * scheduler in submission order; times are plausible (submitted, started after a wait, ended
 * before now). They write no output files: the history is the records, not the files.
 */
export function seedJobs(source: SeedSource, options: PopulateJobsOptions): Job[] {
  const random = createRandom(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const { count, users } = options;
  const { partition, now } = source;
  const pending = Math.round(count * PENDING_SHARE);
  const running = Math.min(Math.round(count * RUNNING_SHARE), source.freeNodes.length, count - pending);
  const ended = count - pending - running;
  const limitS = partition.defaultTimeS;
  const step = HISTORY_MS / Math.max(count, 1);
  const homes = new Map(users.map((u) => [u.name, `/home/${u.name}`]));
  const jobs: Job[] = [];
  for (let i = 0; i < count; i++) {
    const user = users[i % users.length] as User;
    const id = source.nextId();
    const submitTime = Math.floor(now - HISTORY_MS + i * step);
    const state: BaseState = i < ended ? ending(random()) : i < ended + running ? 'RUNNING' : 'PENDING';
    const times =
      state === 'PENDING'
        ? waiting()
        : state === 'RUNNING'
          ? runningSince(submitTime, now, limitS, source.freeNodes[i - ended] ?? '', random)
          : endedAs(state, submitTime, now, limitS, partition.nodes, random);
    const workingDirectory = homes.get(user.name) ?? `/home/${user.name}`;
    const stdout = `${workingDirectory}/slurm-${id}.out`;
    jobs.push({
      id,
      system: source.system,
      name: pick(NAMES),
      user,
      account: user.accounts[0] ?? '',
      partition: partition.name,
      reservation: undefined,
      constraint: undefined,
      nodeCount: 1,
      timeLimitS: limitS,
      workingDirectory,
      stdin: '/dev/null',
      stdout,
      stderr: stdout,
      script: SCRIPT,
      scriptFile: undefined,
      env: NO_ENV,
      submitTime,
      priority: source.priorityOf(id),
      runtimeS: times.runtimeS,
      exitCodeOnEnd: times.exitCode ?? 0,
      action: undefined,
      actionDoneAt: undefined,
      oom: false,
      output: NO_OUTPUT,
      state,
      reason: state === 'PENDING' ? 'Priority' : 'None',
      startTime: times.startTime,
      endTime: times.endTime,
      exitCode: times.exitCode,
      signal: times.signal,
      nodes: times.nodes,
      cancelledBy: state === 'CANCELLED' ? user.uid : undefined,
      written: 0,
    });
  }
  return jobs;
}

interface Times {
  readonly runtimeS: number;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  readonly exitCode: number | undefined;
  readonly signal: number | undefined;
  readonly nodes: string[];
}

/** Not started: once it starts, it runs a minute and completes. */
const waiting = (): Times => ({
  runtimeS: 60,
  startTime: undefined,
  endTime: undefined,
  exitCode: undefined,
  signal: undefined,
  nodes: [],
});

/** Started within its limit before now (after waiting in the queue), ending within it after now. */
function runningSince(submitTime: number, now: number, limitS: number, node: string, random: () => number): Times {
  const startTime = Math.max(submitTime, now - Math.floor(random() * limitS * 900));
  const elapsedS = Math.floor((now - startTime) / 1000);
  const runtimeS = elapsedS + 1 + Math.floor(random() * (limitS - elapsedS - 1));
  return { runtimeS, startTime, endTime: undefined, exitCode: 0, signal: 0, nodes: [node] };
}

/** Start, end, exit code and signal of a job that ended in `state` before now. */
function endedAs(
  state: BaseState,
  submitTime: number,
  now: number,
  limitS: number,
  nodes: readonly string[],
  random: () => number,
): Times {
  const limitMs = limitS * 1000;
  const started = Math.min(now - 2000, submitTime + Math.floor(random() * 600_000));
  const whileWaiting = state === 'CANCELLED' && random() < 0.5;
  const ranMs = state === 'TIMEOUT' ? limitMs : Math.floor(1000 + random() * (limitMs - 1000));
  const endTime = Math.min(now - 1000, started + ranMs);
  return {
    runtimeS: Math.floor((endTime - started) / 1000),
    // a job cancelled while pending starts and ends at once, on no node, as scancel leaves it
    startTime: whileWaiting ? endTime : started,
    endTime,
    exitCode: state === 'FAILED' ? 1 + Math.floor(random() * 3) : 0,
    signal: state === 'CANCELLED' && !whileWaiting ? 15 : 0,
    nodes: whileWaiting ? [] : [nodes[Math.floor(random() * nodes.length)] ?? ''],
  };
}

function ending(draw: number): BaseState {
  let weight = draw * ENDINGS.reduce((sum, [, w]) => sum + w, 0);
  for (const [state, w] of ENDINGS) {
    if (weight < w) return state;
    weight -= w;
  }
  return 'COMPLETED';
}
