import type { CleanupRecord, Leftover } from '../reporters/report.ts';
import { loadSpec } from '../spec/load.ts';
import { isTerminalState } from '../spec/types.ts';
import { createValidator, type Validator } from '../spec/validate.ts';
import type { RemoteTargetConfig } from '../suites/harness/config.ts';
import { claims, v1Driver, v2Driver } from '../suites/harness/drivers.ts';
import { createClient, type Client } from '../suites/harness/http.ts';
import { readLedger, type IdentityLabel, type LedgerEntry } from '../suites/harness/ledger.ts';
import { createRemoteTarget, describeError, type Target } from '../suites/harness/target.ts';
import { removeStagedObjects, type StagedObject, type StagingStore } from './cleanup-store.ts';

export type { StagingStore } from './cleanup-store.ts';

// After a live run, and after an interrupted one: cancel the run's jobs, remove its files and
// staged objects, then look again and report what is still there. It speaks to the site through
// the harness's clients and drivers, and takes users' directories from what the site says.

export interface CleanupConfig {
  readonly target: RemoteTargetConfig;
  readonly systems: readonly string[];
  readonly runId: string;
  readonly ledger: string;
  readonly store?: StagingStore | undefined;
}

/** One identity of the run, with a client per generation the site offers. */
interface Session {
  readonly label: IdentityLabel;
  readonly username: string | undefined;
  readonly v2: Client | undefined;
  v1(system: string): Client | undefined;
}

interface RunJob {
  readonly system: string;
  readonly identity: IdentityLabel;
  readonly jobId: string;
}

/** What the cleanup did and found so far. */
interface Tally {
  readonly done: string[];
  readonly problems: Leftover[];
}

async function openSessions(target: Target, validators: Record<'v1' | 'v2', Validator>, tally: Tally) {
  const sessions = new Map<IdentityLabel, Session>();
  for (const identity of [target.primary, target.second]) {
    if (!identity) continue;
    let token: string;
    try {
      token = await identity.token();
    } catch (error) {
      tally.problems.push({
        kind: 'file',
        what: `everything of the ${identity.label} identity`,
        note: describeError(error),
      });
      continue;
    }
    const client = (validator: Validator, baseUrl: string, headers: Record<string, string> = {}) =>
      createClient(target, validator, identity, [], { baseUrl, headers });
    const name = claims(token).preferred_username;
    sessions.set(identity.label, {
      label: identity.label,
      username: typeof name === 'string' ? name : undefined,
      v2: target.baseUrl ? client(validators.v2, target.baseUrl) : undefined,
      v1: (system) =>
        target.v1BaseUrl ? client(validators.v1, target.v1BaseUrl, { 'X-Machine-Name': system }) : undefined,
    });
  }
  return sessions;
}

/** A session's user name on a system, and the directory the run's directories went into there. */
async function runBase(target: Target, s: Session, system: string): Promise<string | undefined> {
  const v2 = s.v2;
  const v1 = s.v1(system);
  const client = v2 ?? v1;
  if (!client) return undefined;
  const driver = v2 ? v2Driver : v1Driver;
  const username = s.username ?? (await driver.whoami(client, system));
  if (!username) return undefined;
  if (target.run.scratch) return target.run.scratch.replaceAll('{username}', username);
  const { homeBase } = await driver.discover(client, { ...target, system });
  return `${homeBase}/${username}`;
}

async function removePath(s: Session, system: string, path: string): Promise<'removed' | 'absent' | 'refused'> {
  const v1 = s.v1(system);
  const answer = s.v2 ? await v2Driver.rm(s.v2, system, path) : v1 ? await v1Driver.rm(v1, system, path) : undefined;
  if (!answer) return 'refused';
  if (answer.status < 300) return 'removed';
  return answer.status === 404 || answer.status === 400 ? 'absent' : 'refused';
}

async function jobState(v2: Client, system: string, jobId: string): Promise<string | undefined> {
  const answer = await v2.get<{ jobs?: { status?: { state?: string } }[] }>(`/compute/${system}/jobs/${jobId}`);
  return answer.status === 200 ? (answer.body.jobs?.[0]?.status?.state ?? 'UNKNOWN') : undefined;
}

/** Cancels a job still queued or running (v2), or asks v1 to cancel it. */
async function cancelJob(s: Session, job: RunJob, tally: Tally): Promise<void> {
  const v1 = s.v1(job.system);
  if (!s.v2) {
    if (v1) await v1.delete(`/compute/jobs/${job.jobId}`).catch(() => undefined);
    return;
  }
  const state = await jobState(s.v2, job.system, job.jobId).catch(() => undefined);
  if (state !== undefined && isTerminalState(state)) return;
  const answer = await s.v2.delete(`/compute/${job.system}/jobs/${job.jobId}`).catch(() => undefined);
  if (answer && answer.status < 300)
    tally.done.push(`cancelled job ${job.jobId} on ${job.system} (was ${state ?? 'unknown'})`);
}

/** The URL of the object a v1 external transfer task staged: a download's URL, or an upload's target. */
function stagedObjectUrl(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as { url?: unknown; msg?: { parameters?: { url?: unknown; data?: { key?: unknown } } } };
  if (typeof d.url === 'string') return d.url;
  const form = d.msg?.parameters;
  if (typeof form?.url === 'string' && typeof form.data?.key === 'string')
    return `${form.url.replace(/\/+$/, '')}/${form.data.key.split('/').map(encodeURIComponent).join('/')}`;
  return undefined;
}

interface FromTasks {
  readonly jobs: Map<string, RunJob>;
  /** v1 keeps an uploaded batch file in a directory of its own under <home>/firecrest/. */
  readonly submissions: { system: string; identity: IdentityLabel; dir: string; parent: string }[];
  /** A v1 external transfer's object: an invalidate that answers 201 need not have removed it. */
  readonly staged: StagedObject[];
}

/** What the run's v1 tasks made (jobs, stored batch files, staged objects); v1 transfers are invalidated. */
async function readTasks(
  entries: readonly LedgerEntry[],
  sessions: Map<IdentityLabel, Session>,
  store: StagingStore | undefined,
  tally: Tally,
): Promise<FromTasks> {
  const found: FromTasks = { jobs: new Map(), submissions: [], staged: [] };
  for (const e of entries) {
    if (e.kind === 'job') found.jobs.set(`${e.system}/${e.jobId}`, e);
    const s = sessions.get(e.identity);
    const v1 = s?.v1(e.system);
    if (e.kind !== 'task' || !s || !v1) continue;
    const task = await v1.get<{ task?: { data?: unknown } }>(`/tasks/${e.taskId}`).catch(() => undefined);
    const data = task?.body?.task?.data as { jobid?: unknown; job_file?: unknown } | undefined;
    if (typeof data?.jobid === 'number' || typeof data?.jobid === 'string')
      found.jobs.set(`${e.system}/${data.jobid}`, {
        system: e.system,
        identity: e.identity,
        jobId: String(data.jobid),
      });
    const jobFile = typeof data?.job_file === 'string' ? data.job_file : '';
    const stored = /^(.*\/firecrest)\/[^/]+\/[^/]+$/.exec(jobFile);
    if (stored?.[1])
      found.submissions.push({ ...e, dir: jobFile.slice(0, jobFile.lastIndexOf('/')), parent: stored[1] });
    if (!e.operation.includes('/storage/xfer-external/')) continue;
    // Without a URL in the task (an upload past 111), v1 stages in the user's bucket under the task id.
    const url =
      stagedObjectUrl(data) ??
      (store && s.username
        ? `${store.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(s.username)}/${e.taskId}/`
        : undefined);
    if (url) found.staged.push({ system: e.system, url, prefix: `${e.taskId}/` });
    const answer = await v1
      .post('/storage/xfer-external/invalidate', { headers: { 'X-Task-Id': e.taskId } })
      .catch(() => undefined);
    if (answer && answer.status < 300) tally.done.push(`asked the site to invalidate v1 task ${e.taskId}`);
  }
  return found;
}

/** Removes v1's stored batch files, and `<home>/firecrest` when the run's were all that was in it. */
async function removeSubmissions(found: FromTasks, sessions: Map<IdentityLabel, Session>, tally: Tally) {
  for (const sub of found.submissions) {
    const s = sessions.get(sub.identity);
    if (s && (await removePath(s, sub.system, sub.dir).catch(() => undefined)) === 'removed')
      tally.done.push(`removed ${sub.dir} on ${sub.system}`);
  }
  for (const parent of new Set(found.submissions.map((sub) => `${sub.identity}\n${sub.system}\n${sub.parent}`))) {
    const [identity, system = '', path = ''] = parent.split('\n');
    const s = sessions.get(identity as IdentityLabel);
    if (!s?.v2) continue;
    const listed = await s.v2.get<{ output?: unknown[] }>(`/filesystem/${system}/ops/ls`, { query: { path } });
    if (listed.status === 200 && Array.isArray(listed.body.output) && listed.body.output.length === 0) {
      await removePath(s, system, path);
      tally.done.push(`removed the empty ${path} on ${system}`);
    }
  }
}

/** The names in the session's run base on a system that carry the run's prefix, as full paths. */
async function runDirectories(target: Target, s: Session, system: string, prefix: string): Promise<string[]> {
  const base = await runBase(target, s, system);
  if (!base) return [];
  const v1 = s.v1(system);
  const listed = s.v2
    ? await s.v2.get<{ output?: { name: string }[] }>(`/filesystem/${system}/ops/ls`, { query: { path: base } })
    : v1
      ? await v1.get<{ output?: { name: string }[] }>('/utilities/ls', { query: { targetPath: base } })
      : undefined;
  const names = (listed?.body?.output ?? []).map((e) => e.name);
  return names.filter((n) => n.startsWith(prefix)).map((n) => `${base}/${n}`);
}

/** The user's queued and running jobs on a v1 site (a task that lists them), or undefined. */
async function v1ActiveJobs(v1: Client): Promise<{ jobid: string; name: string; state: string }[] | undefined> {
  const started = await v1.get<{ task_id?: unknown }>('/compute/jobs');
  const taskId = started.body?.task_id;
  if (started.status !== 200 || typeof taskId !== 'string') return undefined;
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  for (let i = 0; i < 30; i++) {
    const task = (await v1.get<{ task?: { status?: string; data?: unknown } }>(`/tasks/${taskId}`)).body?.task;
    if (task?.status === '200') {
      const data = task.data;
      const rows = typeof data === 'object' && data !== null ? Object.values(data as Record<string, unknown>) : [];
      return rows.flatMap((row) => {
        const r = row as { jobid?: unknown; name?: unknown; state?: unknown };
        return text(r.jobid) ? [{ jobid: text(r.jobid), name: text(r.name), state: text(r.state) }] : [];
      });
    }
    if (task?.status !== '100' && task?.status !== '101') return undefined;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return undefined;
}

interface ScanStep {
  readonly s: Session;
  readonly system: string;
  readonly prefix: string;
  readonly jobs: ReadonlyMap<string, RunJob>;
  /** Remove what is found (the first pass), or only report it (the second). */
  readonly act: boolean;
  readonly tally: Tally;
  readonly found: Leftover[];
}

async function scanV1Jobs({ s, system, prefix, jobs, act, tally, found }: ScanStep): Promise<void> {
  const v1 = s.v1(system);
  const active = v1 ? await v1ActiveJobs(v1).catch(() => undefined) : undefined;
  if (!v1 || !active) {
    if (!act) found.push({ kind: 'job', what: 'the job list', system, note: 'the v1 job list could not be read' });
    return;
  }
  const ours = new Set(
    [...jobs.values()].filter((j) => j.system === system && j.identity === s.label).map((j) => j.jobId),
  );
  for (const j of active.filter((j) => ours.has(j.jobid) || j.name.includes(prefix))) {
    if (!act) {
      found.push({ kind: 'job', what: `job ${j.jobid} (${j.state})`, system });
      continue;
    }
    const answer = await v1.delete(`/compute/jobs/${j.jobid}`);
    if (answer.status < 300) tally.done.push(`cancelled job ${j.jobid} on ${system} (was ${j.state})`);
  }
}

async function scanV2Jobs({ s, system, prefix, jobs, act, tally, found }: ScanStep): Promise<void> {
  const v2 = s.v2;
  if (!v2) return;
  const listed = await v2.get<{ jobs?: Record<string, unknown>[] }>(`/compute/${system}/jobs`).catch(() => undefined);
  const mine = (listed?.body?.jobs ?? []).filter((j) => {
    const raw = (j.status as { state?: unknown } | undefined)?.state;
    return (
      !isTerminalState(typeof raw === 'string' ? raw : '') &&
      JSON.stringify([j.name, j.workingDirectory]).includes(prefix)
    );
  });
  for (const j of mine) {
    const job = { system, identity: s.label, jobId: String(j.jobId) };
    if (act) await cancelJob(s, job, tally);
    else found.push({ kind: 'job', what: `job ${job.jobId} (${String(j.name)})`, system });
  }
  if (act) return;
  for (const job of jobs.values()) {
    if (job.system !== system || job.identity !== s.label) continue;
    const state = await jobState(v2, system, job.jobId).catch(() => undefined);
    if (state !== undefined && !isTerminalState(state) && !state.startsWith('CANCELLED'))
      found.push({ kind: 'job', what: `job ${job.jobId} (${state})`, system });
  }
}

/** Run directories and active jobs carrying the run's prefix: removed (act), or reported. */
async function scan(
  target: Target,
  sessions: Map<IdentityLabel, Session>,
  step: Omit<ScanStep, 's' | 'system' | 'found'>,
  systems: readonly string[],
): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for (const system of systems) {
    for (const s of sessions.values()) {
      for (const dir of await runDirectories(target, s, system, step.prefix).catch(() => [])) {
        if (step.act && (await removePath(s, system, dir).catch(() => undefined)) === 'removed')
          step.tally.done.push(`removed ${dir} on ${system}`);
        else found.push({ kind: 'file', what: dir, system });
      }
      const here = { ...step, s, system, found };
      await (s.v2 ? scanV2Jobs(here) : scanV1Jobs(here));
    }
  }
  return found;
}

export async function cleanUp(config: CleanupConfig): Promise<CleanupRecord> {
  const target = createRemoteTarget(config.target);
  const tally: Tally = { done: [], problems: [] };
  const validators = {
    v1: createValidator(await loadSpec('v1')),
    v2: createValidator(await loadSpec('v2')),
  };
  const sessions = await openSessions(target, validators, tally);
  const entries = readLedger(config.ledger);

  // 1. Jobs and v1 tasks the run made; v1's stored batch files.
  const found = await readTasks(entries, sessions, config.store, tally);
  for (const job of found.jobs.values()) {
    const s = sessions.get(job.identity);
    if (s) await cancelJob(s, job, tally);
  }
  await removeSubmissions(found, sessions, tally);

  // 2. Staged objects: deleted with the store's credentials; without them they wait for the lifecycle rule.
  const objects = [
    ...entries.filter((e): e is Extract<LedgerEntry, { kind: 'object' }> => e.kind === 'object'),
    ...found.staged,
  ];
  const store = await removeStagedObjects(objects, config.store);
  tally.done.push(...store.done);

  // 3. Paths the site made outside the run directories (transfer job logs).
  for (const e of entries) {
    const s = e.kind === 'path' ? sessions.get(e.identity) : undefined;
    if (e.kind !== 'path' || !s) continue;
    if ((await removePath(s, e.system, e.path).catch(() => undefined)) === 'removed')
      tally.done.push(`removed ${e.path} on ${e.system}`);
  }

  // 4. The scan: what carries the run's prefix is removed, then looked for again.
  const step = { prefix: `f7t-conformance-${config.runId}`, jobs: found.jobs, tally };
  await scan(target, sessions, { ...step, act: true }, config.systems);
  const leftovers = [...(await scan(target, sessions, { ...step, act: false }, config.systems)), ...store.left];
  return { done: tally.done, leftovers: [...leftovers, ...tally.problems] };
}
