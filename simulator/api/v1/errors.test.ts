import { expect, test } from 'vitest';
import { commandError } from './errors.ts';

const headerOf = (stderr: string) => Object.keys(commandError(stderr, 'Error on x operation').options.headers ?? {})[0];

test('v1 chooses its X-* header from the words of stderr, in its order', () => {
  expect(headerOf("ls: cannot access '/x': No such file or directory")).toBe('X-Invalid-Path');
  expect(headerOf("stat: cannot statx '/x': No such file or directory")).toBe('X-Not-Found');
  expect(headerOf("cp: cannot stat '/x': No such file or directory")).toBe('X-Not-Found');
  expect(headerOf("ls: cannot open directory '/home/alice': Permission denied")).toBe('X-Permission-Denied');
  expect(headerOf("mkdir: cannot create directory '/x': File exists")).toBe('X-Exists');
  expect(headerOf("chown: changing ownership of '/x': Operation not permitted")).toBe('X-Permission-Denied');
  expect(headerOf("chown: invalid group: 'a:b'")).toBe('X-Invalid-Group');
  expect(headerOf("chown: invalid user: 'a:b'")).toBe('X-Invalid-Owner');
  expect(headerOf('sha256sum: /x: Is a directory')).toBe('X-A-Directory');
  const error = commandError("ls: cannot access '/x': No such file or directory", 'Error on ls operation');
  expect(error.status).toBe(400);
  expect(error.body).toEqual({
    description: 'Error on ls operation',
    error: "ls: cannot access '/x': No such file or directory",
  });
});

test('an unexpected error on a v1 route is a 500 in v1 shape; an X-* header never carries control bytes', async () => {
  const { createSimulator } = await import('../../index.ts');
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const token = await sim.control.mintToken({ username: 'alice' });
  const headers = { authorization: `Bearer ${token}`, 'x-machine-name': 'daint' };
  const scheduler = sim.state.scheduler as { list: unknown };
  scheduler.list = () => {
    throw new Error('boom');
  };
  const original = console.error;
  console.error = () => undefined;
  const answer = await sim.fetch(new Request('http://localhost/v1/compute/jobs', { headers }));
  console.error = original;
  expect(answer.status).toBe(500);
  expect(await answer.json()).toMatchObject({ error: 'FirecREST Internal error' });
  const odd = await sim.fetch(
    new Request('http://localhost/v1/reservations/%00%E2%80%AE', { method: 'DELETE', headers }),
  );
  expect(odd.status).toBeLessThan(500);
});
