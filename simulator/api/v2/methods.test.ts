import { describe, expect, test } from 'vitest';
import { createSimulator } from '../../index.ts';

async function setup() {
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const token = await sim.control.mintToken({ username: 'alice' });
  return async (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    sim.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(body === undefined ? {} : { body }),
      }),
    );
}

// Each answer below is what a real FirecREST 2.5.6 site gave (README, differences from real sites).
describe('v2 answers odd requests as a real site does', () => {
  test('a known path with another method is a 405 naming the allowed one, before any token check', async () => {
    const call = await setup();
    const answer = await call('DELETE', '/v2/filesystem/daint/ops/mkdir');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(await answer.json()).toEqual({
      errorType: 'error',
      message: 'Method Not Allowed',
      causedBy: null,
      data: null,
      user: null,
    });
    const unauthenticated = await createSimulator();
    const put = await unauthenticated.fetch(new Request('http://localhost/v2/compute/daint/jobs', { method: 'PUT' }));
    expect(put.status).toBe(405);
  });

  test('JSON sent as text/plain or without a content type is a validation error; +json is JSON', async () => {
    const call = await setup();
    const body = JSON.stringify({ path: '/home/alice/new' });
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
      const answer = await call('POST', '/v2/filesystem/daint/ops/mkdir', body, headers);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({
        errorType: 'validation',
        data: {
          fields: [
            {
              location: 'body',
              name: null,
              message: 'Input should be a valid dictionary or object to extract fields from',
            },
          ],
        },
      });
    }
    const vendor = await call('POST', '/v2/filesystem/daint/ops/mkdir', body, {
      'content-type': 'application/vnd.x+json; charset=utf-8',
    });
    expect(vendor.status).toBe(201);
  });

  test('job ids as squeue reads them: too large or reserved is its error, else not found', async () => {
    const call = await setup();
    for (const id of ['12345678901234567890123456', '4294967294', '4294967296']) {
      const answer = await call('GET', `/v2/compute/daint/jobs/${id}`);
      expect(answer.status).toBe(500);
      expect(await answer.json()).toMatchObject({
        message: 'Error executing Slurm command.',
        causedBy: [`Unexpected Slurm command response. exit_status:1 std_err:squeue: error: Invalid job id: ${id}\n`],
      });
    }
    const unknown = await call('GET', '/v2/compute/daint/jobs/99999999999');
    expect(unknown.status).toBe(404);
  });
});
