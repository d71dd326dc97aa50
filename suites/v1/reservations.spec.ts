import { expectResponse, expectThat, formOf, useHarness } from '../harness/index.ts';

const { check } = useHarness({ generation: 'v1' });

check('V1-RESERVATIONS-001', 'makes, lists and removes a reservation', async (t) => {
  const listed = await t.api.get('/reservations');
  // A site without the reservation tool fails this SHOULD; one that never offers it declares so
  // in its site profile (skip: [{id: V1-RESERVATIONS-001, reason: ...}]) and the check is skipped.
  expectResponse(listed, 200);
  const nodes = await t.api.get<{ task_id: string }>('/compute/nodes');
  const task = await t.waitForTask(t.api, nodes.body.task_id);
  const feature = (task.data as { ActiveFeatures?: string[] }[])[0]?.ActiveFeatures?.[0] ?? 'mc';
  const name = `f7t-${Date.now().toString(36)}`;
  const at = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString().slice(0, 19);
  const made = await t.api.post('/reservations', {
    form: formOf({
      reservation: name,
      account: t.username,
      numberOfNodes: '1',
      nodeType: feature,
      starttime: at(24),
      endtime: at(25),
    }),
  });
  expectResponse(made, 201);
  const after = await t.api.get<{ success: { rsvname: string }[] }>('/reservations');
  expectThat(
    after,
    after.body.success.some((r) => r.rsvname === name),
    `${name} is not listed`,
  );
  expectResponse(await t.api.delete(`/reservations/${name}`), 204);
});
