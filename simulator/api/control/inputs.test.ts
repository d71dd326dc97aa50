import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createSimulator } from '../../index.ts';

/** Values that broke or could break a site: huge, negative, fractional, not numbers at all. */
const hostileNumber = fc.oneof(
  fc.constantFrom(1e30, -1, 0, 1.5, 2 ** 53, -(2 ** 53), 1e308, 251_606_075_579, 10_000_000, 100_001),
  fc.double({ noNaN: true }),
  fc.integer(),
);
const hostileValue = fc.oneof(
  hostileNumber,
  fc.string({ maxLength: 20 }),
  fc.constantFrom(null, true, [], {}, 'NaN', 'Infinity', '1e30', 'x'.repeat(5000)),
);

/** One control call: a route of /_sim (faults aside: they exist to break things) and a body for it. */
const controlCall = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constant('/_sim/reset'), body: fc.constant({}) }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/_sim/seed'), body: fc.record({ seed: hostileValue }) }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/_sim/clock/advance'),
    body: fc.record({ seconds: hostileValue }),
  }),
  fc.record({
    method: fc.constant('PUT'),
    path: fc.constant('/_sim/clock'),
    body: fc.record(
      { mode: fc.oneof(fc.constantFrom('real', 'manual', 'scaled'), fc.string()), scale: hostileValue },
      { requiredKeys: ['mode'] },
    ),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/_sim/tokens'),
    body: fc.record(
      {
        username: fc.oneof(fc.constantFrom('alice', 'bob', ''), hostileValue),
        ttl: hostileValue,
        issuer: hostileValue,
      },
      { requiredKeys: ['username'] },
    ),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/_sim/files'),
    body: fc.record({
      system: fc.oneof(fc.constant('daint'), hostileValue),
      user: fc.oneof(fc.constant('alice'), hostileValue),
      directory: fc.oneof(fc.constantFrom('/home/alice/seeded', '/etc', '../..'), hostileValue),
      files: fc.oneof(fc.constantFrom(0, 3, 100_001, -1, 1e30), hostileValue),
      bytes: fc.oneof(fc.constantFrom(1, 1e12), hostileValue),
    }),
  }),
  fc.record({ method: fc.constantFrom('GET', 'DELETE'), path: fc.constant('/_sim/journal'), body: fc.constant(null) }),
);

describe('the control plane cannot break the site', () => {
  test('advancing the clock by 1e30 s is a 400 and the site keeps working', async () => {
    const sim = await createSimulator();
    const answer = await sim.fetch(
      new Request('http://localhost/_sim/clock/advance', { method: 'POST', body: '{"seconds": 1e30}' }),
    );
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toMatch(/^\[_sim\] seconds: a number from 0 to/);
    const live = await sim.fetch(new Request('http://localhost/v2/status/liveness/'));
    expect(live.status).toBe(200);
  });

  test('generated control calls between API calls: the API never answers 5xx afterwards', async () => {
    const sim = await createSimulator({ clock: { mode: 'manual' } });
    const token = await sim.control.mintToken({ username: 'alice', ttlS: 3600 });
    const api = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
      const answer = await sim.fetch(
        new Request(`http://localhost${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
          ...(body === undefined ? {} : { body }),
        }),
      );
      return answer.status;
    };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(controlCall, { minLength: 1, maxLength: 4 }), async (calls) => {
        for (const call of calls) {
          const status = await api(call.method, call.path, call.body === null ? undefined : JSON.stringify(call.body));
          // a control call is accepted or refused with a 400, never a 5xx
          expect(status, `${call.method} ${call.path} ${JSON.stringify(call.body).slice(0, 200)}`).toBeLessThan(500);
        }
        n++;
        const answers = [
          await api('GET', '/v2/status/liveness/'),
          await api('GET', '/v2/status/systems'),
          await api('POST', '/v2/filesystem/daint/ops/mkdir', JSON.stringify({ path: `/home/alice/d${n}` })),
          await api('GET', '/v2/filesystem/daint/ops/ls?path=/home/alice'),
          await api('GET', '/v2/compute/daint/jobs'),
          await api('GET', '/v1/utilities/ls?targetPath=/home/alice', undefined, { 'x-machine-name': 'daint' }),
        ];
        expect(answers.filter((s) => s >= 500)).toEqual([]);
      }),
      { seed: 14, numRuns: 300 },
    );
  }, 120_000);
});
