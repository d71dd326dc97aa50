import { describe, expect, test } from 'vitest';
import { compileFault, rewriteJson } from './faults.ts';
import { createSimulator } from './index.ts';

async function setup() {
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const token = await sim.control.mintToken({ username: 'alice' });
  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    sim.fetch(
      new Request(`http://localhost${path}`, { method, headers: { authorization: `Bearer ${token}`, ...headers } }),
    );
  return { sim, call };
}

describe('faults', () => {
  test('a fault that cannot apply is refused, saying why', () => {
    const bad = [
      [{ path: 'no-slash', status: 500 }, 'path starting with /'],
      [{ path: '/v2/x' }, 'needs a status'],
      [{ path: '/v2/x', status: 500, dropField: 'a' }, 'cannot go with dropField'],
      [{ path: '/v2/x', onStatus: '4x', replaceStatus: 500 }, 'onStatus'],
      [{ path: '/v2/x', retypeField: { path: 'a', to: 'date' } }, 'to: one of'],
      [{ path: '/v2/x', dropItem: { path: 'a', at: 'middle' } }, 'first or last'],
      [{ engine: 'fs.nothing' }, 'engine: one of'],
      [{ engine: 'fs.permissions-ignored', path: '/v2' }, 'takes no path'],
    ] as const;
    for (const [fault, message] of bad) expect(() => compileFault(fault as never, 1), message).toThrow(message);
  });

  test('JSON rewrites cross arrays and leave the rest alone', () => {
    const body = {
      jobs: [
        { id: 1, state: { current: 'RUNNING' } },
        { id: 2, state: { current: 'PENDING' } },
      ],
    };
    expect(rewriteJson(body, { renameField: { from: 'jobs.id', to: 'jobId' } })).toEqual({
      jobs: [
        { jobId: 1, state: { current: 'RUNNING' } },
        { jobId: 2, state: { current: 'PENDING' } },
      ],
    });
    expect(rewriteJson(body, { retypeField: { path: 'jobs.id', to: 'string' } })).toMatchObject({
      jobs: [{ id: '1' }, { id: '2' }],
    });
    expect(rewriteJson(body, { setField: { path: 'jobs.state.current', value: 'X' } })).toMatchObject({
      jobs: [{ state: { current: 'X' } }, { state: { current: 'X' } }],
    });
    expect(rewriteJson(body, { dropItem: { path: 'jobs', at: 'last' } })).toEqual({ jobs: [body.jobs[0]] });
    expect(rewriteJson([1, 2], { duplicateItem: { path: '', at: 'first' } })).toEqual([1, 1, 2]);
    expect(body.jobs[0]?.id).toBe(1);
  });

  test('faults match by query and by status, rewrite headers and bytes, and run out', async () => {
    const { sim, call } = await setup();
    sim.control.injectFault({ path: '/v2/status/systems', dropHeader: 'f7t-appversion', times: 1 });
    expect((await call('GET', '/v2/status/systems')).headers.get('f7t-appversion')).toBeNull();
    expect((await call('GET', '/v2/status/systems')).headers.get('f7t-appversion')).not.toBeNull();
    sim.control.injectFault({ path: '/v2/status/*/nodes', onStatus: '4xx', replaceStatus: 500 });
    expect((await call('GET', '/v2/status/daint/nodes')).status).toBe(200);
    expect((await call('GET', '/v2/status/nowhere/nodes')).status).toBe(500);
    sim.control.injectFault({ path: '/v2/filesystem/daint/ops/ls', query: { showHidden: 'true' }, status: 503 });
    expect((await call('GET', '/v2/filesystem/daint/ops/ls?path=/home/alice')).status).toBe(200);
    expect((await call('GET', '/v2/filesystem/daint/ops/ls?path=/home/alice&showHidden=true')).status).toBe(503);
  });

  test("a fault for one user leaves other users' answers alone", async () => {
    const { sim, call } = await setup();
    sim.control.injectFault({ path: '/v2/status/*/userinfo', user: 'bob', status: 500 });
    expect((await call('GET', '/v2/status/daint/userinfo')).status).toBe(200);
    const bob = await sim.control.mintToken({ username: 'bob' });
    const asBob = await sim.fetch(
      new Request('http://localhost/v2/status/daint/userinfo', { headers: { authorization: `Bearer ${bob}` } }),
    );
    expect(asBob.status).toBe(500);
  });

  test('engine faults switch a check off while injected', async () => {
    const { sim } = await setup();
    const expired = await sim.control.mintToken({ username: 'alice', ttlS: -10 });
    const systems = () =>
      sim.fetch(new Request('http://localhost/v2/status/systems', { headers: { authorization: `Bearer ${expired}` } }));
    expect((await systems()).status).toBe(401);
    sim.control.injectFault({ engine: 'oidc.expiry-unchecked' });
    expect((await systems()).status).toBe(200);
    sim.control.clearFaults();
    expect((await systems()).status).toBe(401);
  });
});
