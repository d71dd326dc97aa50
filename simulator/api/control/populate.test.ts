import { describe, expect, test } from 'vitest';
import { createSimulator } from '../../index.ts';
import { controlBounds } from './inputs.ts';

async function site() {
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const token = await sim.control.mintToken({ username: 'alice', ttlS: 3600 });
  const post = async (body: unknown) => {
    const answer = await sim.fetch(
      new Request('http://localhost/_sim/jobs', { method: 'POST', body: JSON.stringify(body) }),
    );
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };
  const jobs = async () => {
    const answer = await sim.fetch(
      new Request('http://localhost/v2/compute/daint/jobs', { headers: { authorization: `Bearer ${token}` } }),
    );
    return ((await answer.json()) as { jobs: { jobId: string; status: { state: string } }[] }).jobs;
  };
  return { sim, post, jobs };
}

describe('POST /_sim/jobs', () => {
  test("seeds jobs the site lists as the user's, and a reset removes them", async () => {
    const { sim, post, jobs } = await site();
    const seeded = await post({ system: 'daint', jobs: 200, users: ['alice', 'bob'], seed: 5 });
    expect(seeded.status).toBe(201);
    expect(seeded.body).toMatchObject({ jobs: 200 });
    const listed = await jobs();
    expect(listed).toHaveLength(100);
    expect(listed[0]?.jobId).toBe(String(seeded.body.firstId));
    expect(new Set(listed.map((j) => j.status.state.split(' ')[0])).size).toBeGreaterThan(2);
    // the site's users in turn by default
    expect((await post({ system: 'daint', jobs: 4 })).status).toBe(201);
    expect(await jobs()).toHaveLength(102);
    sim.control.reset();
    expect(await jobs()).toEqual([]);
  });

  test('refuses what does not fit with a 400 that says what does, and seeds nothing', async () => {
    const { post, jobs } = await site();
    const refusals: [unknown, RegExp][] = [
      [{ system: 'daint' }, /^\[_sim\] jobs: an integer from 0 to 100000/],
      [{ system: 'daint', jobs: controlBounds.maxJobs + 1 }, /^\[_sim\] jobs: an integer from 0 to 100000/],
      [{ system: 'daint', jobs: -1 }, /^\[_sim\] jobs:/],
      [{ system: 'daint', jobs: 1.5 }, /^\[_sim\] jobs:/],
      [{ system: 'daint', jobs: '10' }, /^\[_sim\] jobs:/],
      [{ jobs: 10 }, /^\[_sim\] system:/],
      [{ system: 'daint', jobs: 10, users: [] }, /^\[_sim\] users: a list of 1 to 1000/],
      [{ system: 'daint', jobs: 10, users: 'alice' }, /^\[_sim\] users:/],
      [{ system: 'daint', jobs: 10, users: ['alice', 7] }, /^\[_sim\] users:/],
      [{ system: 'daint', jobs: 10, users: ['alice', 'mallory'] }, /^\[_sim\] no user mallory/],
      [{ system: 'daint', jobs: 10, seed: 'x' }, /^\[_sim\] seed:/],
      [{ system: 'pilatus', jobs: 10 }, /^\[_sim\] .*pilatus/],
    ];
    for (const [body, message] of refusals) {
      const answer = await post(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await jobs()).toEqual([]);
  });
});
