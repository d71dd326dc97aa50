import { expect, test } from 'vitest';
import { createTaskStore } from './index.ts';

test('a task reads Queued until its delay passed, then its outcome; only its owner sees it', () => {
  let now = 1_000_000;
  const store = createTaskStore({ now: () => now, delayMs: 1000 });
  const task = store.create('alice', 'compute', 'daint', { status: '200', data: { jobid: '7' } });
  expect(task.id).toMatch(/^[0-9a-f]{32}$/);
  expect(store.get('alice', task.id)).toMatchObject({ status: '100', description: 'Queued', data: 'Queued' });
  now += 1000;
  expect(store.get('alice', task.id)).toMatchObject({
    status: '200',
    description: 'Finished successfully',
    data: { jobid: '7' },
  });
  expect(() => store.get('bob', task.id)).toThrow(/belongs to another user/);
  expect(() => store.get('alice', 'f'.repeat(32))).toThrow(/does not exist/);
  expect(store.list('bob')).toEqual([]);
  expect(store.list('alice').map((t) => t.id)).toEqual([task.id]);
});
