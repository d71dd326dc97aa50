import type { ErrorBody, Node, Partition, Reservation, System, UserInfo } from '../../spec/types.ts';
import { expectEnvelope, expectResponse, expectThat, useHarness } from '../harness/index.ts';

const { check } = useHarness();

check('V2-STATUS-SYSTEMS-001', 'lists the systems of the site', async (t) => {
  const answer = await t.api.get<{ systems: System[] }>('/status/systems');
  expectResponse(answer, 200);
  expectThat(answer, answer.body.systems.length > 0, 'the site lists no system');
  expectThat(
    answer,
    answer.body.systems.some((s) => s.name === t.system),
    `system ${t.system} is not listed`,
  );
});

check('V2-STATUS-SYSTEMS-002', 'answers with an F7T-AppVersion header', async (t) => {
  const answer = await t.api.get('/status/systems');
  expectResponse(answer, 200);
  const version = answer.headers.get('f7t-appversion') ?? '';
  expectThat(answer, /^\d+\.(\d+|x)\.(\d+|x)/.test(version), `F7T-AppVersion is '${version}', not a version`);
});

check('V2-STATUS-SYSTEMS-003', 'names one default working directory per system', async (t) => {
  const answer = await t.api.get<{ systems: System[] }>('/status/systems');
  expectResponse(answer, 200);
  for (const system of answer.body.systems) {
    const defaults = (system.fileSystems ?? []).filter((f) => f.defaultWorkDir);
    expectThat(answer, defaults.length === 1, `${system.name} has ${defaults.length} default working directories`);
  }
});

check('V2-STATUS-NODES-001', 'lists the nodes of a system', async (t) => {
  const answer = await t.api.get<{ nodes: Node[] }>(`/status/${t.system}/nodes`);
  expectResponse(answer, 200);
  expectThat(answer, answer.body.nodes.length > 0, 'no nodes listed');
  expectThat(
    answer,
    answer.body.nodes.every((n) => n.cpus > 0 && n.state.length > 0),
    'a node has no CPUs or no state',
  );
});

check('V2-STATUS-PARTITIONS-001', 'lists the partitions of a system', async (t) => {
  const answer = await t.api.get<{ partitions: Partition[] }>(`/status/${t.system}/partitions`);
  expectResponse(answer, 200);
  expectThat(answer, answer.body.partitions.length > 0, 'no partitions listed');
  const names = answer.body.partitions.map((p) => p.name);
  expectThat(answer, new Set(names).size === names.length, `partition names repeat: ${names.join(', ')}`);
  // The site profile names the partitions users are told about: each must be listed.
  const missing = (t.target.run.partitions ?? []).filter((p) => !names.includes(p));
  expectThat(answer, missing.length === 0, `partitions of the site profile not listed: ${missing.join(', ')}`);
  // Every partition a node is in is listed (hidden ones when asked for them).
  const nodes = await t.api.get<{ nodes: Node[] }>(`/status/${t.system}/nodes`);
  expectResponse(nodes, 200);
  const all = await t.api.get<{ partitions: Partition[] }>(`/status/${t.system}/partitions`, {
    query: { show_hidden: 'true' },
  });
  expectResponse(all, 200);
  const listed = new Set(all.body.partitions.map((p) => p.name));
  const unlisted = [...new Set(nodes.body.nodes.flatMap((n) => n.partitions ?? []))].filter((p) => !listed.has(p));
  expectThat(all, unlisted.length === 0, `partitions of the nodes not listed: ${unlisted.join(', ')}`);
});

check('V2-STATUS-RESERVATIONS-001', 'lists the reservations of a system', async (t) => {
  const answer = await t.api.get<{ reservations: Reservation[] }>(`/status/${t.system}/reservations`);
  expectResponse(answer, 200);
  for (const r of answer.body.reservations) {
    expectThat(answer, r.endTime >= r.startTime, `reservation ${r.name} ends before it starts`);
  }
});

check('V2-STATUS-USERINFO-001', "answers with the caller's own identity", async (t) => {
  const answer = await t.api.get<UserInfo>(`/status/${t.system}/userinfo`);
  expectResponse(answer, 200);
  expectThat(
    answer,
    answer.body.user.name === t.username,
    `user is ${answer.body.user.name}, the token says ${t.username}`,
  );
  expectThat(
    answer,
    answer.body.groups.some((g) => g.id === answer.body.group.id),
    'the primary group is not among the groups',
  );
});

check('V2-STATUS-LIVENESS-001', 'answers liveness without a token', async (t) => {
  const answer = await t.api.get<{ healthcheckRuns?: Record<string, string> }>('/status/liveness/', { auth: 'none' });
  expectResponse(answer, 200);
});

check('V2-STATUS-UNKNOWN-SYSTEM-001', 'answers 404 for an unknown system', async (t) => {
  const answer = await t.api.get<ErrorBody>('/status/no-such-system-f7t/nodes');
  expectResponse(answer, 404);
  expectEnvelope(answer);
});

check('V2-ERRORS-001', 'answers errors in the FirecREST envelope', async (t) => {
  const answers = [
    await t.api.get('/status/no-such-system-f7t/partitions'),
    await t.api.get(`/compute/${t.system}/jobs/999999999`),
    await t.api.get('/status/systems', { auth: 'none' }),
    await t.api.post(`/compute/${t.system}/jobs`, { body: '{"job": ' }),
  ];
  for (const answer of answers) {
    expectThat(answer, answer.status >= 400, 'expected an error status');
    expectEnvelope(answer);
  }
});

check('V2-ERRORS-002', 'answers 404 in the envelope for an unknown route', async (t) => {
  const answer = await t.api.get('/no-such-route-f7t');
  expectThat(answer, answer.status === 404, 'expected 404');
  expectEnvelope(answer);
});
