import { posix } from 'node:path';
import { Hono, type Context } from 'hono';
import { FsError } from '../../engines/fs/index.ts';
import { SlurmError } from '../../engines/slurm/index.ts';
import { compressHostlist } from '../../engines/site/hostlist.ts';
import type { SystemSpec, User } from '../../engines/site/types.ts';
import { credentialsOf, isFinished, type Job, type JobAction } from '../../engines/slurm/index.ts';
import type { Task, TaskOutcome } from '../../engines/tasks/index.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import type { ParsedScript } from '../../engines/slurm/script.ts';
import { parseWithinLimit } from '../limits.ts';
import { slurmText, V1Error } from './errors.ts';
import { caller, checkInput, form, machine, v1Time } from './request.ts';
import { taskCreated } from './tasks.ts';

/** Slurm's `[D-]HH:MM:SS`-style durations: squeue prints `M:SS` for short ones, sacct `HH:MM:SS`. */
function squeueDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}-${pad(h)}:${pad(m)}:${pad(s % 60)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s % 60)}`;
  return `${m}:${pad(s % 60)}`;
}
function sacctDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const d = Math.floor(s / 86400);
  const clock = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return d > 0 ? `${d}-${clock}` : clock;
}

const stateOf = (job: Job) =>
  job.state === 'CANCELLED' && job.cancelledBy !== undefined ? `CANCELLED by ${job.cancelledBy}` : job.state;

function jobFiles(job: Job) {
  return {
    job_data_err: '',
    job_data_out: '',
    job_file: job.scriptFile ?? job.name,
    job_file_err: job.stderr,
    job_file_out: job.stdout,
    job_info_extra: 'Job info returned successfully',
  };
}

/**
 * A record of `squeue` as v1 renders it. Upstream's columns are shifted: `start_time` holds the
 * time used and `time` the start timestamp; the simulator keeps that.
 */
function squeueRecord(job: Job, now: number) {
  const used = job.startTime === undefined ? 0 : (now - job.startTime) / 1000;
  return {
    ...jobFiles(job),
    jobid: String(job.id),
    name: job.name,
    nodelist: compressHostlist(job.nodes),
    nodes: String(job.nodeCount),
    partition: job.partition,
    start_time: squeueDuration(used),
    state: stateOf(job),
    time: job.startTime === undefined ? 'N/A' : v1Time(job.startTime),
    time_left: squeueDuration(job.timeLimitS - used),
    user: job.user.name,
  };
}

/** A record of `sacct` as v1 renders it (`time_left` holds the end timestamp, as upstream). */
function sacctRecord(job: Job, now: number) {
  const start = job.startTime ?? job.submitTime;
  const end = job.endTime ?? now;
  const elapsed = job.startTime === undefined ? 0 : (end - start) / 1000;
  return {
    cpu_time: sacctDuration(elapsed * job.nodeCount),
    elapsed_time: sacctDuration(elapsed),
    exit_code: `${job.exitCode ?? 0}:${job.signal ?? 0}`,
    jobid: String(job.id),
    name: job.name,
    nodelist: job.nodes.length > 0 ? compressHostlist(job.nodes) : 'None assigned',
    nodes: String(job.nodeCount),
    partition: job.partition,
    start_time: v1Time(start),
    state: stateOf(job),
    termination_time: job.endTime === undefined ? 'Unknown' : v1Time(job.endTime),
    time: sacctDuration(elapsed),
    time_left: job.endTime === undefined ? 'Unknown' : v1Time(job.endTime),
    user: job.user.name,
  };
}

function page<T>(items: T[], c: Context<AppEnv>): T[] {
  const size = Number(c.req.query('pageSize') ?? 25);
  const number = Number(c.req.query('pageNumber') ?? 0);
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(number) || number < 0) return items;
  return items.slice(number * size, (number + 1) * size);
}

const jobIdList = (text: string | undefined) =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** What v1 does with a batch script: sbatch it, and report the job in the task's words. */
export function submitScript(
  sim: SimulatorContext,
  user: User,
  system: SystemSpec,
  request: {
    script: string;
    scriptFile: string;
    account?: string | undefined;
    name?: string;
    action?: JobAction;
    parsed?: ParsedScript | undefined;
  },
): TaskOutcome {
  try {
    const job = sim.state.scheduler.submit(system.name, user, {
      workingDirectory: posix.dirname(request.scriptFile),
      script: request.script,
      scriptFile: request.scriptFile,
      ...(request.account ? { account: request.account } : {}),
      ...(request.name ? { name: request.name } : {}),
      ...(request.action ? { action: request.action } : {}),
      ...(request.parsed ? { parsed: request.parsed } : {}),
    });
    return { status: '200', data: { ...jobFiles(job), jobid: String(job.id), result: 'Job submitted' } };
  } catch (error) {
    if (!(error instanceof SlurmError || error instanceof FsError)) throw error;
    return { status: '400', data: slurmText(error) };
  }
}

/**
 * v1 stores an uploaded script in <home>/firecrest/<task id>/ and submits it from there, in a
 * task of the compute service.
 */
export function submitUploaded(
  sim: SimulatorContext,
  user: User,
  system: SystemSpec,
  request: {
    fileName: string;
    script: string;
    account?: string | undefined;
    name?: string;
    action?: JobAction;
    parsed?: ParsedScript | undefined;
  },
): Task {
  const created = sim.state.tasks.create(user.name, 'compute', system.name, { status: '100', data: 'Queued' });
  const home = system.fileSystems.find((f) => f.defaultWorkDir)?.path ?? '/home';
  const dir = `${home}/${user.name}/firecrest/${created.id}`;
  const fs = sim.state.filesystem(system.name);
  const cred = credentialsOf(user);
  let outcome: TaskOutcome;
  try {
    fs.mkdir(cred, dir, { parents: true });
    fs.writeFile(cred, `${dir}/${request.fileName}`, request.script);
    outcome = submitScript(sim, user, system, { ...request, scriptFile: `${dir}/${request.fileName}` });
  } catch (error) {
    if (!(error instanceof FsError)) throw error;
    outcome = { status: '400', data: `Failed to upload batch file: ${error.message}` };
  }
  sim.state.tasks.update(created.id, outcome, { delayed: true });
  return created;
}

export function createComputeRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  const scheduler = () => sim.state.scheduler;
  const now = () => sim.state.clock.now();
  const task = (c: Context<AppEnv>, user: User, system: SystemSpec, outcome: TaskOutcome, status: 200 | 201 = 200) =>
    c.json(taskCreated(sim.state.tasks.create(user.name, 'compute', system.name, outcome)), status);
  /** What sbatch or scancel printed, for a failed task. */
  const failure = (error: unknown): TaskOutcome => {
    if (!(error instanceof SlurmError || error instanceof FsError)) throw error;
    return { status: '400', data: slurmText(error) };
  };
  /** A task whose command failed (slurmctld down) ends "400" with what the command printed. */
  const attempt = (outcome: () => TaskOutcome): TaskOutcome => {
    try {
      return outcome();
    } catch (error) {
      return failure(error);
    }
  };

  const submit = (user: User, system: SystemSpec, script: string, scriptFile: string, account: string | undefined) =>
    submitScript(sim, user, system, { script, scriptFile, account });

  app.post('/jobs/upload', async (c) => {
    const system = machine(sim, c, 'Failed to submit job', 'compute');
    const { user } = caller(c);
    const fields = await form(c);
    const file = fields.file;
    if (!(file instanceof File))
      throw new V1Error(400, { description: 'Failed to submit job file', error: 'No batch file given' });
    const script = await file.text();
    const account = typeof fields.account === 'string' ? fields.account : undefined;
    // A large script is parsed giving the event loop turns; the scheduler takes it parsed.
    const parsed = await parseWithinLimit(script);
    const created = submitUploaded(sim, user, system, { fileName: file.name || 'script.sh', script, account, parsed });
    return c.json(taskCreated(created), 201);
  });

  app.post('/jobs/path', async (c) => {
    const system = machine(sim, c, 'Failed to submit job', 'compute');
    const { user, cred } = caller(c);
    const fields = await form(c);
    const path = checkInput(fields.targetPath, 'targetPath', 'Failed to submit job');
    const account = typeof fields.account === 'string' ? fields.account : undefined;
    let script: string;
    try {
      script = sim.state.filesystem(system.name).readFile(cred, path).toString('utf8');
    } catch {
      throw new V1Error(
        400,
        { description: 'Failed to submit job' },
        { 'X-Invalid-Path': `${path} is an invalid path.` },
      );
    }
    return task(c, user, system, submit(user, system, script, path, account), 201);
  });

  app.get('/jobs', (c) => {
    const system = machine(sim, c, 'Failed to retrieve jobs information', 'compute');
    const { user } = caller(c);
    const ids = jobIdList(c.req.query('jobs'));
    const outcome = attempt(() => {
      const active = scheduler()
        .list(system.name, user)
        .filter((j) => !isFinished(j) && (!ids || ids.includes(String(j.id))));
      const records = page(active, c).map((j) => squeueRecord(j, now()));
      return { status: '200', data: Object.fromEntries(records.map((r, i) => [String(i), r])) };
    });
    return task(c, user, system, outcome);
  });

  const jobId = (c: Context<AppEnv>, description: string) => {
    const id = c.req.param('jobid') ?? '';
    if (!/^\d+$/.test(id)) throw new V1Error(400, { description, error: `${id} is not a valid job ID` });
    return Number(id);
  };

  app.get('/jobs/:jobid', (c) => {
    const system = machine(sim, c, 'Failed to retrieve job information', 'compute');
    const { user } = caller(c);
    const id = jobId(c, 'Failed to retrieve job information');
    let outcome: TaskOutcome;
    try {
      const job = scheduler().get(system.name, user, id);
      // DEVIATION: upstream v1.16.6's worker for this route crashes and its task stays "100";
      // the simulator finishes it as documented (squeue's record, or squeue's error).
      outcome =
        isFinished(job) || job.user.name !== user.name
          ? { status: '400', data: 'slurm_load_jobs error: Invalid job id specified' }
          : { status: '200', data: { '0': squeueRecord(job, now()) } };
    } catch (error) {
      outcome = failure(error);
    }
    return task(c, user, system, outcome);
  });

  app.delete('/jobs/:jobid', (c) => {
    const system = machine(sim, c, 'Failed to delete job', 'compute');
    const { user } = caller(c);
    const id = jobId(c, 'Failed to delete job');
    let outcome: TaskOutcome;
    try {
      scheduler().cancel(system.name, user, id);
      outcome = { status: '200', data: `scancel: Terminating job ${id}` };
    } catch (error) {
      const code = error instanceof SlurmError ? error.code : undefined;
      outcome =
        code === 'permission-denied'
          ? { status: '400', data: 'User does not have permission to cancel job' }
          : code === 'job-not-found' || code === 'system-not-found'
            ? {
                status: '400',
                data: `scancel: Terminating job ${id}scancel: error: Kill job error on job id ${id}: Invalid job id specified`,
              }
            : failure(error);
    }
    return task(c, user, system, outcome);
  });

  app.get('/acct', (c) => {
    const system = machine(sim, c, 'Failed to retrieve account information', 'compute');
    const { user } = caller(c);
    const ids = jobIdList(c.req.query('jobs'));
    const outcome = attempt(() => {
      const jobs = scheduler()
        .list(system.name, user)
        .filter((j) => !ids || ids.includes(String(j.id)));
      return { status: '200', data: page(jobs, c).map((j) => sacctRecord(j, now())) };
    });
    return task(c, user, system, outcome);
  });

  const nodeRecords = (system: SystemSpec, names?: string[]) => {
    const states = scheduler().nodeStates(system.name);
    return system.nodes
      .filter((n) => !names || names.includes(n.name))
      .map((n) => ({
        ActiveFeatures: [...n.features],
        NodeName: n.name,
        Partitions: [...n.partitions],
        State: [...(states.get(n.name) ?? ['IDLE'])],
      }));
  };
  app.get('/nodes', (c) => {
    const system = machine(sim, c, 'Failed to retrieve nodes information', 'compute');
    const { user } = caller(c);
    const names = jobIdList(c.req.query('nodes'));
    const unknown = names?.filter((n) => !system.nodes.some((node) => node.name === n)) ?? [];
    const outcome = attempt(() =>
      unknown.length > 0
        ? { status: '400', data: `Node ${unknown.join(',')} not found` }
        : { status: '200', data: nodeRecords(system, names) },
    );
    return task(c, user, system, outcome);
  });
  app.get('/nodes/:name', (c) => {
    const system = machine(sim, c, 'Failed to retrieve nodes information', 'compute');
    const { user } = caller(c);
    const name = c.req.param('name');
    const outcome = attempt(() => {
      const records = nodeRecords(system, [name]);
      return records.length === 0
        ? { status: '400', data: `Node ${name} not found` }
        : { status: '200', data: records };
    });
    return task(c, user, system, outcome);
  });

  app.get('/partitions', (c) => {
    const system = machine(sim, c, 'Failed to retrieve partitions information', 'compute');
    const { user } = caller(c);
    const names = jobIdList(c.req.query('partitions'));
    const outcome = attempt(() => {
      const states = scheduler().partitionStates(system.name);
      const data = system.partitions
        .filter((p) => !names || names.includes(p.name))
        .map((p) => ({
          Default: p.default ? 'YES' : 'NO',
          PartitionName: p.name,
          State: states.get(p.name) ?? 'UP',
          TotalCPUs: String(system.nodes.filter((n) => p.nodes.includes(n.name)).reduce((sum, n) => sum + n.cpus, 0)),
          TotalNodes: String(p.nodes.length),
        }));
      return { status: '200', data };
    });
    return task(c, user, system, outcome);
  });

  app.get('/reservations', (c) => {
    const system = machine(sim, c, 'Failed to retrieve reservations information', 'compute');
    const { user } = caller(c);
    const names = jobIdList(c.req.query('reservations'));
    const at = now() / 1000;
    const data = system.reservations
      .filter((r) => !names || names.includes(r.name))
      .map((r) => ({
        EndTime: v1Time(r.end * 1000),
        Features: r.features ?? '(null)',
        Nodes: compressHostlist(r.nodes),
        ReservationName: r.name,
        StartTime: v1Time(r.start * 1000),
        State: r.start <= at && at < r.end ? 'ACTIVE' : 'INACTIVE',
      }));
    return task(c, user, system, { status: '200', data });
  });

  return app;
}
