// The failures client developers script (README "Scripting failures"): each one driven through
// the control plane, with the site's answer under it as a client sees it.
import { describe, expect, test } from 'vitest';
import { createSimulator, type Simulator } from './index.ts';

type Body = string | Record<string, unknown> | undefined;

async function setup(seed?: number) {
  const sim = await createSimulator({ clock: { mode: 'manual' }, ...(seed === undefined ? {} : { seed }) });
  const token = await sim.control.mintToken({ username: 'alice' });
  return { sim, token, ...client(sim, token) };
}

function client(sim: Simulator, token: string) {
  const call = (method: string, path: string, body?: Body, headers: Record<string, string> = {}) =>
    sim.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined
            ? {}
            : { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    );
  const control = async (method: string, path: string, body?: Record<string, unknown>) => {
    const res = await call(method, `/_sim${path}`, body);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const v1 = (method: string, path: string, form?: Record<string, string>) =>
    sim.fetch(
      new Request(`http://localhost/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-machine-name': 'daint',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      }),
    );
  /** A v1 task's final record: it reads "100 Queued" for a second of site time. */
  const v1Task = async (method: string, path: string, form?: Record<string, string>) => {
    const created = await v1(method, path, form);
    sim.control.advance(1);
    const { task_id } = (await created.json()) as { task_id: string };
    const res = await call('GET', `/v1/tasks/${task_id}`);
    return ((await res.json()) as { task: { status: string; data: unknown } }).task;
  };
  return { call, control, v1, v1Task };
}

const submit = (call: ReturnType<typeof client>['call'], script: string) =>
  call('POST', '/v2/compute/daint/jobs', {
    job: { script: `#!/bin/bash\n${script}\n`, workingDirectory: '/home/alice' },
  }).then(async (res) => {
    expect(res.status).toBe(201);
    return ((await res.json()) as { jobId: string }).jobId;
  });

const jobOf = async (call: ReturnType<typeof client>['call'], id: string) => {
  const res = await call('GET', `/v2/compute/daint/jobs/${id}`);
  return ((await res.json()) as { jobs: { status: { state: string }; nodes: string }[] }).jobs[0];
};

const nodeStates = async (call: ReturnType<typeof client>['call']) => {
  const res = await call('GET', '/v2/status/daint/nodes');
  const { nodes } = (await res.json()) as { nodes: { name: string; state: string[] }[] };
  return new Map(nodes.map((n) => [n.name, n.state]));
};

describe('scripted HTTP faults', () => {
  test('a client that retries gets through two 503s (times: 2)', async () => {
    const { call, control } = await setup();
    expect((await control('POST', '/faults', { path: '/v2/status/systems', status: 503, times: 2 })).status).toBe(201);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await call('GET', '/v2/status/systems');
      statuses.push(res.status);
      if (res.ok) break;
    }
    expect(statuses).toEqual([503, 503, 200]);
  });

  test('latency delays the answer, once', async () => {
    const { call, control } = await setup();
    await control('POST', '/faults', { path: '/v2/status/**', delayMs: 80, times: 1 });
    const timed = async () => {
      const started = performance.now();
      const res = await call('GET', '/v2/status/systems');
      expect(res.status).toBe(200);
      return performance.now() - started;
    };
    expect(await timed()).toBeGreaterThanOrEqual(75);
    expect(await timed()).toBeLessThan(75);
  });

  test('a probability draws from the site seed: the same seed fails the same requests', async () => {
    const run = async (seed: number) => {
      const { call, control } = await setup(seed);
      await control('POST', '/faults', { path: '/v2/status/systems', status: 503, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await call('GET', '/v2/status/systems')).status);
      return statuses.join(',');
    };
    const first = await run(7);
    expect(first).toContain('503');
    expect(first).toContain('200');
    expect(await run(7)).toBe(first);
    expect(await run(8)).not.toBe(first);
  });

  test('issuer down: the token endpoint answers 503 once, then issues tokens', async () => {
    const { sim, control } = await setup();
    await control('POST', '/faults', { preset: 'issuer-down', times: 1 });
    const client = sim.clients[0];
    if (!client) throw new Error('no client');
    const token = () =>
      sim.fetch(
        new Request('http://localhost/auth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: client.id,
            client_secret: client.secret,
          }).toString(),
        }),
      );
    const down = await token();
    expect(down.status).toBe(503);
    expect(await down.text()).toContain('503 Service Unavailable');
    expect((await token()).status).toBe(200);
  });

  test('object store errors answer S3 XML, and a slow store is slow', async () => {
    const { call, control } = await setup();
    await control('POST', '/faults', { preset: 'object-store-slow-down', times: 1 });
    await control('POST', '/faults', { preset: 'object-store-internal-error', times: 1 });
    const slowDown = await call('GET', '/s3/alice/some/key');
    expect(slowDown.status).toBe(503);
    expect(slowDown.headers.get('content-type')).toBe('application/xml');
    expect(await slowDown.text()).toContain('<Code>SlowDown</Code>');
    const internal = await call('GET', '/s3/alice/some/key');
    expect(internal.status).toBe(500);
    expect(await internal.text()).toContain('<Code>InternalError</Code>');
    await control('POST', '/faults', { preset: 'object-store-slow', delayMs: 60, times: 1 });
    const started = performance.now();
    await call('GET', '/s3/alice/some/key');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe('scripted engine faults', () => {
  test('storage full: an upload fails with ENOSPC as the command words it, once', async () => {
    const { sim, control } = await setup();
    await control('POST', '/faults', { preset: 'storage-full', times: 1 });
    const token = await sim.control.mintToken({ username: 'alice' });
    const upload = () => {
      const form = new FormData();
      form.set('file', new File(['hello\n'], 'hello.txt'));
      return sim.fetch(
        new Request('http://localhost/v2/filesystem/daint/ops/upload?path=/home/alice', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: form,
        }),
      );
    };
    const full = await upload();
    expect(full.status).toBe(500);
    expect(((await full.json()) as { message: string }).message).toContain('No space left on device');
    expect((await upload()).status).toBe(204);
  });

  test('quota exceeded: v2 mkdir and v1 mkdir fail with EDQUOT', async () => {
    const { call, control, v1 } = await setup();
    await control('POST', '/faults', { preset: 'quota-exceeded', times: 2 });
    const v2 = await call('POST', '/v2/filesystem/daint/ops/mkdir', { path: '/home/alice/new' });
    expect(v2.status).toBe(500);
    expect(((await v2.json()) as { message: string }).message).toContain(
      "mkdir: cannot create directory '/home/alice/new': Disk quota exceeded",
    );
    const old = await v1('POST', '/utilities/mkdir', { targetPath: '/home/alice/other' });
    expect(old.status).toBe(400);
    expect(JSON.stringify(await old.json())).toContain('Disk quota exceeded');
  });

  test('scheduler unreachable: v2 answers 500 with the command, v1 tasks end 400', async () => {
    const { call, control, v1Task } = await setup();
    await control('POST', '/faults', { preset: 'scheduler-unreachable' });
    const jobs = await call('GET', '/v2/compute/daint/jobs');
    expect(jobs.status).toBe(500);
    expect(((await jobs.json()) as { message: string }).message).toBe(
      'Unexpected Slurm command response. exit_status:1 std_err:slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n',
    );
    const nodes = await call('GET', '/v2/status/daint/nodes');
    expect(nodes.status).toBe(500);
    const submitted = await call('POST', '/v2/compute/daint/jobs', {
      job: { script: '#!/bin/bash\ntrue\n', workingDirectory: '/home/alice' },
    });
    expect(((await submitted.json()) as { message: string }).message).toContain(
      'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)',
    );
    const partitions = await v1Task('GET', '/compute/partitions');
    expect(partitions).toMatchObject({
      status: '400',
      data: 'slurm_load_partitions error: Unable to contact slurm controller (connect failure)',
    });
    await control('DELETE', '/faults').catch(() => undefined);
    expect((await call('GET', '/v2/compute/daint/jobs')).status).toBe(200);
  });

  test('submit limit: sbatch refuses with the association limit', async () => {
    const { call, control } = await setup();
    await control('POST', '/faults', { preset: 'submit-limit', times: 1 });
    const refused = await call('POST', '/v2/compute/daint/jobs', {
      job: { script: '#!/bin/bash\ntrue\n', workingDirectory: '/home/alice' },
    });
    expect(refused.status).toBe(500);
    expect(((await refused.json()) as { message: string }).message).toContain('AssocMaxSubmitJobLimit');
  });
});

describe('scheduler and issuer operations', () => {
  test('a node taken down ends its running job in NODE_FAIL; resume returns it', async () => {
    const { call, control, v1Task } = await setup();
    const id = await submit(call, 'sleep 600');
    const running = await jobOf(call, id);
    expect(running?.status.state).toBe('RUNNING');
    const node = running?.nodes ?? '';
    const down = await control('POST', `/nodes/daint/${node}`, { state: 'down' });
    expect(down).toEqual({ status: 200, body: { system: 'daint', node, state: ['DOWN'] } });
    expect((await jobOf(call, id))?.status.state).toBe('NODE_FAIL');
    expect((await nodeStates(call)).get(node)).toEqual(['DOWN']);
    const v1Nodes = await v1Task('GET', `/compute/nodes/${node}`);
    expect(v1Nodes.data).toMatchObject([{ NodeName: node, State: ['DOWN'] }]);
    await control('POST', `/nodes/daint/${node}`, { state: 'resume' });
    expect((await nodeStates(call)).get(node)).toEqual(['IDLE']);
  });

  test('a drained node finishes its job and starts no new one', async () => {
    const { sim, call, control } = await setup();
    const xfer = sim.state.scheduler.system('daint').partitions.find((p) => p.name === 'xfer')?.nodes ?? [];
    const id = await submit(call, '#SBATCH --partition=xfer\nsleep 60');
    const node = (await jobOf(call, id))?.nodes ?? '';
    for (const name of xfer) await control('POST', `/nodes/daint/${name}`, { state: 'drain' });
    expect((await nodeStates(call)).get(node)).toEqual(['ALLOCATED', 'DRAIN']);
    const waiting = await submit(call, '#SBATCH --partition=xfer\nsleep 30');
    expect((await jobOf(call, waiting))?.status.state).toBe('PENDING');
    sim.control.advance(61);
    expect((await jobOf(call, id))?.status.state).toBe('COMPLETED');
    expect((await nodeStates(call)).get(node)).toEqual(['IDLE', 'DRAIN']);
    expect((await jobOf(call, waiting))?.status.state).toBe('PENDING');
    for (const name of xfer) await control('POST', `/nodes/daint/${name}`, { state: 'resume' });
    expect((await jobOf(call, waiting))?.status.state).toBe('RUNNING');
  });

  test('a partition state shows in v2 and v1 partitions; a drained partition takes no job', async () => {
    const { call, control, v1Task } = await setup();
    expect(await control('POST', '/partitions/daint/debug', { state: 'drain' })).toEqual({
      status: 200,
      body: { system: 'daint', partition: 'debug', state: 'DRAIN' },
    });
    const v2 = (await (await call('GET', '/v2/status/daint/partitions')).json()) as {
      partitions: { name: string; partition: string }[];
    };
    expect(v2.partitions.find((p) => p.name === 'debug')?.partition).toBe('DRAIN');
    expect((await v1Task('GET', '/compute/partitions?partitions=debug')).data).toMatchObject([
      { PartitionName: 'debug', State: 'DRAIN' },
    ]);
    const refused = await call('POST', '/v2/compute/daint/jobs', {
      job: { script: '#!/bin/bash\n#SBATCH --partition=debug\ntrue\n', workingDirectory: '/home/alice' },
    });
    expect(((await refused.json()) as { message: string }).message).toContain(
      'Required partition not available (inactive or drain)',
    );
  });

  test('key rotation: old tokens work through the grace, then are refused; certs show the new key', async () => {
    const { sim, call, control } = await setup();
    const kids = async () =>
      ((await (await call('GET', '/auth/certs')).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const [before] = await kids();
    const graced = await control('POST', '/keys/rotate', { graceS: 3600 });
    expect(graced.status).toBe(200);
    expect(await kids()).toEqual([graced.body.kid, before]);
    expect((await call('GET', '/v2/status/systems')).status).toBe(200);
    const now = await control('POST', '/keys/rotate', { graceS: 0 });
    expect(await kids()).toEqual([now.body.kid, before]);
    // The first rotation's key (the one alice's token names) is still in its grace.
    expect((await call('GET', '/v2/status/systems')).status).toBe(200);
    const fresh = client(sim, await sim.control.mintToken({ username: 'alice' }));
    expect((await fresh.call('GET', '/v2/status/systems')).status).toBe(200);
    const next = client(sim, await sim.control.mintToken({ username: 'alice' }));
    await control('POST', '/keys/rotate', { graceS: 0 });
    const refused = await next.call('GET', '/v2/status/systems');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toBe("Token's public key not found.");
  });

  test('every new input is checked, with a 400 that says what fits', async () => {
    const { control } = await setup();
    const bad: [string, Record<string, unknown>, string][] = [
      ['/faults', { path: '/v2/**', delayMs: 1e9 }, 'delayMs: an integer from 0 to 60000'],
      ['/faults', { path: '/v2/**', status: 503, probability: 2 }, 'probability'],
      ['/faults', { preset: 'meteor' }, 'preset: one of'],
      ['/faults', { path: '/s3/**', s3Error: 'Busy' }, 's3Error: one of'],
      ['/faults', { path: '/v2/**', status: 503, delay: 5 }, 'unknown field delay'],
      ['/faults', { preset: 'storage-full', path: '/v2' }, 'takes no path'],
      ['/faults', { path: '/v2/**', status: 503, times: 0 }, 'times'],
      ['/nodes/daint/nid999999', { state: 'down' }, 'no node nid999999'],
      ['/nodes/daint/nid000001', { state: 'off' }, 'state: one of'],
      ['/nodes/pilatus/nid000001', { state: 'down' }, 'no system pilatus'],
      ['/partitions/daint/debug', { state: 'closed' }, 'state: one of'],
      ['/keys/rotate', { graceS: -1 }, 'graceS'],
    ];
    for (const [path, body, words] of bad) {
      const answer = await control('POST', path, body);
      expect(answer.status, path).toBe(400);
      expect(JSON.stringify(answer.body), JSON.stringify(body)).toContain(words);
    }
  });
});
