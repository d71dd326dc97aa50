import { createHash, randomBytes } from 'node:crypto';
import { expectResponse, expectThat, formOf, useHarness, type CheckContext, type Client } from '../harness/index.ts';

const { check } = useHarness({ generation: 'v1' });

interface Entry {
  name: string;
  type: string;
  user: string;
  permissions: string;
  size: string;
}

async function upload(client: Client, dir: string, name: string, content: Uint8Array | string) {
  const form = new FormData();
  form.append('targetPath', dir);
  form.append('file', new Blob([typeof content === 'string' ? new TextEncoder().encode(content) : content]), name);
  return client.post('/utilities/upload', { form });
}

async function put(t: CheckContext, dir: string, name: string, content: Uint8Array | string) {
  expectResponse(await upload(t.api, dir, name, content), 201);
  return `${dir}/${name}`;
}

const ls = (client: Client, path: string) =>
  client.get<{ output: Entry[] }>('/utilities/ls', { query: { targetPath: path } });

check('V1-UTIL-WHOAMI-001', "gives the caller's user name", async (t) => {
  const answer = await t.api.get<{ output: string }>('/utilities/whoami');
  expectResponse(answer, 200);
  expectThat(answer, answer.body.output === t.username, `whoami says ${answer.body.output}`);
});

check('V1-UTIL-MKDIR-001', 'makes a directory with its parents', async (t) => {
  const dir = await t.scratch('mkdir');
  expectResponse(await t.api.post('/utilities/mkdir', { form: formOf({ targetPath: `${dir}/a/b`, p: 'true' }) }), 201);
  expectResponse(await ls(t.api, `${dir}/a/b`), 200);
});

check('V1-UTIL-UPLOAD-001', 'uploads and downloads byte for byte', async (t) => {
  const bytes = new Uint8Array([...Array.from({ length: 256 }, (_, i) => i), ...randomBytes(1000)]);
  const path = await put(t, await t.scratch('upload'), 'blob.bin', bytes);
  const answer = await t.api.get('/utilities/download', { query: { sourcePath: path } });
  expectResponse(answer, 200);
  expectThat(answer, Buffer.from(answer.bytes).equals(Buffer.from(bytes)), 'the downloaded bytes differ');
});

check('V1-UTIL-LS-001', 'lists a directory', async (t) => {
  const dir = await t.scratch('ls');
  await put(t, dir, 'a.txt', 'alpha\n');
  const answer = await ls(t.api, dir);
  expectResponse(answer, 200);
  const entry = answer.body.output.find((e) => e.name === 'a.txt');
  expectThat(
    answer,
    entry?.type === '-' && entry.size === '6' && entry.permissions === 'rw-r--r--',
    'a.txt is not a 6-byte rw-r--r-- file',
  );
});

check('V1-UTIL-LS-002', 'answers 400 with X-Invalid-Path for a missing path', async (t) => {
  const answer = await ls(t.api, `${t.workdir}/f7t-no-such-entry`);
  expectResponse(answer, 400);
  expectThat(answer, answer.headers.has('x-invalid-path'), 'no X-Invalid-Path header');
});

check('V1-UTIL-VIEW-001', "gives a small file's content", async (t) => {
  const path = await put(t, await t.scratch('view'), 'v.txt', 'to be viewed\n');
  const answer = await t.api.get<{ output: string }>('/utilities/view', { query: { targetPath: path } });
  expectResponse(answer, 200);
  expectThat(answer, answer.body.output === 'to be viewed\n', 'the content differs');
});

check('V1-UTIL-CHECKSUM-001', 'gives the SHA-256 of the bytes', async (t) => {
  const bytes = randomBytes(5000);
  const path = await put(t, await t.scratch('checksum'), 'c.bin', bytes);
  const answer = await t.api.get<{ output: string }>('/utilities/checksum', { query: { targetPath: path } });
  expectResponse(answer, 200);
  expectThat(
    answer,
    answer.body.output === createHash('sha256').update(bytes).digest('hex'),
    'not the SHA-256 of the bytes',
  );
});

check('V1-UTIL-STAT-001', 'gives size and mode', async (t) => {
  const path = await put(t, await t.scratch('stat'), 's.txt', '12345');
  const answer = await t.api.get<{ output: { size: number; mode: number } }>('/utilities/stat', {
    query: { targetPath: path },
  });
  expectResponse(answer, 200);
  expectThat(
    answer,
    answer.body.output.size === 5 && (answer.body.output.mode & 0o170000) === 0o100000,
    'not a 5-byte regular file',
  );
});

check('V1-UTIL-RENAME-001', 'moves a file', async (t) => {
  const dir = await t.scratch('rename');
  const path = await put(t, dir, 'old.txt', 'moved\n');
  expectResponse(
    await t.api.put('/utilities/rename', { form: formOf({ sourcePath: path, targetPath: `${dir}/new.txt` }) }),
    200,
  );
  const listing = await ls(t.api, dir);
  expectResponse(listing, 200);
  const names = listing.body.output.map((e) => e.name);
  const answer = await t.api.get<{ output: string }>('/utilities/view', { query: { targetPath: `${dir}/new.txt` } });
  expectResponse(answer, 200);
  expectThat(
    answer,
    !names.includes('old.txt') && answer.body.output === 'moved\n',
    `after rename: ${names.join(', ')}`,
  );
});

check('V1-UTIL-COPY-001', 'copies a file', async (t) => {
  const dir = await t.scratch('copy');
  const path = await put(t, dir, 'orig.txt', 'copied\n');
  expectResponse(
    await t.api.post('/utilities/copy', { form: formOf({ sourcePath: path, targetPath: `${dir}/dup.txt` }) }),
    201,
  );
  const answer = await t.api.get<{ output: string }>('/utilities/view', { query: { targetPath: `${dir}/dup.txt` } });
  expectResponse(answer, 200);
  expectThat(answer, answer.body.output === 'copied\n', 'the copy differs');
});

check('V1-UTIL-CHMOD-001', 'changes the mode', async (t) => {
  const dir = await t.scratch('chmod');
  const path = await put(t, dir, 'm.txt', 'x');
  expectResponse(await t.api.put('/utilities/chmod', { form: formOf({ targetPath: path, mode: '700' }) }), 200);
  const answer = await ls(t.api, dir);
  expectResponse(answer, 200);
  expectThat(
    answer,
    answer.body.output.find((e) => e.name === 'm.txt')?.permissions === 'rwx------',
    'the mode did not change',
  );
});

check('V1-UTIL-SYMLINK-001', 'makes a symbolic link', async (t) => {
  const dir = await t.scratch('symlink');
  const path = await put(t, dir, 'target.txt', 'x');
  expectResponse(
    await t.api.post('/utilities/symlink', { form: formOf({ targetPath: path, linkPath: `${dir}/link` }) }),
    201,
  );
  const answer = await ls(t.api, dir);
  expectResponse(answer, 200);
  expectThat(
    answer,
    answer.body.output.find((e) => e.name === 'link')?.type === 'l',
    'the link is not listed as type l',
  );
});

check('V1-UTIL-RM-001', 'removes a path', async (t) => {
  const dir = await t.scratch('rm');
  const path = await put(t, dir, 'gone.txt', 'x');
  expectResponse(await t.api.delete('/utilities/rm', { form: formOf({ targetPath: path }) }), 204);
  const answer = await ls(t.api, dir);
  expectResponse(answer, 200);
  expectThat(answer, !answer.body.output.some((e) => e.name === 'gone.txt'), 'the file is still listed');
});

check('V1-UTIL-PERM-001', "refuses another user's 0600 file with X-Permission-Denied", async (t) => {
  const { client: other } = await t.secondUser();
  const dir = await t.scratch('perm');
  const path = await put(t, dir, 'secret.txt', 'mine only\n');
  expectResponse(await t.api.put('/utilities/chmod', { form: formOf({ targetPath: path, mode: '600' }) }), 200);
  const answer = await other.get('/utilities/view', { query: { targetPath: path } });
  expectResponse(answer, 400);
  expectThat(answer, answer.headers.has('x-permission-denied'), 'no X-Permission-Denied header');
  expectThat(answer, !answer.text.includes('mine only'), 'the content leaked');
});

check('V1-UTIL-INPUT-001', 'refuses a missing targetPath, naming it', async (t) => {
  const answer = await t.api.get<{ error?: string }>('/utilities/ls');
  expectResponse(answer, 400);
  expectThat(answer, (answer.body.error ?? '').includes('targetPath'), 'the error does not name targetPath');
});

const twelveLines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}\n`).join('');

check('V1-UTIL-HEAD-001', 'head gives the first lines asked for', async (t) => {
  const path = await put(t, await t.scratch('head'), 'h.txt', twelveLines);
  const answer = await t.api.get<{ output: string }>('/utilities/head', { query: { targetPath: path, lines: '2' } });
  expectResponse(answer, 200);
  expectThat(answer, answer.body.output === 'line 1\nline 2\n', 'not the first two lines');
});

check('V1-UTIL-TAIL-001', 'tail gives the last lines asked for', async (t) => {
  const path = await put(t, await t.scratch('tail'), 't.txt', twelveLines);
  const answer = await t.api.get<{ output: string }>('/utilities/tail', { query: { targetPath: path, lines: '2' } });
  expectResponse(answer, 200);
  expectThat(answer, answer.body.output === 'line 11\nline 12\n', 'not the last two lines');
});

check('V1-UTIL-FILE-001', 'file tells a directory', async (t) => {
  const dir = await t.scratch('file');
  const answer = await t.api.get<{ output: string }>('/utilities/file', { query: { targetPath: dir } });
  expectResponse(answer, 200);
  expectThat(answer, answer.body.output.includes('directory'), 'the output does not say directory');
});

check('V1-UTIL-CHOWN-001', 'chown to the owner itself succeeds', async (t) => {
  const dir = await t.scratch('chown');
  const path = await put(t, dir, 'own.txt', 'x');
  expectResponse(await t.api.put('/utilities/chown', { form: formOf({ targetPath: path, owner: t.username }) }), 200);
  const answer = await ls(t.api, dir);
  expectResponse(answer, 200);
  const entry = answer.body.output.find((e) => e.name === 'own.txt');
  expectThat(answer, entry?.user === t.username, `own.txt belongs to ${entry?.user ?? 'nobody'}`);
});

check('V1-UTIL-CHOWN-002', 'chown of a file to root is refused with X-Permission-Denied', async (t) => {
  const path = await put(t, await t.scratch('chown-root'), 'mine.txt', 'x');
  const answer = await t.api.put('/utilities/chown', { form: formOf({ targetPath: path, owner: 'root' }) });
  expectResponse(answer, 400);
  expectThat(answer, answer.headers.has('x-permission-denied'), 'no X-Permission-Denied header');
});

/** Makes `<dir>/data/a.txt` and archives `<dir>/data` as `<dir>/data.tar.gz` with utilities/compress. */
async function archive(t: CheckContext, name: string) {
  const dir = await t.scratch(name);
  expectResponse(await t.api.post('/utilities/mkdir', { form: formOf({ targetPath: `${dir}/data`, p: 'true' }) }), 201);
  await put(t, `${dir}/data`, 'a.txt', 'archived\n');
  const made = await t.api.post('/utilities/compress', {
    form: formOf({ sourcePath: `${dir}/data`, targetPath: `${dir}/data.tar.gz` }),
  });
  return { dir, made };
}

check('V1-UTIL-COMPRESS-001', 'compress makes an archive beside its untouched source', async (t) => {
  const { dir, made } = await archive(t, 'compress');
  expectResponse(made, 201);
  const listing = await ls(t.api, dir);
  expectResponse(listing, 200);
  const entry = listing.body.output.find((e) => e.name === 'data.tar.gz');
  expectThat(listing, entry?.type === '-' && Number(entry.size) > 0, 'no non-empty data.tar.gz is listed');
  expectThat(
    listing,
    listing.body.output.some((e) => e.name === 'data' && e.type === 'd'),
    'the source directory is gone',
  );
});

check('V1-UTIL-EXTRACT-001', 'extract unpacks an archive into the target directory', async (t) => {
  const { dir, made } = await archive(t, 'extract');
  expectResponse(made, 201);
  expectResponse(await t.api.post('/utilities/mkdir', { form: formOf({ targetPath: `${dir}/out` }) }), 201);
  const unpacked = await t.api.post('/utilities/extract', {
    form: formOf({ sourcePath: `${dir}/data.tar.gz`, targetPath: `${dir}/out` }),
  });
  expectResponse(unpacked, 201);
  const view = await t.api.get<{ output: string }>('/utilities/view', {
    query: { targetPath: `${dir}/out/data/a.txt` },
  });
  expectResponse(view, 200);
  expectThat(view, view.body.output === 'archived\n', 'the extracted file differs');
});
