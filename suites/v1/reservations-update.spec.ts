import { expectResponse, expectThat, formOf, useHarness } from '../harness/index.ts';

const { check } = useHarness({ generation: 'v1' });

interface Listed {
  success: { rsvname: string; starttime?: string; endtime?: string }[];
}

check('V1-RESERVATIONS-002', "changes a reservation's time window", async (t) => {
  // A site without the reservation tool fails this SHOULD, as V1-RESERVATIONS-001 does.
  expectResponse(await t.api.get('/reservations'), 200);
  const nodes = await t.api.get<{ task_id: string }>('/compute/nodes');
  expectResponse(nodes, 200);
  const task = await t.waitForTask(t.api, nodes.body.task_id);
  const feature = (task.data as { ActiveFeatures?: string[] }[])[0]?.ActiveFeatures?.[0] ?? 'mc';
  const name = `f7t-${Date.now().toString(36)}`;
  const at = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString().slice(0, 19);
  const window = (from: number, to: number) => ({
    numberOfNodes: '1',
    nodeType: feature,
    starttime: at(from),
    endtime: at(to),
  });
  const made = await t.api.post('/reservations', {
    form: formOf({ reservation: name, account: t.username, ...window(24, 25) }),
  });
  expectResponse(made, 201);
  try {
    const endOf = async () => {
      const listed = await t.api.get<Listed>('/reservations');
      expectResponse(listed, 200);
      const entry = listed.body.success.find((r) => r.rsvname === name);
      expectThat(listed, entry !== undefined, `${name} is not listed`);
      return { listed, end: entry?.endtime };
    };
    const before = await endOf();
    const changed = await t.api.put(`/reservations/${name}`, { form: formOf(window(24, 26)) });
    expectResponse(changed, 200);
    // The site renders times in its own zone: compare its own renderings, before and after.
    const after = await endOf();
    expectThat(
      after.listed,
      after.end !== undefined && after.end !== before.end,
      `${name} still ends ${String(after.end)} after moving its end an hour later`,
    );
  } finally {
    await t.api.delete(`/reservations/${name}`);
  }
});
