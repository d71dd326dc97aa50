import { compressHostlist } from '../../engines/site/hostlist.ts';
import type { User } from '../../engines/site/types.ts';
import type { Job } from '../../engines/slurm/index.ts';

const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.floor(ms / 1000));

/** A job as FirecREST v2 renders a Slurm accounting record. */
export function jobModel(job: Job, now: number) {
  const pending = job.state === 'PENDING';
  const elapsed =
    pending || job.startTime === undefined ? 0 : Math.floor(((job.endTime ?? now) - job.startTime) / 1000);
  const state =
    job.state === 'CANCELLED' && job.cancelledBy !== undefined ? `CANCELLED by ${job.cancelledBy}` : job.state;
  const time = {
    elapsed,
    start: seconds(job.startTime),
    end: seconds(job.endTime),
    suspended: pending ? null : 0,
    limit: job.timeLimitS,
  };
  const ran = !pending && !(job.state === 'CANCELLED' && job.signal === 0 && elapsed === 0 && job.nodes.length === 0);
  return {
    jobId: String(job.id),
    name: job.name,
    status: {
      state,
      stateReason: pending ? job.reason : 'None',
      exitCode: pending ? null : (job.exitCode ?? 0),
      interruptSignal: pending ? null : (job.signal ?? 0),
    },
    tasks: ran
      ? [
          {
            id: `${job.id}.batch`,
            name: 'batch',
            status: {
              state: job.state === 'TIMEOUT' ? 'CANCELLED' : job.state,
              stateReason: null,
              exitCode: job.exitCode ?? 0,
              interruptSignal: job.state === 'TIMEOUT' ? 15 : (job.signal ?? 0),
            },
            time: { ...time, limit: null },
          },
        ]
      : [],
    time,
    account: job.account,
    allocationNodes: job.nodeCount,
    cluster: job.system,
    group: job.user.groups[0]?.name ?? job.user.name,
    nodes: compressHostlist(job.nodes),
    partition: job.partition,
    killRequestUser: null,
    user: job.user.name,
    workingDirectory: job.workingDirectory,
    priority: job.priority,
  };
}

/** Job metadata; like Slurm, only the owner sees the script text. */
export function jobMetadata(job: Job, viewer: User) {
  return {
    jobId: String(job.id),
    script: job.user.name === viewer.name ? job.script : '',
    standardInput: job.stdin,
    standardOutput: job.stdout,
    standardError: job.stderr,
  };
}
