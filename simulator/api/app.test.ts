import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { createSimulator } from '../index.ts';
import { bearerToken } from './v2/index.ts';

async function setup() {
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const token = await sim.control.mintToken({ username: 'alice' });
  const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    sim.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body }),
      }),
    );
  return { sim, call };
}

describe('the HTTP layer', () => {
  test('the token of an authorization header, as the pattern Bearer<spaces><token><spaces> reads it', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('BEARER\tabc')).toBe('abc');
    for (const refused of [undefined, '', 'Bearer', 'Bearer ', 'Bearerabc', 'Basic abc', 'Bearer a b', 'Bearer  '])
      expect(bearerToken(refused), String(refused)).toBeUndefined();
  });

  test('served by Node, answers carry the headers every answer has, and a fault still drops one', async () => {
    const { sim } = await setup();
    const token = await sim.control.mintToken({ username: 'alice' });
    const server = serve({ fetch: sim.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
      fetch(`${base}${path}`, { headers });
    try {
      const ok = await get('/v2/status/systems');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/json');
      // a UUID 4 in hex, as a real 2.5.6 site's starlette_context makes it
      expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
      expect(ok.headers.get('x-correlation-id')).toBe(ok.headers.get('x-request-id'));
      expect(ok.headers.get('f7t-appversion')).toBe('2.5.6');
      expect(ok.headers.get('f7t-authusername')).toBe('alice');
      expect(ok.headers.get('f7t-timestamp')).toMatch(/^\d+(\.\d+)?$/);
      // ids differ from one answer to the next
      expect((await get('/v2/status/systems')).headers.get('x-request-id')).not.toBe(ok.headers.get('x-request-id'));
      // an error answer carries them too, with the error's own headers
      const refused = await get('/v2/status/systems', {});
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      expect(refused.headers.get('f7t-appversion')).toBe('2.5.6');
      sim.control.injectFault({ path: '/v2/status/systems', dropHeader: 'f7t-authusername', times: 1 });
      const faulted = await get('/v2/status/systems');
      expect(faulted.headers.get('f7t-authusername')).toBeNull();
      expect(faulted.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('bad input gets a 4xx naming the problem, never a 5xx', async () => {
    const { call } = await setup();
    const bodies = [
      '',
      'null',
      '[]',
      '{"job": 1}',
      '{"job": {"workingDirectory": 5}}',
      '{"job": {"workingDirectory": "/home/alice", "env": 3}}',
      '{"job": {"script": "#!/bin/bash", "workingDirectory": "/home/alice", "name": ["x"]}}',
      '\u0000',
      '{'.repeat(5000),
    ];
    for (const body of bodies) {
      const answer = await call('POST', '/v2/compute/daint/jobs', body);
      expect(answer.status, body.slice(0, 40)).toBe(400);
      const error = (await answer.json()) as { errorType: string; message: string };
      expect(error.errorType).toBe('validation');
    }
    for (const path of [
      '/v2/compute/daint/jobs/%00',
      '/v2/compute/daint/jobs/1e3',
      '/v2/compute/daint/jobs?allusers=maybe',
      '/v2/status/daint/partitions?show_hidden=2',
      `/v2/compute/${'x'.repeat(10000)}/jobs`,
    ]) {
      const answer = await call('GET', path);
      expect(answer.status, path.slice(0, 50)).toBeGreaterThanOrEqual(400);
      expect(answer.status, path.slice(0, 50)).toBeLessThan(500);
    }
    const missing = await call('POST', '/v2/compute/daint/jobs', '{"job": {"script": "#!/bin/bash\\n"}}');
    expect(await missing.json()).toMatchObject({
      data: { fields: [{ location: 'body', name: 'job.workingDirectory' }] },
    });
  });

  test('accepts snake_case job fields and env as a list', async () => {
    const { call } = await setup();
    const answer = await call(
      'POST',
      '/v2/compute/daint/jobs',
      JSON.stringify({
        job: {
          working_directory: '/home/alice',
          script: '#!/bin/bash\necho $A\n',
          standard_output: '/home/alice/o.txt',
          env: ['A=1'],
        },
      }),
    );
    expect(answer.status).toBe(201);
  });

  test('the token endpoint speaks OAuth, in both client authentication methods', async () => {
    const { sim } = await setup();
    const post = (body: string, headers: Record<string, string> = {}) =>
      sim.fetch(
        new Request('http://localhost/auth/token', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        }),
      );
    const basic = Buffer.from('alice-client:alice-secret').toString('base64');
    expect((await post('grant_type=client_credentials', { authorization: `Basic ${basic}` })).status).toBe(200);
    const wrong = await post('grant_type=client_credentials&client_id=alice-client&client_secret=x');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const grant = await post('grant_type=password&client_id=alice-client&client_secret=alice-secret');
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const discovery = (await (
      await sim.fetch(new Request('http://localhost/auth/.well-known/openid-configuration'))
    ).json()) as { jwks_uri: string };
    expect(discovery.jwks_uri).toBe('http://localhost/auth/certs');
  });

  test('the control plane resets state, moves the clock and injects faults; bad input is a 400', async () => {
    const { sim, call } = await setup();
    const submitted = (await (
      await call(
        'POST',
        '/v2/compute/daint/jobs',
        JSON.stringify({ job: { workingDirectory: '/home/alice', script: '#!/bin/bash\nsleep 60\n' } }),
      )
    ).json()) as { jobId: string };
    const control = (method: string, path: string, body?: unknown) =>
      sim.fetch(
        new Request(`http://localhost/_sim${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    expect((await control('POST', '/clock/advance', { seconds: 61 })).status).toBe(200);
    const job = (await (await call('GET', `/v2/compute/daint/jobs/${submitted.jobId}`)).json()) as {
      jobs: { status: { state: string } }[];
    };
    expect(job.jobs[0]?.status.state).toBe('COMPLETED');
    expect((await control('POST', '/clock/advance', { seconds: -1 })).status).toBe(400);
    expect((await control('POST', '/faults', { path: 'no-slash' })).status).toBe(400);
    expect((await control('POST', '/faults', { path: '/v2/status/systems', status: 418, times: 1 })).status).toBe(201);
    expect((await call('GET', '/v2/status/systems')).status).toBe(418);
    expect((await call('GET', '/v2/status/systems')).status).toBe(200);
    const journal = (await (await control('GET', '/journal')).json()) as {
      entries: { path: string; status: number; user: string }[];
    };
    expect(journal.entries.at(-1)).toMatchObject({ path: '/v2/status/systems', status: 200, user: 'alice' });
    expect((await control('POST', '/reset')).status).toBe(200);
    expect((await call('GET', `/v2/compute/daint/jobs/${submitted.jobId}`)).status).toBe(404);
  });

  test('without the control plane /_sim does not exist', async () => {
    const sim = await createSimulator({ controlPlane: false });
    expect((await sim.fetch(new Request('http://localhost/_sim/reset', { method: 'POST' }))).status).toBe(404);
  });
});

describe('one site, two generations', () => {
  test('a job submitted through v1 is seen through v2, and a file written through v2 is read through v1', async () => {
    const sim = await createSimulator({ clock: { mode: 'manual' } });
    const token = await sim.control.mintToken({ username: 'alice' });
    const auth = { authorization: `Bearer ${token}` };
    const v1 = { ...auth, 'X-Machine-Name': 'daint' };
    const form = new FormData();
    form.append('file', new Blob(['#!/bin/bash\nsleep 30\n']), 'job.sh');
    const created = (await (
      await sim.fetch(
        new Request('http://localhost/v1/compute/jobs/upload', { method: 'POST', headers: v1, body: form }),
      )
    ).json()) as { task_id: string };
    sim.control.advance(2);
    const task = (await (
      await sim.fetch(new Request(`http://localhost/v1/tasks/${created.task_id}`, { headers: auth }))
    ).json()) as { task: { status: string; data: { jobid: string } } };
    expect(task.task.status).toBe('200');
    const seen = await sim.fetch(
      new Request(`http://localhost/v2/compute/daint/jobs/${task.task.data.jobid}`, { headers: auth }),
    );
    expect(seen.status).toBe(200);
    expect(((await seen.json()) as { jobs: { user: string }[] }).jobs[0]?.user).toBe('alice');

    const upload = new FormData();
    upload.append('file', new Blob(['written through v2\n']), 'shared.txt');
    expect(
      (
        await sim.fetch(
          new Request('http://localhost/v2/filesystem/daint/ops/upload?path=/home/alice', {
            method: 'POST',
            headers: auth,
            body: upload,
          }),
        )
      ).status,
    ).toBe(204);
    const view = await sim.fetch(
      new Request('http://localhost/v1/utilities/view?targetPath=/home/alice/shared.txt', { headers: v1 }),
    );
    expect(await view.json()).toMatchObject({ output: 'written through v2\n' });
  });
});

test("a running job's output grows when read through the file system alone", async () => {
  // A site clock 1000 times faster than the wall: time passes with no control-plane call.
  const sim = await createSimulator({ clock: { mode: 'scaled', scale: 1000 } });
  const token = await sim.control.mintToken({ username: 'alice' });
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const script = '#!/bin/bash\necho first\nsleep 10\necho second\nsleep 10\n';
  const submitted = await sim.fetch(
    new Request('http://localhost/v2/compute/daint/jobs', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ job: { workingDirectory: '/home/alice', script } }),
    }),
  );
  const { jobId } = (await submitted.json()) as { jobId: string };
  const view = async () =>
    (
      (await (
        await sim.fetch(
          new Request(`http://localhost/v2/filesystem/daint/ops/view?path=/home/alice/slurm-${jobId}.out`, {
            headers: auth,
          }),
        )
      ).json()) as { output: string }
    ).output;
  expect(await view()).toBe('first\n');
  await new Promise((resolve) => setTimeout(resolve, 15));
  expect(await view()).toBe('first\nsecond\n');
});
