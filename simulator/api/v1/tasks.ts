import { Hono, type Context } from 'hono';
import type { Task } from '../../engines/tasks/index.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import { caller, v1Time } from './request.ts';

export function taskModel(task: Task, withUrl = true) {
  return {
    created_at: v1Time(task.createdAt),
    data: task.data,
    description: task.description,
    hash_id: task.id,
    last_modify: v1Time(task.updatedAt),
    service: task.service,
    status: task.status,
    system: task.system,
    task_id: task.id,
    ...(withUrl ? { task_url: `/tasks/${task.id}` } : {}),
    updated_at: v1Time(task.updatedAt),
    user: task.user,
  };
}

export function taskCreated(task: Task) {
  return { success: 'Task created', task_id: task.id, task_url: `/tasks/${task.id}` };
}

/** GET /tasks/ (the gateway routes the trailing slash too). */
export function listTasks(sim: SimulatorContext) {
  return (c: Context<AppEnv>) => {
    const { user } = caller(c);
    const ids = c.req
      .query('tasks')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const tasks = sim.state.tasks.list(user.name, ids);
    return c.json({ tasks: Object.fromEntries(tasks.map((t) => [t.id, taskModel(t, false)])) });
  };
}

export function createTaskRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  const list = listTasks(sim);
  app.get('/', list);
  app.get('/:id', (c) => {
    const { user } = caller(c);
    // An unknown task or another user's is a TaskError, which v1's errors module answers.
    return c.json({ task: taskModel(sim.state.tasks.get(user.name, c.req.param('id'))) });
  });
  return app;
}
