import { createHash } from 'node:crypto';

/** FirecREST v1 task codes (strings on the wire) and their descriptions. */
export const taskCodes = {
  '100': 'Queued',
  '101': 'In progress',
  '110': 'Waiting for Form URL from Object Storage to be retrieved',
  '111': 'Form URL from Object Storage received',
  '112': 'Object Storage confirms that upload to Object Storage has finished',
  '113': 'Download from Object Storage to server has started',
  '114': 'Download from Object Storage to server has finished',
  '115': 'Download from Object Storage error',
  '116': 'Started upload from filesystem to Object Storage',
  '117': 'Upload from filesystem to Object Storage has finished succesfully',
  '118': 'Upload from filesystem to Object Storage has finished with errors',
  '200': 'Finished successfully',
  '300': 'Deleted on request',
  '400': 'Finished with errors',
} as const;
export type TaskCode = keyof typeof taskCodes;

export interface TaskOutcome {
  readonly status: TaskCode;
  readonly data: unknown;
  /** Defaults to the code's description. */
  readonly description?: string;
}

export interface Task {
  readonly id: string;
  readonly user: string;
  readonly service: string;
  readonly system: string;
  readonly createdAt: number;
  status: TaskCode;
  description: string;
  data: unknown;
  updatedAt: number;
}

export interface TaskStore {
  /**
   * A task that reads "100 Queued" until `delayMs` of site time passed, then shows `outcome`: the
   * work is done at once, its result revealed as a background worker would report it.
   */
  create(user: string, service: string, system: string, outcome: TaskOutcome): Task;
  /**
   * Replaces what a task will show: at once, or (`delayed`) when its creation delay has passed,
   * for work that completes within the request that created the task.
   */
  update(id: string, outcome: TaskOutcome, options?: { delayed?: boolean }): void;
  get(user: string, id: string): Task;
  list(user: string, ids?: readonly string[]): Task[];
}

export interface TaskStoreOptions {
  readonly now: () => number;
  readonly delayMs?: number;
}

/** Why a task cannot be read: no such task, or it is another user's. v1 words the answer. */
export class TaskError extends Error {
  readonly code: 'task-not-found' | 'not-task-owner';
  readonly taskId: string;

  constructor(code: TaskError['code'], taskId: string) {
    super(code === 'task-not-found' ? `task ${taskId} does not exist` : `task ${taskId} belongs to another user`);
    this.name = 'TaskError';
    this.code = code;
    this.taskId = taskId;
  }
}

export const taskErrors = {
  notFound: (id: string) => new TaskError('task-not-found', id),
  notOwner: (id: string) => new TaskError('not-task-owner', id),
};

export function createTaskStore(options: TaskStoreOptions): TaskStore {
  const delay = options.delayMs ?? 1000;
  const tasks = new Map<string, Task & { pending: TaskOutcome | undefined; readyAt: number }>();
  let counter = 0;

  const settle = (task: Task & { pending: TaskOutcome | undefined; readyAt: number }) => {
    if (task.pending && options.now() >= task.readyAt) {
      task.status = task.pending.status;
      task.description = task.pending.description ?? taskCodes[task.pending.status];
      task.data = task.pending.data;
      task.updatedAt = task.readyAt;
      task.pending = undefined;
    }
    return task;
  };

  return {
    create(user, service, system, outcome) {
      const now = options.now();
      // The id is the MD5 of "<user>-<internal id>", as FirecREST v1 makes it.
      const id = createHash('md5').update(`${user}-${++counter}`).digest('hex');
      const task = {
        id,
        user,
        service,
        system,
        createdAt: now,
        updatedAt: now,
        status: '100' as TaskCode,
        description: taskCodes['100'],
        data: taskCodes['100'] as unknown,
        pending: outcome,
        readyAt: now + delay,
      };
      tasks.set(id, task);
      return settle(task);
    },
    update(id, outcome, updateOptions = {}) {
      const task = tasks.get(id);
      if (!task) throw taskErrors.notFound(id);
      task.pending = outcome;
      if (!updateOptions.delayed) task.readyAt = options.now();
      settle(task);
    },
    get(user, id) {
      const task = tasks.get(id);
      if (!task) throw taskErrors.notFound(id);
      if (task.user !== user) throw taskErrors.notOwner(id);
      return settle(task);
    },
    list(user, ids) {
      return [...tasks.values()].filter((t) => t.user === user && (!ids || ids.includes(t.id))).map(settle);
    },
  };
}
