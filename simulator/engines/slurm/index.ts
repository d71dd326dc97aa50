import type { Clock } from '../clock/index.ts';
import type { Credentials, FileSystem } from '../fs/index.ts';
import { compressHostlist } from '../site/hostlist.ts';
import type { NodeSpec, ReservationSpec, Site, SystemSpec, User } from '../site/types.ts';
import { SlurmError, slurmErrors } from './errors.ts';
import { createHash } from 'node:crypto';
import { FsError } from '../fs/index.ts';
import { MAX_SCRIPT_BYTES, expandFilenamePattern, expandVariables, parseScript, type ReadCommand } from './script.ts';
import type { Job, JobRequest, NodeAction, NodeState, PartitionState } from './types.ts';
import { noEngineFaults, type EngineFaults } from '../../../spec/faults.ts';
import { seedJobs, type PopulateJobsOptions, type PopulatedJobs } from './populate.ts';

export type {
  ActionResult,
  BaseState,
  Job,
  JobAction,
  JobRequest,
  NodeAction,
  NodeState,
  PartitionState,
} from './types.ts';
export { nodeActions, partitionStates } from './types.ts';
export type { PopulateJobsOptions, PopulatedJobs } from './populate.ts';
export { SlurmError, slurmErrors, type SlurmErrorCode } from './errors.ts';

export interface SchedulerOptions {
  readonly site: Site;
  readonly clock: Clock;
  readonly filesystem: (system: string) => FileSystem;
  /** Like Slurm's PrivateData=jobs: other users' jobs cannot be read. Off by default, as observed. */
  readonly privateJobs?: boolean;
  /** Injected faults the scheduler consults (a job that never starts, an exit code lost...). */
  readonly faults?: EngineFaults;
}

export interface ListOptions {
  readonly allUsers?: boolean;
  readonly account?: string | undefined;
}

export interface Scheduler {
  system(name: string): SystemSpec;
  submit(system: string, user: User, request: JobRequest): Job;
  list(system: string, user: User, options?: ListOptions): Job[];
  get(system: string, user: User, id: number): Job;
  cancel(system: string, user: User, id: number): void;
  attach(system: string, user: User, id: number, command: string): void;
  nodeStates(system: string): Map<string, NodeState>;
  /** Partitions' states (UP unless an administrator changed one). */
  partitionStates(system: string): Map<string, PartitionState>;
  /**
   * An administrator's `scontrol update` of a node: down ends its running jobs in NODE_FAIL,
   * drain lets them finish and starts nothing new there, resume returns it to service.
   */
  setNodeState(system: string, node: string, action: NodeAction): NodeState;
  /** `scontrol update PartitionName=... State=...`: DOWN and INACTIVE start nothing, DRAIN and INACTIVE take no new job. */
  setPartitionState(system: string, partition: string, state: PartitionState): void;
  /** Reservations of a system: the site's and those users made (v1's reservation service). */
  reservations(system: string): ReservationSpec[];
  /** Makes, changes or removes a user's reservation of `nodeCount` nodes with a feature. */
  reserve(system: string, user: User, request: ReservationRequest): ReservationSpec;
  unreserve(system: string, user: User, name: string): void;
  /** Brings every job up to the site clock: ends, starts, output. Reads call it themselves. */
  sync(): void;
  /**
   * Seeds a month of history and queue in the system's default partition: real records with the
   * scheduler's ids, ended, running on free nodes, and pending (see populate.ts).
   */
  populate(system: string, options: PopulateJobsOptions): PopulatedJobs;
}

export interface ReservationRequest {
  readonly name: string;
  readonly account: string | undefined;
  readonly nodeCount: number;
  readonly feature: string;
  /** Epoch seconds. */
  readonly start: number;
  readonly end: number;
  /** Change an existing reservation instead of making one. */
  readonly update?: boolean;
}

export const credentialsOf = (user: User): Credentials => ({ uid: user.uid, gids: user.groups.map((g) => g.gid) });
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'OUT_OF_MEMORY', 'NODE_FAIL']);
export const isFinished = (job: Job) => TERMINAL.has(job.state);
const PRIORITY_BASE = 4294901760;

function matchesConstraint(node: NodeSpec, constraint: string | undefined): boolean {
  if (!constraint) return true;
  return constraint.split('|').some((alt) => alt.split('&').every((f) => node.features.includes(f.trim())));
}

/** What `cat`, `wc -l`, `wc -c` or `sha256sum` print for a file, read as the job's user. */
function readFor(fs: FileSystem, cred: Credentials, command: ReadCommand, path: string, shown: string) {
  try {
    const data = fs.readFile(cred, path);
    switch (command) {
      case 'cat':
        return { output: data.toString('utf8') };
      case 'wc -l':
        return { output: `${data.reduce((n, b) => n + (b === 10 ? 1 : 0), 0)} ${shown}\n` };
      case 'wc -c':
        return { output: `${data.length} ${shown}\n` };
      case 'sha256sum':
        return { output: `${createHash('sha256').update(data).digest('hex')}  ${shown}\n` };
    }
  } catch (error) {
    const text = error instanceof FsError ? error.text : String(error);
    return { output: '', error: `${command.split(' ')[0] ?? command}: ${shown}: ${text}\n` };
  }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { site, clock } = options;
  const systems = new Map(site.systems.map((s) => [s.name, s]));
  const jobs = new Map<string, Map<number, Job>>(site.systems.map((s) => [s.name, new Map()]));
  const nextId = new Map(site.systems.map((s) => [s.name, site.firstJobId]));
  const running = new Set<Job>();
  /** Pending jobs by system, in submission order: the queue, without a pass over every job. */
  const queue = new Map(site.systems.map((s) => [s.name, new Set<Job>()]));
  /** Each user's jobs by system, in submission order: one user's list reads only theirs. */
  const byUser = new Map(site.systems.map((s) => [s.name, new Map<string, Job[]>()]));
  /** Reservations users made, with their owner, by system. */
  const made = new Map<string, Map<string, ReservationSpec & { owner: string }>>(
    site.systems.map((s) => [s.name, new Map()]),
  );
  /** Nodes an administrator took out of service, by system: down or drained. */
  const outOfService = new Map<string, Map<string, 'down' | 'drain'>>(site.systems.map((s) => [s.name, new Map()]));
  const partitionState = new Map<string, Map<string, PartitionState>>(site.systems.map((s) => [s.name, new Map()]));
  const partitionStateOf = (system: string, partition: string) => partitionState.get(system)?.get(partition) ?? 'UP';
  const reservationsOf = (spec: SystemSpec): ReservationSpec[] => [
    ...spec.reservations,
    ...(made.get(spec.name)?.values() ?? []),
  ];

  // DEVIATION: upstream lower-cases the whole request path; only system names ignore case here.
  const systemSpec = (name: string) => {
    const spec = systems.get(name.toLowerCase());
    if (!spec) throw slurmErrors.systemNotFound(name);
    return spec;
  };
  const jobsOf = (name: string) => jobs.get(systemSpec(name).name) ?? new Map<number, Job>();

  const faults = options.faults ?? noEngineFaults;
  /** An injected outage of slurmctld: the command fails as it does when it cannot reach it. */
  const reach = (command: Parameters<typeof slurmErrors.controllerUnreachable>[0], what: string) => {
    if (faults.strikes('slurm.controller-down')) throw slurmErrors.controllerUnreachable(command, what);
  };
  const limitOf = (job: Job) => (faults.has('slurm.time-limit-ignored') ? Number.POSITIVE_INFINITY : job.timeLimitS);
  const endOf = (job: Job) => {
    const planned = (job.startTime ?? 0) + Math.min(job.runtimeS, limitOf(job)) * 1000;
    if (!job.action) return planned;
    // a data mover ends when its work is done (not before its script would), or at its time limit
    const limit = (job.startTime ?? 0) + job.timeLimitS * 1000;
    return job.actionDoneAt === undefined ? limit : Math.min(limit, Math.max(planned, job.actionDoneAt));
  };

  const activeReservations = (spec: SystemSpec, at: number) =>
    reservationsOf(spec).filter((r) => r.start * 1000 <= at && at < r.end * 1000);

  const busyNodes = (system: string) => {
    const busy = new Set<string>();
    for (const job of running) if (job.system === system) job.nodes.forEach((n) => busy.add(n));
    return busy;
  };

  const candidates = (spec: SystemSpec, job: Pick<Job, 'partition' | 'constraint' | 'reservation'>, at: number) => {
    const partition = spec.partitions.find((p) => p.name === job.partition);
    const reserved = activeReservations(spec, at);
    const reservation = reserved.find((r) => r.name === job.reservation);
    return spec.nodes.filter(
      (n) =>
        partition?.nodes.includes(n.name) &&
        matchesConstraint(n, job.constraint) &&
        (job.reservation ? reservation?.nodes.includes(n.name) : !reserved.some((r) => r.nodes.includes(n.name))),
    );
  };

  const envOf = (job: Job): Record<string, string> => ({
    ...job.env,
    SLURM_JOB_ID: String(job.id),
    SLURM_JOBID: String(job.id),
    SLURM_JOB_NAME: job.name,
    SLURM_JOB_USER: job.user.name,
    SLURM_JOB_ACCOUNT: job.account,
    SLURM_JOB_PARTITION: job.partition,
    SLURM_JOB_NODELIST: compressHostlist(job.nodes),
    SLURM_NNODES: String(job.nodes.length),
    SLURM_CLUSTER_NAME: job.system,
    SLURM_SUBMIT_DIR: job.workingDirectory,
    SLURMD_NODENAME: job.nodes[0] ?? '',
    USER: job.user.name,
    HOME: `/home/${job.user.name}`,
  });

  /** Appends the output events due by `at`; a job that cannot write loses them, as on Slurm. */
  const flush = (job: Job, at: number) => {
    if (job.written >= job.output.length) return;
    const fs = options.filesystem(job.system);
    const cred = credentialsOf(job.user);
    const env = envOf(job);
    const elapsedS = ((job.endTime ?? at) - (job.startTime ?? at)) / 1000;
    const inWorkdir = (path: string) =>
      path.startsWith('/') ? path : `${job.workingDirectory.replace(/\/+$/, '')}/${path}`;
    const write = (path: string, text: string, append: boolean) => {
      try {
        fs.writeFile(cred, path, text, { append });
      } catch {
        // the file went away or became unwritable: output is lost, the job goes on
      }
    };
    while (job.written < job.output.length) {
      const event = job.output[job.written];
      if (!event || event.atS > elapsedS) break;
      job.written++;
      let text = expandVariables(event.text, env);
      if (event.read) {
        const shown = expandVariables(event.read.path, env);
        const result = readFor(fs, cred, event.read.command, inWorkdir(shown), shown);
        if (result.error) write(job.stderr, result.error, true);
        text = result.output;
      }
      if (event.redirect) write(inWorkdir(expandVariables(event.redirect.path, env)), text, event.redirect.append);
      else if (text) write(event.stream === 'stdout' ? job.stdout : job.stderr, text, true);
    }
  };

  /**
   * FirecREST runs `srun --jobid=<id> --overlap <command>` over SSH and waits for it: the command
   * runs now, as the user, from their home; what it prints is dropped unless the command line
   * sends it to a file, and a file the login shell cannot write fails the request.
   */
  const runAttached = (job: Job, command: string) => {
    const fs = options.filesystem(job.system);
    const cred = credentialsOf(job.user);
    // The login shell expands the line before srun starts: the job's variables are not set there.
    const env = { USER: job.user.name, HOME: `/home/${job.user.name}` };
    const fromHome = (path: string) => (path.startsWith('/') ? path : `${env.HOME}/${path}`);
    for (const event of parseScript(`${command}\n`).output) {
      if (!event.redirect) continue;
      const target = expandVariables(event.redirect.path, env);
      let text = expandVariables(event.text, env);
      if (event.read) {
        const shown = expandVariables(event.read.path, env);
        text = readFor(fs, cred, event.read.command, fromHome(shown), shown).output;
      }
      try {
        fs.writeFile(cred, fromHome(target), text, { append: event.redirect.append });
      } catch (error) {
        const why =
          error instanceof FsError && error.code === 'ENOENT' ? 'No such file or directory' : 'Permission denied';
        throw slurmErrors.attachShellFailed(job.id, `bash: ${target}: ${why}\n`);
      }
    }
  };

  /** A job leaves the running set for good; its data mover's work (and what it holds) goes with it. */
  const stop = (job: Job) => {
    running.delete(job);
    job.action = undefined;
  };

  const finish = (job: Job, at: number) => {
    job.endTime = at;
    flush(job, at);
    const timedOut = job.runtimeS > limitOf(job) || (job.action && job.actionDoneAt === undefined);
    stop(job);
    if (timedOut) {
      job.state = 'TIMEOUT';
      job.exitCode = 0;
      job.signal = 0;
    } else if (job.oom) {
      job.state = 'OUT_OF_MEMORY';
      job.exitCode = 0;
      job.signal = 125;
    } else {
      const exitCode = faults.has('slurm.exit-code-lost') ? 0 : job.exitCodeOnEnd;
      job.state = exitCode === 0 ? 'COMPLETED' : 'FAILED';
      job.exitCode = exitCode;
      job.signal = 0;
    }
  };

  const start = (job: Job, nodes: string[], at: number) => {
    queue.get(job.system)?.delete(job);
    job.state = 'RUNNING';
    job.reason = 'None';
    job.startTime = at;
    job.nodes = nodes;
    job.exitCode = 0;
    job.signal = 0;
    running.add(job);
    const fs = options.filesystem(job.system);
    const cred = credentialsOf(job.user);
    try {
      fs.writeFile(cred, job.stdout, '');
      if (job.stderr !== job.stdout) fs.writeFile(cred, job.stderr, '');
      if (job.action) runAction(job, job.action);
    } catch {
      // Slurm fails a job whose output file cannot be opened in its working directory
      stop(job);
      job.state = 'FAILED';
      job.exitCode = 1;
      job.endTime = at;
      job.written = job.output.length;
    }
  };

  const runAction = (job: Job, action: NonNullable<Job['action']>) => {
    const fs = options.filesystem(job.system);
    const cred = credentialsOf(job.user);
    const settle = (result: { exitCode: number; stdout: string; stderr: string }) => {
      if (job.state !== 'RUNNING') return; // cancelled meanwhile
      job.exitCodeOnEnd = result.exitCode;
      for (const [path, text] of [
        [job.stdout, result.stdout],
        [job.stderr, result.stderr],
      ] as const) {
        try {
          if (text) fs.writeFile(cred, path, text, { append: true });
        } catch {
          // the log went away: the result stands
        }
      }
      job.actionDoneAt = clock.now();
    };
    action({ id: job.id }).then(settle, (error: unknown) =>
      settle({ exitCode: 1, stdout: '', stderr: `${error instanceof Error ? error.message : String(error)}\n` }),
    );
  };

  const schedule = (system: string, at: number) => {
    if (faults.has('slurm.jobs-stay-pending')) return;
    const spec = systemSpec(system);
    const pending = [...(queue.get(spec.name) ?? [])];
    const busy = busyNodes(spec.name);
    let blocked = false;
    const away = outOfService.get(spec.name) ?? new Map<string, 'down' | 'drain'>();
    // Jobs of one shape (partition, constraint, reservation) have the same candidate nodes.
    const shapes = new Map<string, NodeSpec[]>();
    const candidatesOf = (job: Job) => {
      const key = `${job.partition}\0${job.constraint ?? ''}\0${job.reservation ?? ''}`;
      let nodes = shapes.get(key);
      if (!nodes) shapes.set(key, (nodes = candidates(spec, job, at)));
      return nodes;
    };
    for (const job of pending) {
      const stopped = ['DOWN', 'INACTIVE'].includes(partitionStateOf(spec.name, job.partition));
      const free = stopped ? [] : candidatesOf(job).filter((n) => !busy.has(n.name) && !away.has(n.name));
      if (free.length >= job.nodeCount) {
        const nodes = free.slice(0, job.nodeCount).map((n) => n.name);
        start(job, nodes, at);
        if (job.state === 'RUNNING') nodes.forEach((n) => busy.add(n));
      } else {
        job.reason = blocked ? 'Priority' : 'Resources';
        blocked = true;
      }
    }
  };

  const sync = () => {
    const now = clock.now();
    for (;;) {
      let next: number | undefined;
      for (const job of running) {
        const end = endOf(job);
        if (end <= now && (next === undefined || end < next)) next = end;
      }
      if (next === undefined) break;
      const at = next;
      const ending = [...running].filter((j) => endOf(j) === at);
      ending.forEach((j) => finish(j, at));
      new Set(ending.map((j) => j.system)).forEach((s) => schedule(s, at));
    }
    for (const job of running) flush(job, now);
  };

  const takeId = (system: string) => {
    const id = nextId.get(system) ?? site.firstJobId;
    nextId.set(system, id + 1);
    return id;
  };
  /** Earlier jobs rank higher, as Slurm's default priority gives them. */
  const priorityOf = (id: number) => PRIORITY_BASE - (id - site.firstJobId) - 1;

  /** Every job the scheduler holds goes in here: submitted and seeded alike. */
  const record = (job: Job) => {
    jobs.get(job.system)?.set(job.id, job);
    const mine = byUser.get(job.system);
    const list = mine?.get(job.user.name);
    if (list) list.push(job);
    else mine?.set(job.user.name, [job]);
    if (job.state === 'RUNNING') running.add(job);
    if (job.state === 'PENDING') queue.get(job.system)?.add(job);
  };

  const visible = (job: Job, user: User) => !options.privateJobs || job.user.name === user.name;

  const find = (system: string, user: User, id: number) => {
    reach('squeue', 'slurm_load_jobs error');
    sync();
    const job = jobsOf(system).get(id);
    if (!job || !visible(job, user)) throw slurmErrors.jobNotFound(id);
    return job;
  };

  const readScript = (spec: SystemSpec, user: User, request: JobRequest) => {
    if (request.script !== undefined) return request.script;
    if (request.scriptPath === undefined) throw slurmErrors.submitRejected('Batch script is empty!');
    try {
      return options.filesystem(spec.name).readFile(credentialsOf(user), request.scriptPath).toString('utf8');
    } catch {
      throw slurmErrors.scriptErrors([`sbatch: error: Unable to open file ${request.scriptPath}`]);
    }
  };

  const nodeStatesOf = (system: string) => {
    sync();
    const spec = systemSpec(system);
    const now = clock.now();
    const busy = busyNodes(spec.name);
    const away = outOfService.get(spec.name);
    const reserved = new Set(activeReservations(spec, now).flatMap((r) => r.nodes));
    const stateOf = (name: string): NodeState => {
      if (away?.get(name) === 'down') return ['DOWN'];
      const base = busy.has(name) ? 'ALLOCATED' : reserved.has(name) ? 'RESERVED' : 'IDLE';
      return away?.get(name) === 'drain' ? [base, 'DRAIN'] : [base];
    };
    return new Map(spec.nodes.map((n) => [n.name, stateOf(n.name)] as const));
  };

  return {
    system: systemSpec,
    sync,
    submit(system, user, request) {
      const spec = systemSpec(system);
      reach('sbatch', 'sbatch: error: Batch job submission failed');
      sync();
      const now = clock.now();
      const script = readScript(spec, user, request);
      if (Buffer.byteLength(script) > MAX_SCRIPT_BYTES) {
        throw slurmErrors.submitRejected('Pathname of a file, directory or other parameter too long');
      }
      if (!script.startsWith('#!')) {
        throw slurmErrors.scriptErrors([
          'sbatch: error: This does not look like a batch script.  The first',
          'sbatch: error: line must start with #! followed by the path to an interpreter.',
          'sbatch: error: For instance: #!/bin/sh',
        ]);
      }
      const parsed = request.script !== undefined && request.parsed ? request.parsed : parseScript(script);
      if (parsed.errors.length > 0) throw slurmErrors.scriptErrors(parsed.errors);
      const d = parsed.directives;
      const partitionName = request.partition ?? d.partition ?? spec.partitions.find((p) => p.default)?.name ?? '';
      const partition = spec.partitions.find((p) => p.name === partitionName);
      if (!partition) throw slurmErrors.invalidPartition(partitionName);
      if (['DRAIN', 'INACTIVE'].includes(partitionStateOf(spec.name, partition.name)))
        throw slurmErrors.submitRejected('Required partition not available (inactive or drain)');
      const account = request.account ?? d.account ?? user.accounts[0] ?? '';
      if (!user.accounts.includes(account)) throw slurmErrors.invalidAccount(account);
      const timeLimitS = d.timeS ?? partition.defaultTimeS;
      if (timeLimitS > partition.maxTimeS) {
        throw slurmErrors.submitRejected('Requested time limit is invalid (missing or exceeds some limit)');
      }
      const reservationName = request.reservation ?? d.reservation;
      if (reservationName !== undefined) {
        const reservation = reservationsOf(spec).find((r) => r.name === reservationName);
        if (!reservation) throw slurmErrors.submitRejected('Requested reservation is invalid');
        if (!reservation.users.includes(user.name))
          throw slurmErrors.submitRejected('Access denied to requested reservation');
      }
      const constraint = request.constraints ?? d.constraint;
      if (constraint && !spec.nodes.some((n) => matchesConstraint(n, constraint))) {
        throw slurmErrors.submitRejected('Invalid feature specification');
      }
      const nodeCount = d.nodes ?? 1;
      const shape = { partition: partition.name, constraint, reservation: reservationName };
      const atReservationTime = reservationName
        ? Math.max(now, (reservationsOf(spec).find((r) => r.name === reservationName)?.start ?? 0) * 1000)
        : now;
      if (candidates(spec, shape, atReservationTime).length < nodeCount) {
        throw slurmErrors.submitRejected('Requested node configuration is not available');
      }
      if (faults.strikes('slurm.submit-limit'))
        throw new SlurmError(
          'submit-rejected',
          {
            command: 'sbatch',
            exitStatus: 1,
            stderr:
              "sbatch: error: AssocMaxSubmitJobLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)\n",
          },
          { account },
        );
      const id = takeId(spec.name);
      const name = request.name ?? d.jobName ?? (request.scriptPath?.split('/').pop() || 'sbatch');
      const workdir = d.chdir ?? request.workingDirectory;
      const resolve = (pattern: string) => {
        const path = expandFilenamePattern(pattern, { jobId: id, jobName: name, user: user.name, node: 'nid' });
        return path.startsWith('/') ? path : `${workdir.replace(/\/+$/, '')}/${path}`;
      };
      const stdout = resolve(request.standardOutput ?? d.output ?? 'slurm-%j.out');
      const job: Job = {
        id,
        system: spec.name,
        name,
        user,
        account,
        partition: partition.name,
        reservation: reservationName,
        constraint,
        nodeCount,
        timeLimitS,
        workingDirectory: workdir,
        stdin: request.standardInput ?? d.input ?? '/dev/null',
        stdout,
        stderr: (request.standardError ?? d.error) ? resolve(request.standardError ?? d.error ?? '') : stdout,
        script,
        scriptFile: request.scriptPath ?? request.scriptFile,
        env: request.env ?? {},
        submitTime: now,
        priority: priorityOf(id),
        runtimeS: parsed.runtimeS,
        exitCodeOnEnd: parsed.exitCode,
        action: request.action,
        actionDoneAt: undefined,
        oom: parsed.sim.oom ?? false,
        // a data mover's log is what its work writes, not its script's echo lines
        output: request.action ? [] : parsed.output,
        state: 'PENDING',
        reason: 'Priority',
        startTime: undefined,
        endTime: undefined,
        exitCode: undefined,
        signal: undefined,
        nodes: [],
        cancelledBy: undefined,
        written: 0,
      };
      record(job);
      schedule(spec.name, now);
      return job;
    },
    list(system, user, opts = {}) {
      reach('squeue', 'slurm_load_jobs error');
      sync();
      const inAccount = (j: Job) => !opts.account || j.account === opts.account;
      if (opts.allUsers || faults.has('slurm.list-all-users'))
        return [...jobsOf(system).values()].filter((j) => visible(j, user) && inAccount(j));
      return (byUser.get(systemSpec(system).name)?.get(user.name) ?? []).filter(inAccount);
    },
    get: find,
    cancel(system, user, id) {
      reach('scancel', `scancel: error: Kill job error on job id ${id}`);
      const job = jobsOf(system).get(id);
      if (!job) throw slurmErrors.jobNotFound(id);
      sync();
      if (job.user.name !== user.name && !faults.has('slurm.cancel-any-user')) throw slurmErrors.cancelDenied(id);
      if (isFinished(job)) throw slurmErrors.cancelFinished(id);
      if (faults.has('slurm.cancel-ignored')) return;
      const now = clock.now();
      const wasRunning = job.state === 'RUNNING';
      if (wasRunning) flush(job, now);
      stop(job);
      queue.get(job.system)?.delete(job);
      job.state = 'CANCELLED';
      job.cancelledBy = user.uid;
      job.startTime ??= now;
      job.endTime = now;
      job.exitCode = 0;
      job.signal = wasRunning ? 15 : 0;
      job.written = job.output.length;
      if (wasRunning) schedule(job.system, now);
    },
    attach(system, user, id, command) {
      reach('srun', `srun: error: Unable to confirm allocation for job ${id}`);
      const job = find(system, user, id);
      if (job.user.name !== user.name) throw slurmErrors.attachDenied(id);
      if (job.state !== 'RUNNING') throw slurmErrors.attachNotRunning(id);
      runAttached(job, command);
    },
    reservations: (system) => reservationsOf(systemSpec(system)),
    reserve(system, user, r) {
      const spec = systemSpec(system);
      const mine = made.get(spec.name) ?? new Map<string, ReservationSpec & { owner: string }>();
      const existing = mine.get(r.name);
      if (r.update ? !existing : existing || spec.reservations.some((x) => x.name === r.name)) {
        throw r.update ? slurmErrors.reservationUnknown(r.name) : slurmErrors.reservationExists(r.name);
      }
      if (existing && existing.owner !== user.name) throw slurmErrors.reservationNotOwner(r.name);
      if (!(r.end > r.start) || r.start * 1000 < clock.now() - 60_000) throw slurmErrors.reservationBadTime(r.name);
      const nodes = spec.nodes
        .filter((n) => n.features.includes(r.feature))
        .slice(0, r.nodeCount)
        .map((n) => n.name);
      if (nodes.length < r.nodeCount) throw slurmErrors.reservationNoNodes(r.name, r.feature);
      const reservation = {
        name: r.name,
        nodes,
        start: r.start,
        end: r.end,
        features: r.feature,
        users: [user.name],
        owner: user.name,
      };
      mine.set(r.name, reservation);
      made.set(spec.name, mine);
      return reservation;
    },
    unreserve(system, user, name) {
      const mine = made.get(systemSpec(system).name);
      const existing = mine?.get(name);
      if (!existing) throw slurmErrors.reservationUnknown(name);
      if (existing.owner !== user.name) throw slurmErrors.reservationNotOwner(name);
      mine?.delete(name);
    },
    nodeStates(system) {
      reach('scontrol', 'slurm_load_node error');
      return nodeStatesOf(system);
    },
    partitionStates(system) {
      reach('scontrol', 'slurm_load_partitions error');
      const spec = systemSpec(system);
      return new Map(spec.partitions.map((p) => [p.name, partitionStateOf(spec.name, p.name)] as const));
    },
    setNodeState(system, node, action) {
      const spec = systemSpec(system);
      if (!spec.nodes.some((n) => n.name === node)) throw new RangeError(`no node ${node} on ${spec.name}`);
      sync();
      const now = clock.now();
      const away = outOfService.get(spec.name) ?? new Map<string, 'down' | 'drain'>();
      outOfService.set(spec.name, away);
      if (action === 'resume') away.delete(node);
      else away.set(node, action);
      if (action === 'down') {
        for (const job of [...running].filter((j) => j.system === spec.name && j.nodes.includes(node))) {
          flush(job, now);
          stop(job);
          job.state = 'NODE_FAIL';
          job.reason = 'NodeDown';
          job.endTime = now;
          job.exitCode = 0;
          job.signal = 0;
          job.written = job.output.length;
        }
      }
      schedule(spec.name, now);
      return nodeStatesOf(spec.name).get(node) ?? ['IDLE'];
    },
    populate(system, o) {
      const spec = systemSpec(system);
      const partition = spec.partitions.find((p) => p.default) ?? spec.partitions[0];
      if (!partition) throw slurmErrors.invalidPartition('');
      sync();
      const now = clock.now();
      const busy = busyNodes(spec.name);
      const away = outOfService.get(spec.name);
      const seeded = seedJobs(
        {
          system: spec.name,
          partition,
          now,
          nextId: () => takeId(spec.name),
          priorityOf,
          freeNodes: candidates(spec, { partition: partition.name, constraint: undefined, reservation: undefined }, now)
            .filter((n) => !busy.has(n.name) && !away?.has(n.name))
            .map((n) => n.name),
        },
        o,
      );
      const states: Partial<Record<Job['state'], number>> = {};
      for (const job of seeded) {
        record(job);
        states[job.state] = (states[job.state] ?? 0) + 1;
      }
      schedule(spec.name, now);
      return { jobs: seeded.length, firstId: seeded[0]?.id, lastId: seeded.at(-1)?.id, states };
    },
    setPartitionState(system, partition, state) {
      const spec = systemSpec(system);
      if (!spec.partitions.some((p) => p.name === partition))
        throw new RangeError(`no partition ${partition} on ${spec.name}`);
      sync();
      const states = partitionState.get(spec.name) ?? new Map<string, PartitionState>();
      partitionState.set(spec.name, states);
      if (state === 'UP') states.delete(partition);
      else states.set(partition, state);
      schedule(spec.name, clock.now());
    },
  };
}
