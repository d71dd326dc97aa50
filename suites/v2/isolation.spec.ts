import type { FileEntry } from '../../spec/types.ts';
import { expectResponse, expectThat, useHarness, type CheckContext } from '../harness/index.ts';

// The primary user sets files up with explicit modes; the second user tries to get at them.
const { check } = useHarness();

const ops = (t: CheckContext, op: string) => `/filesystem/${t.system}/ops/${op}`;

async function setUp(t: CheckContext, name: string) {
  const dir = await t.scratch(name);
  const form = new FormData();
  form.append('file', new Blob(['only for the owner\n']), 'secret.txt');
  expectResponse(await t.api.post(ops(t, 'upload'), { query: { path: dir }, form }), 204);
  const secret = `${dir}/secret.txt`;
  expectResponse(await t.api.put(ops(t, 'chmod'), { json: { path: secret, mode: '600' } }), 200);
  expectResponse(await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/private` } }), 201);
  expectResponse(await t.api.put(ops(t, 'chmod'), { json: { path: `${dir}/private`, mode: '700' } }), 200);
  expectResponse(await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/open` } }), 201);
  expectResponse(await t.api.put(ops(t, 'chmod'), { json: { path: `${dir}/open`, mode: '755' } }), 200);
  return { dir, secret };
}

check('V2-FS-ISOLATION-001', 'another user cannot list a 0700 directory', async (t) => {
  const { client: bob } = await t.secondUser();
  const { dir } = await setUp(t, 'iso-list');
  expectResponse(await bob.get(ops(t, 'ls'), { query: { path: `${dir}/private` } }), 403);
  expectResponse(await t.api.get(ops(t, 'ls'), { query: { path: `${dir}/private` } }), 200);
});

check('V2-FS-ISOLATION-002', 'another user cannot read a 0600 file', async (t) => {
  const { client: bob } = await t.secondUser();
  const { secret } = await setUp(t, 'iso-read');
  for (const op of ['view', 'head', 'tail', 'checksum', 'download']) {
    const answer = await bob.get(ops(t, op), { query: { path: secret } });
    expectResponse(answer, 403);
    expectThat(answer, !answer.text.includes('only for the owner'), `${op} leaked the content`);
  }
  const own = await t.api.get<{ output: string }>(ops(t, 'view'), { query: { path: secret } });
  expectResponse(own, 200);
  expectThat(own, own.body.output === 'only for the owner\n', 'the owner cannot read the file any more');
});

check('V2-FS-ISOLATION-003', "another user cannot write into a user's directory", async (t) => {
  const { client: bob } = await t.secondUser();
  const { dir } = await setUp(t, 'iso-write');
  const form = new FormData();
  form.append('file', new Blob(['intruder']), 'planted.txt');
  expectResponse(await bob.post(ops(t, 'upload'), { query: { path: `${dir}/open` }, form }), 403);
  expectResponse(await bob.post(ops(t, 'mkdir'), { json: { path: `${dir}/open/planted-dir` } }), 403);
  expectResponse(
    await bob.post(ops(t, 'symlink'), { json: { path: '/tmp', linkPath: `${dir}/open/planted-link` } }),
    [400, 403],
  );
  const listing = await t.api.get<{ output: FileEntry[] }>(ops(t, 'ls'), {
    query: { path: `${dir}/open`, showHidden: true },
  });
  expectResponse(listing, 200);
  expectThat(
    listing,
    listing.body.output.length === 0,
    `entries appeared: ${listing.body.output.map((f) => f.name).join(', ')}`,
  );
});

check('V2-FS-ISOLATION-004', "another user cannot chmod or remove a user's files", async (t) => {
  const { client: bob } = await t.secondUser();
  const { dir, secret } = await setUp(t, 'iso-change');
  expectResponse(await bob.put(ops(t, 'chmod'), { json: { path: secret, mode: '666' } }), 403);
  expectResponse(await bob.delete(ops(t, 'rm'), { query: { path: secret } }), 403);
  expectResponse(await bob.delete(ops(t, 'rm'), { query: { path: `${dir}/open` } }), 403);
  const stat = await t.api.get<{ output: { mode: number } }>(ops(t, 'stat'), { query: { path: secret } });
  expectResponse(stat, 200);
  expectThat(
    stat,
    (stat.body.output.mode & 0o777) === 0o600,
    `the mode became ${(stat.body.output.mode & 0o777).toString(8)}`,
  );
});

check('V2-FS-ISOLATION-005', 'neither .. nor a symbolic link gets around a permission', async (t) => {
  const bob = await t.secondUser();
  const { secret } = await setUp(t, 'iso-indirect');
  const viaDots = `${bob.workdir}/..${secret.slice(secret.indexOf('/', 1))}`;
  expectResponse(await bob.client.get(ops(t, 'view'), { query: { path: viaDots } }), 403);
  const bobDir = await t.scratch('iso-indirect-link', 'second');
  const link = `${bobDir}/to-secret`;
  expectResponse(await bob.client.post(ops(t, 'symlink'), { json: { path: secret, linkPath: link } }), 201);
  const answer = await bob.client.get(ops(t, 'view'), { query: { path: link } });
  expectResponse(answer, 403);
  expectThat(answer, !answer.text.includes('only for the owner'), 'the link leaked the content');
});
