import { createHash, randomBytes } from 'node:crypto';
import { isTerminalState } from '../../spec/types.ts';
import { expectResponse, expectThat, formOf, useHarness, type CheckContext } from '../harness/index.ts';

const { check } = useHarness({ generation: 'v1' });

async function put(t: CheckContext, dir: string, name: string, content: string) {
  const form = new FormData();
  form.append('targetPath', dir);
  form.append('file', new Blob([content]), name);
  expectResponse(await t.api.post('/utilities/upload', { form }), 201);
  return `${dir}/${name}`;
}

/** Runs an internal transfer and waits until its job has ended (judged through accounting). */
async function transfer(t: CheckContext, op: string, fields: Record<string, string>) {
  const answer = await t.api.post<{ task_id: string }>(`/storage/xfer-internal/${op}`, { form: formOf(fields) });
  expectResponse(answer, 201);
  const task = await t.waitForTask(t.api, answer.body.task_id);
  if (task.status !== '200') throw new Error(`the ${op} task ended ${task.status}: ${JSON.stringify(task.data)}`);
  const data = task.data as { jobid: unknown; job_file?: string };
  if (data.job_file) t.removeLater(data.job_file.replace(/\/[^/]*$/, ''));
  const jobId = String(data.jobid);
  for (let i = 0; i < 90; i++) {
    const acct = await t.api.get<{ task_id: string }>('/compute/acct', { query: { jobs: jobId } });
    expectResponse(acct, 200);
    const done = await t.waitForTask(t.api, acct.body.task_id);
    const state = (done.data as { jobid: string; state: string }[]).find((j) => j.jobid === jobId)?.state ?? '';
    if (isTerminalState(state)) return state;
    await (t.target.control ? t.target.control.advance(5) : new Promise((r) => setTimeout(r, 2000)));
  }
  throw new Error(`the ${op} job ${jobId} did not end`);
}

check('V1-STORAGE-CP-001', 'copies a file in a transfer job', async (t) => {
  const dir = await t.scratch('xfer-cp');
  const source = await put(t, dir, 'orig.txt', 'copied by storage\n');
  await transfer(t, 'cp', { sourcePath: source, targetPath: `${dir}/copy.txt` });
  const view = await t.api.get<{ output: string }>('/utilities/view', { query: { targetPath: `${dir}/copy.txt` } });
  expectResponse(view, 200);
  expectThat(view, view.body.output === 'copied by storage\n', 'the copy differs');
});

check('V1-STORAGE-RM-001', 'removes a path in a transfer job', async (t) => {
  const dir = await t.scratch('xfer-rm');
  await put(t, dir, 'gone.txt', 'x');
  await transfer(t, 'rm', { targetPath: `${dir}/gone.txt` });
  const listing = await t.api.get<{ output: { name: string }[] }>('/utilities/ls', { query: { targetPath: dir } });
  expectResponse(listing, 200);
  expectThat(listing, !listing.body.output.some((e) => e.name === 'gone.txt'), 'the file is still there');
});

check('V1-STORAGE-EXT-001', 'stages a file for external download', async (t) => {
  const dir = await t.scratch('ext-down');
  const data = new Uint8Array(randomBytes(200_000));
  const form = new FormData();
  form.append('targetPath', dir);
  form.append('file', new Blob([data]), 'ext.bin');
  expectResponse(await t.api.post('/utilities/upload', { form }), 201);
  const answer = await t.api.post<{ task_id: string }>('/storage/xfer-external/download', {
    form: formOf({ sourcePath: `${dir}/ext.bin` }),
  });
  expectResponse(answer, 201);
  const task = await t.waitForTask(t.api, answer.body.task_id, (task) => ['117', '118'].includes(task.status));
  if (task.status !== '117') throw new Error(`the download task ended ${task.status}: ${JSON.stringify(task.data)}`);
  const fetched = await t.target.fetch((task.data as { url: string }).url);
  const bytes = new Uint8Array(await fetched.arrayBuffer());
  if (fetched.status !== 200 || !Buffer.from(bytes).equals(Buffer.from(data)))
    throw new Error(`[GET] staged URL -> ${fetched.status}, ${bytes.length} bytes that differ`);
});

check('V1-STORAGE-EXT-002', 'takes an external upload through the form it gives', async (t) => {
  const dir = await t.scratch('ext-up');
  const data = new Uint8Array(randomBytes(150_000));
  const answer = await t.api.post<{ task_id: string }>('/storage/xfer-external/upload', {
    form: formOf({ sourcePath: 'ext-up.bin', targetPath: dir }),
  });
  expectResponse(answer, 201);
  const ready = await t.waitForTask(t.api, answer.body.task_id, (task) => !['100', '101', '110'].includes(task.status));
  if (ready.status !== '111') throw new Error(`the upload task reads ${ready.status}, expected 111`);
  const { url, data: fields } = (ready.data as { msg: { parameters: { url: string; data: Record<string, string> } } })
    .msg.parameters;
  const post = new FormData();
  for (const [k, v] of Object.entries(fields)) post.append(k, v);
  post.append('file', new Blob([data]), 'ext-up.bin');
  const sent = await t.target.fetch(url, { method: 'POST', body: post });
  if (sent.status < 200 || sent.status > 299)
    throw new Error(`[POST] form upload -> ${sent.status}: ${(await sent.text()).slice(0, 200)}`);
  // v1 moves uploaded objects with a poller (every 60 s upstream): wait as long as for a job
  const done = await t.waitForTask(
    t.api,
    answer.body.task_id,
    (task) => ['114', '115'].includes(task.status),
    t.target.jobBudgetS,
  );
  if (done.status !== '114') throw new Error(`the upload task ended ${done.status}: ${JSON.stringify(done.data)}`);
  const checksum = await t.api.get<{ output: string }>('/utilities/checksum', {
    query: { targetPath: `${dir}/ext-up.bin` },
  });
  expectResponse(checksum, 200);
  if (checksum.body.output !== createHash('sha256').update(data).digest('hex'))
    throw new Error('the uploaded file differs');
});

check('V1-STORAGE-INVALIDATE-001', 'invalidating a staged download removes its object', async (t) => {
  const dir = await t.scratch('ext-inval');
  const form = new FormData();
  form.append('targetPath', dir);
  form.append('file', new Blob(['staged, then invalidated\n']), 'inval.txt');
  expectResponse(await t.api.post('/utilities/upload', { form }), 201);
  const answer = await t.api.post<{ task_id: string }>('/storage/xfer-external/download', {
    form: formOf({ sourcePath: `${dir}/inval.txt` }),
  });
  expectResponse(answer, 201);
  const task = await t.waitForTask(t.api, answer.body.task_id, (task) => ['117', '118'].includes(task.status));
  if (task.status !== '117') throw new Error(`the download task ended ${task.status}: ${JSON.stringify(task.data)}`);
  const url = (task.data as { url: string }).url;
  const before = await t.target.fetch(url);
  if (before.status !== 200) throw new Error(`[GET] staged URL before invalidating -> ${before.status}`);
  const invalidated = await t.api.post('/storage/xfer-external/invalidate', {
    headers: { 'X-Task-Id': answer.body.task_id },
  });
  expectResponse(invalidated, 201);
  const after = await t.target.fetch(url);
  if (after.status === 200) throw new Error('[GET] staged URL after invalidating -> 200: the object is still there');
});

const view = (t: CheckContext, path: string) =>
  t.api.get<{ output: string }>('/utilities/view', { query: { targetPath: path } });

check('V1-STORAGE-MV-001', 'moves a file in a transfer job', async (t) => {
  const dir = await t.scratch('xfer-mv');
  const source = await put(t, dir, 'before.txt', 'moved by storage\n');
  await transfer(t, 'mv', { sourcePath: source, targetPath: `${dir}/after.txt` });
  const moved = await view(t, `${dir}/after.txt`);
  expectResponse(moved, 200);
  expectThat(moved, moved.body.output === 'moved by storage\n', 'the moved file differs');
  const listing = await t.api.get<{ output: { name: string }[] }>('/utilities/ls', { query: { targetPath: dir } });
  expectResponse(listing, 200);
  expectThat(listing, !listing.body.output.some((e) => e.name === 'before.txt'), 'the source is still there');
});

check('V1-STORAGE-RSYNC-001', 'copies a file with rsync in a transfer job', async (t) => {
  const dir = await t.scratch('xfer-rsync');
  const source = await put(t, dir, 'orig.txt', 'synced by storage\n');
  await transfer(t, 'rsync', { sourcePath: source, targetPath: `${dir}/synced.txt` });
  const copy = await view(t, `${dir}/synced.txt`);
  expectResponse(copy, 200);
  expectThat(copy, copy.body.output === 'synced by storage\n', 'the copy differs');
});

/** A directory `<dir>/data` holding `a.txt`. */
async function dataDir(t: CheckContext, name: string) {
  const dir = await t.scratch(name);
  expectResponse(await t.api.post('/utilities/mkdir', { form: formOf({ targetPath: `${dir}/data`, p: 'true' }) }), 201);
  await put(t, `${dir}/data`, 'a.txt', 'archived by storage\n');
  expectResponse(await t.api.post('/utilities/mkdir', { form: formOf({ targetPath: `${dir}/out` }) }), 201);
  return dir;
}

check('V1-STORAGE-COMPRESS-001', 'compresses a directory in a transfer job', async (t) => {
  const dir = await dataDir(t, 'xfer-compress');
  await transfer(t, 'compress', { sourcePath: `${dir}/data`, targetPath: `${dir}/data.tar.gz` });
  const unpacked = await t.api.post('/utilities/extract', {
    form: formOf({ sourcePath: `${dir}/data.tar.gz`, targetPath: `${dir}/out` }),
  });
  expectResponse(unpacked, 201);
  const file = await view(t, `${dir}/out/data/a.txt`);
  expectResponse(file, 200);
  expectThat(file, file.body.output === 'archived by storage\n', 'the archived file differs');
});

check('V1-STORAGE-EXTRACT-001', 'extracts an archive in a transfer job', async (t) => {
  const dir = await dataDir(t, 'xfer-extract');
  const made = await t.api.post('/utilities/compress', {
    form: formOf({ sourcePath: `${dir}/data`, targetPath: `${dir}/data.tar.gz` }),
  });
  expectResponse(made, 201);
  await transfer(t, 'extract', { sourcePath: `${dir}/data.tar.gz`, targetPath: `${dir}/out` });
  const file = await view(t, `${dir}/out/data/a.txt`);
  expectResponse(file, 200);
  expectThat(file, file.body.output === 'archived by storage\n', 'the extracted file differs');
});
