import { expiredToken } from '../harness/expired-token.ts';
import { expectResponse, expectThat, useHarness, type Exchange } from '../harness/index.ts';

const { check } = useHarness({ generation: 'v1' });

const expect401 = (answer: Exchange) => expectResponse(answer, 401);

check('V1-STATUS-SYSTEMS-001', 'lists the systems', async (t) => {
  const answer = await t.api.get<{ out: { system: string; status: string }[] }>('/status/systems');
  expectResponse(answer, 200);
  expectThat(
    answer,
    answer.body.out.some((s) => s.system === t.system),
    `${t.system} is not listed`,
  );
});

check('V1-STATUS-SYSTEMS-002', 'answers 404 for an unknown system', async (t) => {
  expectResponse(await t.api.get('/status/systems/no-such-system-f7t'), 404);
});

check('V1-STATUS-SERVICES-001', 'lists the microservices', async (t) => {
  const answer = await t.api.get<{ out: { service: string; status: string }[] }>('/status/services');
  expectResponse(answer, 200);
  const names = answer.body.out.map((s) => s.service);
  for (const name of ['compute', 'utilities', 'storage', 'tasks'])
    expectThat(answer, names.includes(name), `${name} is not listed`);
  const silent = answer.body.out.filter((s) => typeof s.status !== 'string').map((s) => s.service);
  expectThat(answer, silent.length === 0, `services without a status: ${silent.join(', ')}`);
});

check('V1-STATUS-PARAMETERS-001', 'gives the utilities and storage parameters', async (t) => {
  const answer = await t.api.get<{ out: Record<string, { name: string }[]> }>('/status/parameters');
  expectResponse(answer, 200);
  const names = (section: string) => (answer.body.out[section] ?? []).map((p) => p.name);
  expectThat(answer, names('utilities').includes('UTILITIES_MAX_FILE_SIZE'), 'no UTILITIES_MAX_FILE_SIZE');
  expectThat(answer, names('storage').includes('FILESYSTEMS'), 'no FILESYSTEMS');
});

check('V1-AUTH-001', 'answers 401 without a token', async (t) => {
  expect401(await t.api.get('/utilities/whoami', { auth: 'none' }));
});

check('V1-AUTH-002', 'answers 401 for a bearer value that is not a JWT', async (t) => {
  expect401(await t.api.get('/utilities/whoami', { auth: { bearer: 'not-a-jwt' } }));
});

check('V1-AUTH-003', 'answers 401 for an expired token', async (t) => {
  expect401(await t.api.get('/utilities/whoami', { auth: { bearer: await expiredToken(t) } }));
});

check('V1-MACHINE-001', 'answers 400 without X-Machine-Name', async (t) => {
  const answer = await t.api.get<{ description?: string }>('/utilities/ls', {
    query: { targetPath: t.workdir },
    omitHeaders: ['X-Machine-Name'],
  });
  expectResponse(answer, 400);
  expectThat(
    answer,
    /no machine name/i.test(answer.body.description ?? ''),
    'the error does not say no machine name was given',
  );
});

check('V1-MACHINE-002', 'answers 400 with a header for an unknown machine', async (t) => {
  const answer = await t.api.get('/utilities/ls', {
    query: { targetPath: t.workdir },
    headers: { 'X-Machine-Name': 'no-such-system-f7t' },
  });
  expectResponse(answer, 400);
  const header = answer.headers.get('x-machine-does-not-exist') ?? answer.headers.get('x-machine-does-not-exists');
  expectThat(answer, header !== null, 'no X-Machine-Does-Not-Exist header');
});

check('V1-STATUS-SERVICES-002', 'gives one service by its name', async (t) => {
  const answer = await t.api.get<{ service: string; status: string }>('/status/services/compute');
  expectResponse(answer, 200);
  expectThat(answer, answer.body.service === 'compute', `the answer is about ${answer.body.service}, not compute`);
});

interface Mount {
  name: string;
  path: string;
  status: string;
}

check('V1-STATUS-FILESYSTEMS-001', "lists every system's file systems, the tested one among them", async (t) => {
  const answer = await t.api.get<{ out: Record<string, Mount[]> }>('/status/filesystems');
  expectResponse(answer, 200);
  const mounts = answer.body.out[t.system];
  expectThat(answer, Array.isArray(mounts) && mounts.length > 0, `${t.system} has no file systems listed`);
  const home = t.workdir.replace(/\/[^/]+$/, '');
  expectThat(
    answer,
    (mounts ?? []).some((m) => m.path.replace(/\/+$/, '') === home),
    `the users' file system ${home} is not among ${t.system}'s mounts`,
  );
});

check(
  'V1-STATUS-FILESYSTEMS-002',
  "gives one system's file systems as a list, as the full listing has them",
  async (t) => {
    const one = await t.api.get<{ out: Mount[] }>(`/status/filesystems/${t.system}`);
    expectResponse(one, 200);
    const all = await t.api.get<{ out: Record<string, Mount[]> }>('/status/filesystems');
    expectResponse(all, 200);
    const paths = (mounts: Mount[] | undefined) => (mounts ?? []).map((m) => m.path).sort();
    expectThat(
      one,
      JSON.stringify(paths(one.body.out)) === JSON.stringify(paths(all.body.out[t.system])),
      `the mounts differ from /status/filesystems' ${JSON.stringify(paths(all.body.out[t.system]))}`,
    );
  },
);
