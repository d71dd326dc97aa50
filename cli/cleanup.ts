import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { isTerminalState } from '../spec/types.ts';
import type { ClientCredentials, RemoteTargetConfig } from '../suites/harness/config.ts';
import { claims } from '../suites/harness/drivers.ts';
import { readLedger, type IdentityLabel, type LedgerEntry } from '../suites/harness/ledger.ts';
import { requestToken } from '../suites/harness/target.ts';
import type { CleanupRecord, Leftover } from '../reporters/report.ts';

// After a live run, and after an interrupted one: cancel the run's jobs, remove its files and
// staged objects, then look again and report what is still there.

/** The site's staging store, when the site profile gives credentials for it. */
export interface StagingStore {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region?: string | undefined;
}

export interface CleanupConfig {
  readonly target: RemoteTargetConfig;
  readonly systems: readonly string[];
  readonly runId: string;
  readonly ledger: string;
  readonly store?: StagingStore | undefined;
}

interface Session {
  readonly label: IdentityLabel;
  readonly token: string;
  readonly username: string | undefined;
}

export async function cleanUp(config: CleanupConfig): Promise<CleanupRecord> {
  const { target, runId } = config;
  const prefix = `f7t-conformance-${runId}`;
  const done: string[] = [];
  const problems: Leftover[] = [];
  const v2 = target.baseUrl.replace(/\/+$/, '');
  const v1 = target.v1BaseUrl?.replace(/\/+$/, '');
  const entries = readLedger(config.ledger);

  const sessions = new Map<IdentityLabel, Session>();
  const identities: [IdentityLabel, ClientCredentials | undefined][] = [
    ['primary', target.primary],
    ['second', target.second],
  ];
  for (const [label, credentials] of identities) {
    if (!credentials) continue;
    try {
      const { token } = await requestToken((i, init) => fetch(i, init), target.tokenUrl, credentials);
      const name = claims(token).preferred_username;
      sessions.set(label, { label, token, username: typeof name === 'string' ? name : undefined });
    } catch (error) {
      problems.push({ kind: 'file', what: `everything of the ${label} identity`, note: String(error) });
    }
  }
  const call = async (session: Session, method: string, url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      method,
      headers: { authorization: `Bearer ${session.token}`, ...(init.headers as Record<string, string>) },
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body };
  };
  const sessionOf = (e: { identity: IdentityLabel }) => sessions.get(e.identity);

  // v2: the job's state, and a cancel when it is still queued or running.
  const jobState = async (s: Session, system: string, jobId: string) => {
    const answer = await call(s, 'GET', `${v2}/compute/${system}/jobs/${jobId}`);
    const job = (answer.body as { jobs?: { status?: { state?: string } }[] }).jobs?.[0];
    return answer.status === 200 ? (job?.status?.state ?? 'UNKNOWN') : undefined;
  };
  const cancelJob = async (s: Session, system: string, jobId: string) => {
    const state = await jobState(s, system, jobId).catch(() => undefined);
    if (state !== undefined && isTerminalState(state)) return;
    const answer = await call(s, 'DELETE', `${v2}/compute/${system}/jobs/${jobId}`).catch(() => undefined);
    if (answer && answer.status < 300) done.push(`cancelled job ${jobId} on ${system} (was ${state ?? 'unknown'})`);
  };

  // 1. Jobs and v1 tasks the run made. A v1 external transfer's object is also looked for below:
  // an invalidate that answers 201 need not have removed it (v1.16.6 on S3 does not).
  const staged: { system: string; identity: IdentityLabel; url: string; prefix?: string }[] = [];
  const submissions: { system: string; identity: IdentityLabel; dir: string; parent: string }[] = [];
  const jobs = new Map<string, { system: string; identity: IdentityLabel; jobId: string }>();
  for (const e of entries) {
    if (e.kind === 'job') jobs.set(`${e.system}/${e.jobId}`, e);
    if (e.kind !== 'task' || !v1) continue;
    const s = sessionOf(e);
    if (!s) continue;
    const task = await call(s, 'GET', `${v1}/tasks/${e.taskId}`).catch(() => undefined);
    const data = (task?.body as { task?: { data?: unknown } } | undefined)?.task?.data;
    const jobId = (data as { jobid?: unknown } | undefined)?.jobid;
    if (typeof jobId === 'number' || typeof jobId === 'string')
      jobs.set(`${e.system}/${jobId}`, { system: e.system, identity: e.identity, jobId: String(jobId) });
    // v1 keeps an uploaded batch file in a directory of its own under <home>/firecrest/.
    const given = (data as { job_file?: unknown } | undefined)?.job_file;
    const jobFile = typeof given === 'string' ? given : '';
    const stored = /^(.*\/firecrest)\/[^/]+\/[^/]+$/.exec(jobFile);
    if (stored?.[1] && jobFile)
      submissions.push({ ...e, dir: String(jobFile).slice(0, String(jobFile).lastIndexOf('/')), parent: stored[1] });
    if (e.operation.includes('/storage/xfer-external/')) {
      // Without a URL in the task (an upload past 111), v1 stages in the user's bucket under the task id.
      const url =
        stagedObjectUrl(data) ??
        (config.store && s.username
          ? `${config.store.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(s.username)}/${e.taskId}/`
          : undefined);
      if (url) staged.push({ system: e.system, identity: e.identity, url, prefix: `${e.taskId}/` });
      const answer = await call(s, 'POST', `${v1}/storage/xfer-external/invalidate`, {
        headers: { 'X-Task-Id': e.taskId },
      }).catch(() => undefined);
      if (answer && answer.status < 300) done.push(`asked the site to invalidate v1 task ${e.taskId}`);
    }
  }
  for (const job of jobs.values()) {
    const s = sessionOf(job);
    if (!s) continue;
    if (target.baseUrl) await cancelJob(s, job.system, job.jobId);
    else if (v1) await call(s, 'DELETE', `${v1}/compute/jobs/${job.jobId}`, { headers: v1Headers(job.system) });
  }

  for (const sub of submissions) {
    const s = sessionOf(sub);
    if (!s) continue;
    if ((await removePath(call, s, sub.system, sub.dir, v2, v1).catch(() => undefined)) === 'removed')
      done.push(`removed ${sub.dir} on ${sub.system}`);
  }
  // The site made <home>/firecrest for the run's first upload; it goes when nothing else is in it.
  for (const parent of new Set(submissions.map((sub) => `${sub.identity}\n${sub.system}\n${sub.parent}`))) {
    const [identity, system = '', path = ''] = parent.split('\n');
    const s = sessions.get(identity as IdentityLabel);
    if (!s || !v2) continue;
    const listed = await call(
      s,
      'GET',
      `${v2}/filesystem/${system}/ops/ls?${new URLSearchParams({ path }).toString()}`,
    );
    const entries = (listed.body as { output?: unknown[] }).output;
    if (listed.status === 200 && Array.isArray(entries) && entries.length === 0) {
      await removePath(call, s, system, path, v2, v1);
      done.push(`removed the empty ${path} on ${system}`);
    }
  }

  // 2. Staged objects: deleted with the store's credentials; without them they wait for the lifecycle rule.
  const objects: { system: string; url: string; prefix?: string }[] = [
    ...entries.filter((e): e is Extract<LedgerEntry, { kind: 'object' }> => e.kind === 'object'),
    ...staged,
  ];
  const s3 = config.store
    ? new S3Client({
        endpoint: config.store.endpoint,
        region: config.store.region ?? 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: config.store.accessKeyId, secretAccessKey: config.store.secretAccessKey },
      })
    : undefined;
  const seen = new Set<string>();
  for (const o of objects) {
    const url = new URL(o.url);
    const located = locate(url, config.store?.endpoint);
    const shown = `${url.origin}${url.pathname}`;
    if (!located) {
      problems.push({ kind: 'object', what: shown, system: o.system, note: 'not in the staging store given' });
      continue;
    }
    if (!s3) {
      // A v1 download URL tells by itself whether the invalidate removed its object (one byte is asked for).
      if (o.prefix && !url.searchParams.has('uploadId')) {
        const still = await fetch(o.url, { headers: { range: 'bytes=0-0' } })
          .then(async (r) => (await r.arrayBuffer(), r.status === 200 || r.status === 206))
          .catch(() => false);
        if (!still) continue;
      }
      problems.push({
        kind: 'object',
        what: shown,
        system: o.system,
        note: "staged objects expire by the site's lifecycle rule; give transfer.s3 credentials in the site profile to delete them",
      });
      continue;
    }
    const uploadId = url.searchParams.get('uploadId');
    if (uploadId) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: located.bucket, Key: located.key, UploadId: uploadId }))
        .then(() => done.push(`aborted the unfinished upload of ${located.bucket}/${located.key}`))
        .catch(() => undefined); // completed, or gone
    }
    // A v1 task stages under its id: whatever the site put there goes too.
    const keys = [located.key];
    if (o.prefix) {
      const listed = await s3
        .send(new ListObjectsV2Command({ Bucket: located.bucket, Prefix: o.prefix }))
        .catch(() => undefined);
      for (const c of listed?.Contents ?? []) if (c.Key && !keys.includes(c.Key)) keys.push(c.Key);
    }
    for (const key of keys) {
      if (seen.has(`${located.bucket}/${key}`)) continue;
      seen.add(`${located.bucket}/${key}`);
      // Only what is there is deleted (and said to be): S3 answers a delete of a missing key with 204.
      const there = await s3
        .send(new HeadObjectCommand({ Bucket: located.bucket, Key: key }))
        .then(() => true)
        .catch((error: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
          error.name === 'NotFound' || error.$metadata?.httpStatusCode === 404 ? false : undefined,
        );
      if (there === false) continue;
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: located.bucket, Key: key }));
        done.push(`deleted the staged object ${located.bucket}/${key}`);
      } catch (error) {
        problems.push({ kind: 'object', what: shown, system: o.system, note: (error as Error).message });
      }
    }
  }

  // 3. Paths the site made outside the run directories (transfer job logs).
  for (const e of entries) {
    if (e.kind !== 'path') continue;
    const s = sessionOf(e);
    if (!s) continue;
    const answer = await removePath(call, s, e.system, e.path, v2, v1).catch(() => undefined);
    if (answer === 'removed') done.push(`removed ${e.path} on ${e.system}`);
  }

  // 4. The scan: run directories and active jobs carrying the run's prefix, removed; then looked for again.
  const scan = async (act: boolean): Promise<Leftover[]> => {
    const found: Leftover[] = [];
    for (const system of config.systems) {
      for (const s of sessions.values()) {
        for (const dir of await runDirectories(call, s, system, v2, v1, target, prefix)) {
          if (act && (await removePath(call, s, system, dir, v2, v1).catch(() => undefined)) === 'removed') {
            done.push(`removed ${dir} on ${system}`);
          } else found.push({ kind: 'file', what: dir, system });
        }
        if (!target.baseUrl) {
          // A v1-only site: its job list (a task) against the run's job ids and prefix.
          if (!v1) continue;
          const active = await v1ActiveJobs(call, s, v1, system).catch(() => undefined);
          if (!active) {
            if (!act)
              found.push({ kind: 'job', what: 'the job list', system, note: 'the v1 job list could not be read' });
            continue;
          }
          const ours = new Set(
            [...jobs.values()].filter((j) => j.system === system && j.identity === s.label).map((j) => j.jobId),
          );
          for (const j of active.filter((j) => ours.has(j.jobid) || j.name.includes(prefix))) {
            if (act) {
              const answer = await call(s, 'DELETE', `${v1}/compute/jobs/${j.jobid}`, { headers: v1Headers(system) });
              if (answer.status < 300) done.push(`cancelled job ${j.jobid} on ${system} (was ${j.state})`);
            } else found.push({ kind: 'job', what: `job ${j.jobid} (${j.state})`, system });
          }
          continue;
        }
        const listed = await call(s, 'GET', `${v2}/compute/${system}/jobs`).catch(() => undefined);
        const mine = ((listed?.body as { jobs?: Record<string, unknown>[] } | undefined)?.jobs ?? []).filter((j) => {
          const raw = (j.status as { state?: unknown } | undefined)?.state;
          const state = typeof raw === 'string' ? raw : '';
          return !isTerminalState(state) && JSON.stringify([j.name, j.workingDirectory]).includes(prefix);
        });
        for (const j of mine) {
          const jobId = String(j.jobId);
          if (act) await cancelJob(s, system, jobId);
          else found.push({ kind: 'job', what: `job ${jobId} (${String(j.name)})`, system });
        }
        for (const job of jobs.values()) {
          if (act || job.system !== system || job.identity !== s.label) continue;
          const state = await jobState(s, system, job.jobId).catch(() => undefined);
          if (state !== undefined && !isTerminalState(state) && !state.startsWith('CANCELLED'))
            found.push({ kind: 'job', what: `job ${job.jobId} (${state})`, system });
        }
      }
    }
    return found;
  };
  await scan(true);
  const leftovers = [...(await scan(false)), ...problems];
  return { done, leftovers };
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

/** The user's queued and running jobs on a v1 site (a task that lists them), or undefined. */
async function v1ActiveJobs(
  call: Call,
  s: Session,
  v1: string,
  system: string,
): Promise<{ jobid: string; name: string; state: string }[] | undefined> {
  const started = await call(s, 'GET', `${v1}/compute/jobs`, { headers: v1Headers(system) });
  const taskId = (started.body as { task_id?: unknown }).task_id;
  if (started.status !== 200 || typeof taskId !== 'string') return undefined;
  for (let i = 0; i < 30; i++) {
    const task = (await call(s, 'GET', `${v1}/tasks/${taskId}`)).body as {
      task?: { status?: string; data?: unknown };
    };
    const status = task.task?.status;
    if (status === '200') {
      const data = task.task?.data;
      const rows = typeof data === 'object' && data !== null ? Object.values(data as Record<string, unknown>) : [];
      const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
      return rows.flatMap((row) => {
        const r = row as { jobid?: unknown; name?: unknown; state?: unknown };
        return text(r.jobid) ? [{ jobid: text(r.jobid), name: text(r.name), state: text(r.state) }] : [];
      });
    }
    if (status !== '100' && status !== '101') return undefined;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return undefined;
}

const v1Headers = (system: string, extra: Record<string, string> = {}) => ({ 'X-Machine-Name': system, ...extra });

type Call = (s: Session, method: string, url: string, init?: RequestInit) => Promise<{ status: number; body: unknown }>;

/** The bucket and key of a presigned URL of a path-style store at `endpoint`. */
function locate(url: URL, endpoint: string | undefined): { bucket: string; key: string } | undefined {
  const base = endpoint ? new URL(endpoint) : undefined;
  if (base && base.host !== url.host) return undefined;
  const basePath = (base?.pathname ?? '/').replace(/\/+$/, '');
  if (!url.pathname.startsWith(`${basePath}/`)) return undefined;
  const [bucket, ...rest] = url.pathname.slice(basePath.length + 1).split('/');
  if (!bucket || rest.length === 0) return undefined;
  return { bucket: decodeURIComponent(bucket), key: rest.map(decodeURIComponent).join('/') };
}

async function removePath(
  call: Call,
  s: Session,
  system: string,
  path: string,
  v2: string,
  v1: string | undefined,
): Promise<'removed' | 'absent' | 'refused'> {
  let status: number;
  if (v2) {
    status = (await call(s, 'DELETE', `${v2}/filesystem/${system}/ops/rm?${new URLSearchParams({ path }).toString()}`))
      .status;
  } else if (v1) {
    const form = new FormData();
    form.append('targetPath', path);
    status = (await call(s, 'DELETE', `${v1}/utilities/rm`, { body: form, headers: { 'X-Machine-Name': system } }))
      .status;
  } else return 'refused';
  if (status < 300) return 'removed';
  return status === 404 || status === 400 ? 'absent' : 'refused';
}

/** The run's directories in the user's run base (home or the profile's scratch). */
async function runDirectories(
  call: Call,
  s: Session,
  system: string,
  v2: string,
  v1: string | undefined,
  target: RemoteTargetConfig,
  prefix: string,
): Promise<string[]> {
  let username = s.username;
  let base: string | undefined;
  if (v2) {
    if (!username) {
      const info = await call(s, 'GET', `${v2}/status/${system}/userinfo`);
      username = (info.body as { user?: { name?: string } }).user?.name;
    }
    const systems = await call(s, 'GET', `${v2}/status/systems`);
    const fileSystems =
      (
        systems.body as { systems?: { name: string; fileSystems?: { path: string; defaultWorkDir?: boolean }[] }[] }
      ).systems?.find((x) => x.name === system)?.fileSystems ?? [];
    const home = fileSystems.find((f) => f.defaultWorkDir)?.path ?? '/home';
    if (!username) return [];
    base = target.run?.scratch
      ? target.run.scratch.replaceAll('{username}', username)
      : `${home.replace(/\/+$/, '')}/${username}`;
    const listed = await call(
      s,
      'GET',
      `${v2}/filesystem/${system}/ops/ls?${new URLSearchParams({ path: base }).toString()}`,
    );
    const names = ((listed.body as { output?: { name: string }[] }).output ?? []).map((e) => e.name);
    return names.filter((n) => n.startsWith(prefix)).map((n) => `${base}/${n}`);
  }
  if (!v1 || !username) return [];
  base = target.run?.scratch ? target.run.scratch.replaceAll('{username}', username) : `/home/${username}`;
  const listed = await call(s, 'GET', `${v1}/utilities/ls?${new URLSearchParams({ targetPath: base }).toString()}`, {
    headers: { 'X-Machine-Name': system },
  });
  const names = ((listed.body as { output?: { name: string }[] }).output ?? []).map((e) => e.name);
  return names.filter((n) => n.startsWith(prefix)).map((n) => `${base}/${n}`);
}
