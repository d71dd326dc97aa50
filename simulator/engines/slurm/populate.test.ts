import { describe, expect, test } from 'vitest';
import { defaultSite } from '../../../fixtures/sites/default.ts';
import { createSiteState } from '../../site-state.ts';
import type { User } from '../site/types.ts';
import { isFinished, type Job, type Scheduler } from './index.ts';

const START = Date.UTC(2026, 0, 1);

function site(options: { seed?: number; privateJobs?: boolean } = {}) {
  const shape = {
    ...defaultSite,
    users: [...defaultSite.users, { name: 'carol', accounts: [], extraGroups: [] }],
  };
  const state = createSiteState({
    shape,
    seed: options.seed ?? 1,
    clockMode: 'manual',
    privateJobs: options.privateJobs ?? false,
    startAt: START,
  });
  const user = (name: string) => {
    const found = state.user(name);
    if (!found) throw new Error(`no ${name}`);
    return found;
  };
  return { state, slurm: state.scheduler, alice: user('alice'), bob: user('bob'), carol: user('carol') };
}

const script = (seconds: number) => `#!/bin/bash\nsleep ${seconds}\n`;
const ids = (jobs: readonly Job[]) => jobs.map((j) => j.id);

/** What one user's list was before the index: every job of the system, filtered. */
function scanned(slurm: Scheduler, system: string, user: User, account?: string) {
  return slurm
    .list(system, user, { allUsers: true })
    .filter((j) => j.user.name === user.name && (!account || j.account === account));
}

describe('seeded jobs', () => {
  test('are records of the scheduler: its ids in order, every state, times that fit the clock', () => {
    const { slurm, state, alice, bob, carol } = site();
    const before = slurm.submit('daint', alice, { workingDirectory: '/home/alice', script: script(5) });
    const seeded = slurm.populate('daint', { users: [alice, bob, carol], count: 3000, seed: 7 });
    expect(seeded.jobs).toBe(3000);
    expect(seeded.firstId).toBe(before.id + 1);
    expect(seeded.lastId).toBe(before.id + 3000);
    expect(Object.keys(seeded.states).sort()).toEqual(
      ['CANCELLED', 'COMPLETED', 'FAILED', 'PENDING', 'RUNNING', 'TIMEOUT'].sort(),
    );
    const after = slurm.submit('daint', bob, { workingDirectory: '/home/bob', script: script(5) });
    expect(after.id).toBe(before.id + 3001);

    const now = state.clock.now();
    const all = slurm.list('daint', alice, { allUsers: true });
    expect(all).toHaveLength(3002);
    expect(ids(all)).toEqual([...ids(all)].sort((a, b) => a - b));
    const nodes = new Set(state.site.systems.find((s) => s.name === 'daint')?.nodes.map((n) => n.name));
    for (const job of all.slice(1, -1)) {
      expect(job.submitTime).toBeLessThanOrEqual(now);
      if (job.state === 'PENDING') {
        expect(job.startTime).toBeUndefined();
        expect(['Priority', 'Resources']).toContain(job.reason);
        continue;
      }
      expect(job.startTime).toBeGreaterThanOrEqual(job.submitTime);
      expect(job.startTime).toBeLessThanOrEqual(now);
      if (job.state === 'RUNNING') {
        expect((job.startTime ?? 0) + job.runtimeS * 1000).toBeGreaterThan(now);
        expect(job.runtimeS).toBeLessThanOrEqual(job.timeLimitS);
      } else {
        expect(isFinished(job)).toBe(true);
        expect(job.endTime).toBeGreaterThanOrEqual(job.startTime ?? 0);
        expect(job.endTime).toBeLessThanOrEqual(now);
      }
      for (const node of job.nodes) expect(nodes.has(node)).toBe(true);
    }
    // running jobs hold distinct nodes, none of them reserved
    const held = all.filter((j) => j.state === 'RUNNING').flatMap((j) => j.nodes);
    expect(new Set(held).size).toBe(held.length);
    const reserved = state.site.systems.find((s) => s.name === 'daint')?.reservations.flatMap((r) => r.nodes) ?? [];
    expect(held.filter((n) => reserved.includes(n))).toEqual([]);
    expect(all.filter((j) => j.state === 'FAILED').every((j) => (j.exitCode ?? 0) > 0)).toBe(true);
    expect(all.filter((j) => j.state === 'CANCELLED').every((j) => j.cancelledBy === j.user.uid)).toBe(true);
  });

  test('the same seed gives the same jobs; the queue moves on as the clock does', () => {
    const one = site();
    const two = site();
    const a = one.slurm.populate('daint', { users: [one.alice, one.bob], count: 500, seed: 3 });
    const b = two.slurm.populate('daint', { users: [two.alice, two.bob], count: 500, seed: 3 });
    expect(a).toEqual(b);
    const shown = (s: ReturnType<typeof site>) =>
      s.slurm.list('daint', s.alice, { allUsers: true }).map((j) => [j.id, j.state, j.startTime, j.endTime, j.name]);
    expect(shown(one)).toEqual(shown(two));

    const pending = () => one.slurm.list('daint', one.alice, { allUsers: true }).filter((j) => j.state === 'PENDING');
    const waiting = pending().length;
    expect(waiting).toBeGreaterThan(0);
    one.state.clock.advance(2 * 3600 * 1000);
    one.slurm.sync();
    expect(pending().length).toBeLessThan(waiting);
  });
});

describe("one user's list", () => {
  test('is what a scan of every job gives, across submit, state changes, cancel and seeding', () => {
    const { slurm, state, alice, bob, carol } = site();
    const same = () => {
      for (const user of [alice, bob, carol]) {
        expect(ids(slurm.list('daint', user))).toEqual(ids(scanned(slurm, 'daint', user)));
        const account = user.accounts[1];
        expect(ids(slurm.list('daint', user, { account }))).toEqual(ids(scanned(slurm, 'daint', user, account)));
      }
    };
    const mine = slurm.submit('daint', alice, { workingDirectory: '/home/alice', script: script(30) });
    slurm.submit('daint', bob, { workingDirectory: '/home/bob', script: script(30) });
    same();
    slurm.populate('daint', { users: [bob, alice], count: 400, seed: 11 });
    const late = slurm.submit('daint', alice, {
      workingDirectory: '/home/alice',
      script: script(30),
      account: alice.accounts[1],
    });
    same();
    slurm.cancel('daint', alice, late.id);
    state.clock.advance(3600 * 1000);
    same();
    expect(slurm.list('daint', alice).map((j) => j.id)).toContain(mine.id);
    expect(slurm.list('daint', carol)).toEqual([]);
    expect(slurm.list('eiger', alice)).toEqual([]);
    expect(slurm.get('daint', alice, late.id).state).toBe('CANCELLED');
  });
});
