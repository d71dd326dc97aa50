import { expectResponse, expectThat, formOf, useHarness, type CheckContext, type Client } from '../harness/index.ts';

const { check } = useHarness({ generation: 'v1' });

interface TaskCreated {
  task_id: string;
}

async function submit(t: CheckContext, client: Client, script: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([script]), 'f7t-job.sh');
  const answer = await client.post<TaskCreated>('/compute/jobs/upload', { form });
  expectResponse(answer, 201);
  const task = await t.waitForTask(client, answer.body.task_id);
  if (task.status !== '200') throw new Error(`the submit task ended ${task.status}: ${JSON.stringify(task.data)}`);
  const data = task.data as { jobid: unknown; job_file?: string };
  // v1 keeps the uploaded script in <home>/firecrest/<task id>/: the run's to remove
  if (data.job_file) t.removeLater(data.job_file.replace(/\/[^/]*$/, ''), client === t.api ? 'primary' : 'second');
  return String(data.jobid);
}

async function taskData<T>(
  t: CheckContext,
  client: Client,
  path: string,
  query?: Record<string, string>,
): Promise<{ status: string; data: T }> {
  const answer = await client.get<TaskCreated>(path, query ? { query } : {});
  expectResponse(answer, 200);
  const task = await t.waitForTask(client, answer.body.task_id);
  return { status: task.status, data: task.data as T };
}

const acct = (t: CheckContext, client: Client, id: string) =>
  taskData<{ jobid: string; state: string }[]>(t, client, '/compute/acct', { jobs: id });

const sleeper = '#!/bin/bash\n#SBATCH --job-name=f7t-v1-sleep\n#SBATCH --time=00:10:00\nsleep 600\n';

check('V1-COMPUTE-SUBMIT-001', 'submits a batch file through a task', async (t) => {
  const id = await submit(t, t.api, '#!/bin/bash\necho v1\n');
  if (!/^\d+$/.test(id)) throw new Error(`the task gave job id ${id}, not a number`);
});

check('V1-COMPUTE-SUBMIT-002', 'refuses a script path that does not exist', async (t) => {
  const answer = await t.api.post('/compute/jobs/path', {
    form: formOf({ targetPath: `${t.workdir}/f7t-no-such-script.sh` }),
  });
  expectResponse(answer, 400);
  expectThat(answer, answer.headers.has('x-invalid-path'), 'no X-Invalid-Path header');
});

check('V1-COMPUTE-ACCT-001', 'accounts for a finished job', async (t) => {
  const id = await submit(t, t.api, '#!/bin/bash\necho done\nsleep 1\n');
  let state = '';
  for (let i = 0; i < 60 && state !== 'COMPLETED'; i++) {
    const { data } = await acct(t, t.api, id);
    state = data.find((j) => j.jobid === id)?.state ?? '';
    if (state !== 'COMPLETED')
      await (t.target.control ? t.target.control.advance(5) : new Promise((r) => setTimeout(r, 2000)));
  }
  if (state !== 'COMPLETED') throw new Error(`job ${id} is ${state || 'not in accounting'}, expected COMPLETED`);
});

check('V1-COMPUTE-JOBS-001', "lists the caller's running job with the portal's columns", async (t) => {
  const id = await submit(t, t.api, sleeper);
  try {
    const { data } = await taskData<Record<string, Record<string, unknown>>>(t, t.api, '/compute/jobs', { jobs: id });
    const job = Object.values(data).find((j) => j.jobid === id);
    if (!job) throw new Error(`job ${id} is not among the active jobs`);
    // The web portal shows job id, name, node list, nodes, partition, start time, state and time.
    const missing = ['jobid', 'name', 'nodelist', 'nodes', 'partition', 'start_time', 'state', 'time'].filter(
      (k) => typeof job[k] !== 'string',
    );
    if (missing.length > 0) throw new Error(`the job record lacks ${missing.join(', ')}`);
  } finally {
    await t.api.delete(`/compute/jobs/${id}`);
  }
});

check('V1-COMPUTE-JOBS-002', "finishes the task for one job's information", async (t) => {
  const id = await submit(t, t.api, sleeper);
  const answer = await t.api.get<TaskCreated>(`/compute/jobs/${id}`);
  expectResponse(answer, 200);
  try {
    const task = await t.waitForTask(t.api, answer.body.task_id);
    if (task.status !== '200') throw new Error(`the task ended ${task.status}`);
  } finally {
    await t.api.delete(`/compute/jobs/${id}`);
  }
});

check('V1-COMPUTE-JOBS-003', 'refuses a non-numeric job id', async (t) => {
  expectResponse(await t.api.get('/compute/jobs/notanumber'), 400);
});

check('V1-COMPUTE-CANCEL-001', 'cancels a running job', async (t) => {
  const id = await submit(t, t.api, sleeper);
  const answer = await t.api.delete<TaskCreated>(`/compute/jobs/${id}`);
  expectResponse(answer, 200);
  const task = await t.waitForTask(t.api, answer.body.task_id);
  if (task.status !== '200') throw new Error(`the cancel task ended ${task.status}: ${JSON.stringify(task.data)}`);
  let state = '';
  for (let i = 0; i < 30 && !state.startsWith('CANCELLED'); i++) {
    state = (await acct(t, t.api, id)).data.find((j) => j.jobid === id)?.state ?? '';
    if (!state.startsWith('CANCELLED') && !t.target.control) await new Promise((r) => setTimeout(r, 2000));
  }
  if (!state.startsWith('CANCELLED')) throw new Error(`job ${id} is ${state}, expected CANCELLED`);
});

check('V1-COMPUTE-CANCEL-002', "another user's cancel fails and the job goes on", async (t) => {
  const other = t.second();
  const id = await submit(t, t.api, sleeper);
  try {
    const answer = await other.delete<TaskCreated>(`/compute/jobs/${id}`);
    expectResponse(answer, 200);
    const task = await t.waitForTask(other, answer.body.task_id);
    if (task.status !== '400') throw new Error(`the other user's cancel task ended ${task.status}`);
    const state = (await acct(t, t.api, id)).data.find((j) => j.jobid === id)?.state ?? '';
    if (state.startsWith('CANCELLED')) throw new Error(`job ${id} was cancelled by another user`);
  } finally {
    await t.api.delete(`/compute/jobs/${id}`);
  }
});

check('V1-COMPUTE-PARTITIONS-001', 'lists the partitions through a task', async (t) => {
  const { status, data } = await taskData<{ PartitionName: string; State: string }[]>(t, t.api, '/compute/partitions');
  if (status !== '200' || !Array.isArray(data) || data.length === 0)
    throw new Error(`the partitions task ended ${status} with ${JSON.stringify(data)}`);
  if (!data.every((p) => typeof p.PartitionName === 'string' && typeof p.State === 'string'))
    throw new Error('a partition has no name or state');
});

interface NodeRecord {
  NodeName: string;
  State: string[];
  Partitions: string[];
}

check('V1-COMPUTE-NODES-001', 'lists the nodes through a task', async (t) => {
  const { status, data } = await taskData<NodeRecord[]>(t, t.api, '/compute/nodes');
  if (status !== '200' || !Array.isArray(data) || data.length === 0)
    throw new Error(`the nodes task ended ${status} with ${JSON.stringify(data).slice(0, 200)}`);
  const unnamed = data.filter((n) => typeof n.NodeName !== 'string' || !Array.isArray(n.State));
  if (unnamed.length > 0) throw new Error(`a node has no name or state: ${JSON.stringify(unnamed[0])}`);
});

check('V1-COMPUTE-NODES-002', 'gives one node through a task', async (t) => {
  const all = await taskData<NodeRecord[]>(t, t.api, '/compute/nodes');
  const name = Array.isArray(all.data) ? all.data[all.data.length - 1]?.NodeName : undefined;
  if (!name) throw new Error(`the nodes task ended ${all.status} without a node to ask for`);
  const { status, data } = await taskData<NodeRecord[]>(t, t.api, `/compute/nodes/${encodeURIComponent(name)}`);
  if (status !== '200') throw new Error(`the task for node ${name} ended ${status}: ${JSON.stringify(data)}`);
  const names = Array.isArray(data) ? data.map((n) => n.NodeName) : [];
  if (names.length !== 1 || names[0] !== name)
    throw new Error(`the task for node ${name} gave ${JSON.stringify(names)}, not that node alone`);
});

check('V1-COMPUTE-RESERVATIONS-001', "lists the scheduler's reservations through a task", async (t) => {
  const { status, data } = await taskData<{ ReservationName?: unknown }[]>(t, t.api, '/compute/reservations');
  if (status !== '200' || !Array.isArray(data))
    throw new Error(`the reservations task ended ${status} with ${JSON.stringify(data).slice(0, 200)}`);
  const unnamed = data.filter((r) => typeof r.ReservationName !== 'string');
  if (unnamed.length > 0) throw new Error(`a reservation has no name: ${JSON.stringify(unnamed[0])}`);
});

check('V1-COMPUTE-SUBMIT-003', 'submits a batch file that is on the system, by its path', async (t) => {
  const dir = await t.scratch('by-path');
  const form = new FormData();
  form.append('targetPath', dir);
  form.append('file', new Blob(['#!/bin/bash\necho by path\n']), 'f7t-path.sh');
  expectResponse(await t.api.post('/utilities/upload', { form }), 201);
  const answer = await t.api.post<TaskCreated>('/compute/jobs/path', {
    form: formOf({ targetPath: `${dir}/f7t-path.sh` }),
  });
  expectResponse(answer, 201);
  const task = await t.waitForTask(t.api, answer.body.task_id);
  const data = task.data as { jobid?: unknown; job_file?: unknown };
  if (task.status !== '200' || !/^\d+$/.test(String(data.jobid)))
    throw new Error(`the submit task ended ${task.status} with ${JSON.stringify(task.data)}`);
  if (data.job_file !== `${dir}/f7t-path.sh`)
    throw new Error(`the task names ${String(data.job_file)} as the batch file, not the one given`);
});
