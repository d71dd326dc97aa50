// What the portal asks of FirecREST, with the logged-in user's token. v2 is the default; v1 (the
// gateway with X-Machine-Name and asynchronous tasks) is there for sites that still run it.

/** A row of the job table: the columns of squeue that the original FirecREST portal showed. */
export interface JobRow {
  readonly jobId: string;
  readonly name: string;
  readonly nodeList: string;
  readonly nodes: string;
  readonly partition: string;
  readonly startTime: string;
  readonly state: string;
  readonly time: string;
}

export interface JobRequest {
  readonly name: string;
  readonly script: string;
  readonly workingDirectory: string;
  readonly account?: string | undefined;
}

/** An upload that goes through the object store: a job moves the bytes once they are there. */
export interface StagedUpload {
  readonly transferJobId: string;
}

export interface FirecrestApi {
  readonly version: 'v1' | 'v2';
  systems(token: string): Promise<string[]>;
  /** The user's groups other than their own: the accounts a job may be charged to. */
  accounts(token: string, system: string): Promise<string[]>;
  jobs(token: string, system: string): Promise<JobRow[]>;
  submit(token: string, system: string, job: JobRequest): Promise<string>;
  jobState(token: string, system: string, jobId: string): Promise<string | undefined>;
  mkdir(token: string, system: string, path: string): Promise<void>;
  /** Small files go in one request; larger ones through the staging area (v2 only). */
  upload(token: string, system: string, path: string, data: Uint8Array): Promise<StagedUpload | undefined>;
  download(token: string, system: string, path: string): Promise<Uint8Array>;
}

export interface FirecrestOptions {
  readonly url: string;
  readonly version: 'v1' | 'v2';
  /** Files above this many bytes are staged (FirecREST v2 refuses direct uploads over 5 MiB). */
  readonly stageAboveBytes: number;
}

type Call = (path: string, init?: RequestInit & { system?: string }) => Promise<Response>;

async function ok(response: Response, what: string): Promise<Response> {
  if (response.ok) return response;
  const text = (await response.text()).slice(0, 300);
  throw new Error(`[${what}] -> ${response.status} ${text}`);
}

const clock = (seconds: number | null | undefined) => {
  if (seconds === null || seconds === undefined) return '';
  const s = Math.max(0, Math.round(seconds));
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0'));
  return hms.join(':');
};
const when = (epochS: number | null | undefined) =>
  epochS ? new Date(epochS * 1000).toISOString().replace('T', ' ').slice(0, 19) : 'N/A';

interface V2Job {
  jobId: string | number;
  name: string;
  status: { state: string };
  time: { start?: number | null; elapsed?: number | null };
  nodes: string;
  allocationNodes: number;
  partition: string;
}

function createV2(call: Call, options: FirecrestOptions): FirecrestApi {
  const json = async <T>(path: string, init?: RequestInit) =>
    (await (await ok(await call(path, init), `${init?.method ?? 'GET'} ${path}`)).json()) as T;
  const post = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    version: 'v2',
    async systems(token) {
      const body = await json<{ systems: { name: string }[] }>('/status/systems', auth(token));
      return body.systems.map((s) => s.name);
    },
    async accounts(token, system) {
      const info = await json<{ user: { name: string }; groups: { name: string }[] }>(
        `/status/${system}/userinfo`,
        auth(token),
      );
      return info.groups.map((g) => g.name).filter((g) => g !== info.user.name);
    },
    async jobs(token, system) {
      const body = await json<{ jobs: V2Job[] | null }>(`/compute/${system}/jobs`, auth(token));
      return (body.jobs ?? [])
        .map((j) => ({
          jobId: String(j.jobId),
          name: j.name,
          nodeList: j.nodes,
          nodes: String(j.allocationNodes),
          partition: j.partition,
          startTime: when(j.time.start),
          state: j.status.state,
          time: clock(j.time.elapsed),
        }))
        .sort((a, b) => Number(b.jobId) - Number(a.jobId));
    },
    async submit(token, system, job) {
      const answer = await json<{ jobId: string }>(`/compute/${system}/jobs`, {
        ...auth(token),
        ...post({ job: { ...job, account: job.account || undefined } }),
        headers: { ...auth(token).headers, 'content-type': 'application/json' },
      });
      return String(answer.jobId);
    },
    async jobState(token, system, jobId) {
      const body = await json<{ jobs: V2Job[] | null }>(`/compute/${system}/jobs/${jobId}`, auth(token));
      return body.jobs?.[0]?.status.state;
    },
    async mkdir(token, system, path) {
      await json(`/filesystem/${system}/ops/mkdir`, {
        ...post({ path, parent: true }),
        headers: { ...auth(token).headers, 'content-type': 'application/json' },
      });
    },
    async upload(token, system, path, data) {
      const slash = path.lastIndexOf('/');
      if (data.length <= options.stageAboveBytes) {
        const form = new FormData();
        form.append('file', new Blob([data]), path.slice(slash + 1));
        const query = new URLSearchParams({ path: path.slice(0, slash) });
        const target = `/filesystem/${system}/ops/upload?${query.toString()}`;
        await ok(await call(target, { ...auth(token), method: 'POST', body: form }), `POST ${target}`);
        return undefined;
      }
      return stagedUpload(token, system, path, data);
    },
    async download(token, system, path) {
      const target = `/filesystem/${system}/ops/download?${new URLSearchParams({ path }).toString()}`;
      return new Uint8Array(await (await ok(await call(target, auth(token)), `GET ${target}`)).arrayBuffer());
    },
  };

  /** The staged upload of v2: presigned part URLs, a completion, and a job that moves the bytes. */
  async function stagedUpload(token: string, system: string, path: string, data: Uint8Array) {
    const answer = await json<{
      transferJob: { jobId: string | number };
      transferDirectives: { partsUploadUrls: string[]; completeUploadUrl: string; maxPartSize: number };
    }>(`/filesystem/${system}/transfer/upload`, {
      ...post({ path, transferDirectives: { transferMethod: 's3', fileSize: data.length } }),
      headers: { ...auth(token).headers, 'content-type': 'application/json' },
    });
    const { partsUploadUrls, completeUploadUrl, maxPartSize } = answer.transferDirectives;
    const etags: string[] = [];
    for (const [i, url] of partsUploadUrls.entries()) {
      const part = data.subarray(i * maxPartSize, Math.min(data.length, (i + 1) * maxPartSize));
      const put = await ok(await fetch(url, { method: 'PUT', body: part }), `PUT part ${i + 1}`);
      etags.push(put.headers.get('etag') ?? '');
    }
    const parts = etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`);
    const xml = `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`;
    await ok(await fetch(completeUploadUrl, { method: 'POST', body: xml }), 'POST complete upload');
    return { transferJobId: String(answer.transferJob.jobId) };
  }
}

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

interface V1Task {
  task: { status: string; data: unknown };
}

function createV1(call: Call): FirecrestApi {
  /** v1 answers most calls with a task; the portal polls it (briefly: these tasks are quick). */
  const task = async (token: string, system: string, path: string, init: RequestInit = {}) => {
    const created = await ok(await call(path, { ...init, ...auth(token), system }), path);
    const { task_id: id } = (await created.json()) as { task_id: string };
    for (let i = 0; i < 50; i++) {
      const polled = (await (await ok(await call(`/tasks/${id}`, auth(token)), `GET /tasks/${id}`)).json()) as V1Task;
      if (polled.task.status === '200') return polled.task.data;
      if (polled.task.status === '400') throw new Error(`[${path}] task ${id}: ${JSON.stringify(polled.task.data)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`[${path}] task ${id} did not finish`);
  };
  const form = (fields: Record<string, string | Blob>, name?: string) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v === 'string') body.append(k, v);
      else body.append(k, v, name);
    }
    return { method: 'POST', body };
  };
  type Record1 = Record<string, string>;
  return {
    version: 'v1',
    async systems(token) {
      const body = (await (await ok(await call('/status/systems', auth(token)), 'GET /status/systems')).json()) as {
        out: { system: string }[];
      };
      return body.out.map((s) => s.system);
    },
    async accounts(token, system) {
      const target = '/utilities/whoami?groups=true';
      const answer = await ok(await call(target, { ...auth(token), system }), `GET ${target}`);
      const { output } = (await answer.json()) as { output: { user: { name: string }; groups: { name: string }[] } };
      return output.groups.map((g) => g.name).filter((g) => g !== output.user.name);
    },
    async jobs(token, system) {
      // sacct, not squeue: finished jobs stay in the table, as they do with v2.
      const data = (await task(token, system, '/compute/acct')) as Record1[];
      return data
        .map((r) => ({
          jobId: r.jobid ?? '',
          name: r.name ?? '',
          nodeList: r.nodelist ?? '',
          nodes: r.nodes ?? '',
          partition: r.partition ?? '',
          startTime: r.start_time ?? '',
          state: r.state ?? '',
          time: r.time ?? '',
        }))
        .sort((a, b) => Number(b.jobId) - Number(a.jobId));
    },
    async submit(token, system, job) {
      // v1 runs a script from where it stores it: the job's name and directory go in #SBATCH lines.
      const directives = `#SBATCH --job-name=${job.name}\n#SBATCH --chdir=${job.workingDirectory}\n`;
      const script = job.script.replace(/^(#!.*\n)?/, (shebang) => `${shebang}${directives}`);
      const fields: Record<string, string | Blob> = { file: new Blob([script]) };
      if (job.account) fields.account = job.account;
      const data = (await task(token, system, '/compute/jobs/upload', form(fields, 'job.sh'))) as { jobid: number };
      return String(data.jobid);
    },
    async jobState(token, system, jobId) {
      const data = (await task(token, system, `/compute/acct?jobs=${jobId}`)) as Record1[];
      return data[0]?.state;
    },
    async mkdir(token, system, path) {
      const body = new URLSearchParams({ targetPath: path, p: 'true' });
      await ok(await call('/utilities/mkdir', { ...auth(token), method: 'POST', body, system }), 'POST mkdir');
    },
    async upload(token, system, path, data) {
      const slash = path.lastIndexOf('/');
      const init = form({ targetPath: path.slice(0, slash), file: new Blob([data]) }, path.slice(slash + 1));
      await ok(await call('/utilities/upload', { ...init, ...auth(token), system }), 'POST /utilities/upload');
      return undefined;
    },
    async download(token, system, path) {
      const target = `/utilities/download?${new URLSearchParams({ sourcePath: path }).toString()}`;
      const response = await ok(await call(target, { ...auth(token), system }), `GET ${target}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

export function createFirecrest(options: FirecrestOptions): FirecrestApi {
  const base = options.url.replace(/\/+$/, '');
  const call: Call = (path, init = {}) => {
    const { system, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (system) headers.set('X-Machine-Name', system);
    return fetch(`${base}${path}`, { ...rest, headers });
  };
  return options.version === 'v1' ? createV1(call) : createV2(call, options);
}
