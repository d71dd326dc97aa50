import { expectResponse, expectThat, useHarness } from '../harness/index.ts';

const { check } = useHarness({ generation: 'v1' });

check('V1-TASKS-001', 'shows a task with a string status, its owner and service', async (t) => {
  const created = await t.api.get<{ task_id: string }>('/compute/partitions');
  expectResponse(created, 200);
  const task = await t.waitForTask(t.api, created.body.task_id);
  if (typeof task.status !== 'string' || !/^\d{3}$/.test(task.status))
    throw new Error(`status is ${JSON.stringify(task.status)}`);
  if (task.user !== t.username) throw new Error(`the task belongs to ${task.user}`);
  if (task.service !== 'compute') throw new Error(`the task's service is ${task.service}`);
});

check('V1-TASKS-002', "lists the caller's tasks only", async (t) => {
  const other = t.second();
  const mine = await t.api.get<{ task_id: string }>('/compute/partitions');
  const theirs = await other.get<{ task_id: string }>('/compute/partitions');
  expectResponse(mine, 200);
  expectResponse(theirs, 200);
  const list = await t.api.get<{ tasks: Record<string, { user: string }> }>('/tasks/');
  expectResponse(list, 200);
  expectThat(list, mine.body.task_id in list.body.tasks, 'my task is not listed');
  expectThat(list, !(theirs.body.task_id in list.body.tasks), "another user's task is listed");
  expectThat(
    list,
    Object.values(list.body.tasks).every((task) => task.user === t.username),
    'tasks of other users are listed',
  );
});

check('V1-TASKS-003', "answers 403 for another user's task and 404 for an unknown one", async (t) => {
  const theirs = await t.second().get<{ task_id: string }>('/compute/partitions');
  expectResponse(theirs, 200);
  expectResponse(await t.api.get(`/tasks/${theirs.body.task_id}`), 403);
  expectResponse(await t.api.get('/tasks/00000000000000000000000000000000'), 404);
});
