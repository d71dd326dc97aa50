import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { FileEntry } from '../../spec/types.ts';
import {
  expectErrorClass,
  expectResponse,
  expectThat,
  useHarness,
  type CheckContext,
  type Client,
} from '../harness/index.ts';

const { check } = useHarness();

const ops = (t: CheckContext, op: string) => `/filesystem/${t.system}/ops/${op}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function upload(t: CheckContext, client: Client, dir: string, name: string, content: Uint8Array | string) {
  const form = new FormData();
  form.append('file', new Blob([typeof content === 'string' ? new TextEncoder().encode(content) : content]), name);
  return client.post(ops(t, 'upload'), { query: { path: dir }, form });
}

async function put(t: CheckContext, dir: string, name: string, content: Uint8Array | string) {
  const answer = await upload(t, t.api, dir, name, content);
  expectResponse(answer, 204);
  return `${dir}/${name}`;
}

const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`).join('');

check('V2-FS-LS-001', 'lists a directory with string fields', async (t) => {
  const dir = await t.scratch('ls');
  await put(t, dir, 'a.txt', 'alpha\n');
  await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/sub` } });
  const answer = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), { query: { path: dir } });
  expectResponse(answer, 200);
  const byName = new Map(answer.body.output.map((f) => [f.name, f]));
  expectThat(
    answer,
    byName.get('a.txt')?.type === '-' && byName.get('a.txt')?.size === '6',
    'a.txt is not a 6-byte regular file',
  );
  expectThat(answer, byName.get('sub')?.type === 'd', 'sub is not listed as a directory');
  expectThat(answer, byName.get('a.txt')?.user === t.username, `a.txt belongs to ${byName.get('a.txt')?.user ?? '?'}`);
});

check('V2-FS-LS-002', 'answers 404 for a missing path', async (t) => {
  const answer = await t.api.get(ops(t, 'ls'), { query: { path: `${t.workdir}/f7t-no-such-entry` } });
  expectResponse(answer, 404);
});

check('V2-FS-LS-003', 'hides dot files unless showHidden', async (t) => {
  const dir = await t.scratch('hidden');
  await put(t, dir, '.secret', 'x');
  const plain = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), { query: { path: dir } });
  expectResponse(plain, 200);
  expectThat(plain, !plain.body.output.some((f) => f.name === '.secret'), '.secret is listed without showHidden');
  const all = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), { query: { path: dir, showHidden: true } });
  expectResponse(all, 200);
  expectThat(
    all,
    all.body.output.some((f) => f.name === '.secret'),
    '.secret is not listed with showHidden',
  );
});

check('V2-FS-LS-004', 'names entries of a recursive listing relative to the directory', async (t) => {
  const dir = await t.scratch('recursive');
  await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/x/y`, parent: true } });
  await put(t, `${dir}/x/y`, 'deep.txt', 'deep');
  const answer = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), { query: { path: dir, recursive: true } });
  expectResponse(answer, 200);
  const names = answer.body.output.map((f) => f.name);
  expectThat(answer, names.includes('x/y/deep.txt'), `no x/y/deep.txt among ${names.join(', ')}`);
});

check('V2-FS-LS-005', 'lists a directory of 10,000 entries completely', async (t) => {
  const dir = await t.scratch('big');
  const pack = tar.pack();
  for (let i = 0; i < 10_000; i++) pack.entry({ name: `many/f${String(i).padStart(5, '0')}` }, '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  await put(t, dir, 'many.tar.gz', gzipSync(Buffer.concat(chunks)));
  const extracted = await t.api.post(ops(t, 'extract'), {
    json: { path: `${dir}/many.tar.gz`, targetPath: dir, compression: 'gzip' },
  });
  expectResponse(extracted, 204);
  const answer = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), { query: { path: `${dir}/many` } });
  expectResponse(answer, 200);
  expectThat(answer, answer.body.output.length === 10_000, `${answer.body.output.length} entries listed, not 10000`);
});

check('V2-FS-MKDIR-001', 'makes a directory with its parents', async (t) => {
  const dir = await t.scratch('mkdir');
  const answer = await t.api.post<{ output: FileEntry }>(ops(t, 'mkdir'), {
    json: { path: `${dir}/p/q/r`, parent: true },
  });
  expectResponse(answer, 201);
  expectThat(answer, answer.body.output.type === 'd', `the answer's entry has type ${answer.body.output.type}`);
  expectResponse(await t.api.get(ops(t, 'ls'), { query: { path: `${dir}/p/q/r` } }), 200);
});

check('V2-FS-MKDIR-002', 'refuses to make a directory that exists', async (t) => {
  const dir = await t.scratch('mkdir-twice');
  expectResponse(await t.api.post(ops(t, 'mkdir'), { json: { path: dir } }), 400);
});

check('V2-FS-UPLOAD-001', 'uploads and downloads binary content byte for byte', async (t) => {
  const dir = await t.scratch('upload');
  const bytes = new Uint8Array([...Array.from({ length: 256 }, (_, i) => i), ...randomBytes(4096)]);
  const path = await put(t, dir, 'blob.bin', bytes);
  const answer = await t.api.get(ops(t, 'download'), { query: { path } });
  expectResponse(answer, 200);
  expectThat(
    answer,
    sha256(answer.bytes) === sha256(bytes),
    `downloaded ${answer.bytes.length} bytes that differ from the ${bytes.length} uploaded`,
  );
});

check('V2-FS-UPLOAD-002', 'refuses a direct upload above the size limit with 413', async (t) => {
  const systems = await t.api.get<{ systems: { name: string; dataOperation?: { max_ops_file_size?: number } }[] }>(
    '/status/systems',
  );
  const limit =
    systems.body.systems.find((s) => s.name === t.system)?.dataOperation?.max_ops_file_size ?? 5 * 1024 * 1024;
  const dir = await t.scratch('too-big');
  const answer = await upload(t, t.api, dir, 'big.bin', new Uint8Array(limit + 1));
  expectResponse(answer, 413);
  const listing = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), { query: { path: dir } });
  expectThat(listing, !listing.body.output.some((f) => f.name === 'big.bin'), 'the refused file was stored');
});

check('V2-FS-NAMES-001', 'handles names with spaces and non-ASCII letters', async (t) => {
  const dir = await t.scratch('names');
  const sub = `${dir}/dir with space`;
  expectResponse(await t.api.post(ops(t, 'mkdir'), { json: { path: sub } }), 201);
  const path = await put(t, sub, 'ünïcødé façade.txt', 'grüezi\n');
  const listing = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), { query: { path: sub } });
  expectResponse(listing, 200);
  expectThat(
    listing,
    listing.body.output.some((f) => f.name === 'ünïcødé façade.txt'),
    'the name does not come back as written',
  );
  const download = await t.api.get(ops(t, 'download'), { query: { path } });
  expectResponse(download, 200);
  expectThat(download, download.text === 'grüezi\n', 'the content differs');
});

check('V2-FS-HEAD-001', 'gives the first lines or bytes', async (t) => {
  const path = await put(t, await t.scratch('head'), 'lines.txt', lines);
  const byLines = await t.api.get<{ output: { content: string } }>(ops(t, 'head'), { query: { path, lines: 3 } });
  expectResponse(byLines, 200);
  expectThat(byLines, byLines.body.output.content === 'line 1\nline 2\nline 3\n', 'not the first three lines');
  const byBytes = await t.api.get<{ output: { content: string } }>(ops(t, 'head'), { query: { path, bytes: 4 } });
  expectResponse(byBytes, 200);
  expectThat(byBytes, byBytes.body.output.content === 'line', 'not the first four bytes');
});

check('V2-FS-HEAD-002', 'refuses bytes and lines together', async (t) => {
  const path = await put(t, await t.scratch('head-both'), 'lines.txt', lines);
  expectResponse(await t.api.get(ops(t, 'head'), { query: { path, lines: 1, bytes: 1 } }), 400);
});

check('V2-FS-TAIL-001', 'gives the last lines or bytes', async (t) => {
  const path = await put(t, await t.scratch('tail'), 'lines.txt', lines);
  const byLines = await t.api.get<{ output: { content: string } }>(ops(t, 'tail'), { query: { path, lines: 2 } });
  expectResponse(byLines, 200);
  expectThat(byLines, byLines.body.output.content === 'line 19\nline 20\n', 'not the last two lines');
  const byBytes = await t.api.get<{ output: { content: string } }>(ops(t, 'tail'), { query: { path, bytes: 3 } });
  expectResponse(byBytes, 200);
  expectThat(byBytes, byBytes.body.output.content === '20\n', 'not the last three bytes');
});

check('V2-FS-VIEW-001', 'gives the content, or a window of it', async (t) => {
  const path = await put(t, await t.scratch('view'), 'lines.txt', lines);
  const whole = await t.api.get<{ output: string }>(ops(t, 'view'), { query: { path } });
  expectResponse(whole, 200);
  expectThat(whole, whole.body.output === lines, 'the content differs');
  const window = await t.api.get<{ output: string }>(ops(t, 'view'), { query: { path, offset: 7, size: 6 } });
  expectResponse(window, 200);
  expectThat(window, window.body.output === 'line 2', `the window is '${window.body.output}'`);
});

check('V2-FS-VIEW-002', 'answers 404 for viewing a missing file', async (t) => {
  expectResponse(await t.api.get(ops(t, 'view'), { query: { path: `${t.workdir}/f7t-no-such-file` } }), 404);
});

check('V2-FS-CHECKSUM-001', 'gives the SHA-256 of the bytes', async (t) => {
  const bytes = randomBytes(10_000);
  const path = await put(t, await t.scratch('checksum'), 'data.bin', bytes);
  const answer = await t.api.get<{ output: { checksum: string } }>(ops(t, 'checksum'), { query: { path } });
  expectResponse(answer, 200);
  expectThat(answer, answer.body.output.checksum === sha256(bytes), 'the checksum is not the SHA-256 of the bytes');
});

check('V2-FS-FILE-001', 'describes a directory and a text file', async (t) => {
  const dir = await t.scratch('file');
  const path = await put(t, dir, 'plain.txt', 'just text\n');
  const ofDir = await t.api.get<{ output: string }>(ops(t, 'file'), { query: { path: dir } });
  expectResponse(ofDir, 200);
  expectThat(ofDir, ofDir.body.output === 'directory', `a directory is '${ofDir.body.output}'`);
  const ofText = await t.api.get<{ output: string }>(ops(t, 'file'), { query: { path } });
  expectResponse(ofText, 200);
  expectThat(ofText, /text/i.test(ofText.body.output), `a text file is '${ofText.body.output}'`);
});

check('V2-FS-STAT-001', 'gives size, mode and owner', async (t) => {
  const path = await put(t, await t.scratch('stat'), 'seven.txt', '7 bytes');
  await t.api.put(ops(t, 'chmod'), { json: { path, mode: '640' } });
  const answer = await t.api.get<{ output: { size: number; mode: number; uid: number } }>(ops(t, 'stat'), {
    query: { path },
  });
  expectResponse(answer, 200);
  const { size, mode } = answer.body.output;
  expectThat(answer, size === 7, `size is ${size}`);
  expectThat(answer, (mode & 0o170000) === 0o100000, `mode ${mode.toString(8)} is not a regular file`);
  expectThat(answer, (mode & 0o777) === 0o640, `permission bits are ${(mode & 0o777).toString(8)}, not 640`);
  const info = await t.api.get<{ user: { id: string } }>(`/status/${t.system}/userinfo`);
  expectThat(answer, String(answer.body.output.uid) === info.body.user.id, "uid is not the owner's");
});

check('V2-FS-STAT-002', 'answers 404 for stat of a missing path', async (t) => {
  expectResponse(await t.api.get(ops(t, 'stat'), { query: { path: `${t.workdir}/f7t-no-such-file` } }), 404);
});

check('V2-FS-CHMOD-001', 'changes the mode', async (t) => {
  const path = await put(t, await t.scratch('chmod'), 'f.txt', 'x');
  const answer = await t.api.put<{ output: FileEntry }>(ops(t, 'chmod'), { json: { path, mode: '700' } });
  expectResponse(answer, 200);
  expectThat(
    answer,
    answer.body.output.permissions === 'rwx------',
    `permissions are ${answer.body.output.permissions}`,
  );
});

check('V2-FS-CHOWN-001', 'refuses to give a file to another user', async (t) => {
  const { username: other } = await t.secondUser();
  const path = await put(t, await t.scratch('chown'), 'mine.txt', 'x');
  const answer = await t.api.put(ops(t, 'chown'), { json: { path, owner: other } });
  expectResponse(answer, 403);
  const listing = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), { query: { path } });
  expectThat(listing, listing.body.output[0]?.user === t.username, 'the owner changed');
});

check('V2-FS-SYMLINK-001', 'makes a symbolic link that reads through', async (t) => {
  const dir = await t.scratch('symlink');
  const path = await put(t, dir, 'target.txt', 'through the link\n');
  const answer = await t.api.post<{ output: FileEntry }>(ops(t, 'symlink'), {
    json: { path, linkPath: `${dir}/link` },
  });
  expectResponse(answer, 201);
  expectThat(
    answer,
    answer.body.output.type === 'l' && answer.body.output.linkTarget === path,
    'the entry is not a link to the target',
  );
  const view = await t.api.get<{ output: string }>(ops(t, 'view'), { query: { path: `${dir}/link` } });
  expectResponse(view, 200);
  expectThat(view, view.body.output === 'through the link\n', 'reading the link does not give the target');
});

check('V2-FS-RM-001', 'removes a directory tree', async (t) => {
  const dir = await t.scratch('rm');
  await put(t, dir, 'f.txt', 'x');
  expectResponse(await t.api.delete(ops(t, 'rm'), { query: { path: dir } }), 204);
  expectResponse(await t.api.get(ops(t, 'ls'), { query: { path: dir } }), 404);
});

check('V2-FS-RM-002', 'answers 404 for removing a missing path', async (t) => {
  expectResponse(await t.api.delete(ops(t, 'rm'), { query: { path: `${t.workdir}/f7t-no-such-file` } }), 404);
});

check('V2-FS-ARCHIVE-001', 'compresses and extracts a tree', async (t) => {
  const dir = await t.scratch('archive');
  await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/tree/inner`, parent: true } });
  await put(t, `${dir}/tree/inner`, 'leaf.txt', 'leaf\n');
  expectResponse(
    await t.api.post(ops(t, 'compress'), { json: { path: `${dir}/tree`, targetPath: `${dir}/tree.tar.gz` } }),
    204,
  );
  await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/out` } });
  expectResponse(
    await t.api.post(ops(t, 'extract'), { json: { path: `${dir}/tree.tar.gz`, targetPath: `${dir}/out` } }),
    204,
  );
  const view = await t.api.get<{ output: string }>(ops(t, 'view'), {
    query: { path: `${dir}/out/tree/inner/leaf.txt` },
  });
  expectResponse(view, 200);
  expectThat(view, view.body.output === 'leaf\n', 'the extracted file differs');
});

check('V2-FS-PATH-001', 'refuses a relative path', async (t) => {
  expectResponse(await t.api.get(ops(t, 'ls'), { query: { path: 'relative/path' } }), 400);
});

check('V2-FS-PATH-002', "refuses a path outside the system's file systems", async (t) => {
  expectResponse(await t.api.get(ops(t, 'ls'), { query: { path: '/etc' } }), 400);
  expectResponse(await t.api.get(ops(t, 'ls'), { query: { path: `${t.workdir}/../../etc` } }), 400);
});

check('V2-FS-PATH-003', 'answers malformed paths with 4xx', async (t) => {
  for (const path of [`${t.workdir}/a\u0000b`, `${t.workdir}/${'x'.repeat(10_000)}`, '']) {
    expectErrorClass(await t.api.get(ops(t, 'stat'), { query: { path } }), 4);
  }
});
