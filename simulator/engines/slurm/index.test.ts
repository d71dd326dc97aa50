import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { defaultSite } from '../../../fixtures/sites/default.ts';
import { createSiteState } from '../../site-state.ts';
import { credentialsOf } from './index.ts';

function site(seed = 1) {
  const state = createSiteState({
    shape: defaultSite,
    seed,
    clockMode: 'manual',
    privateJobs: false,
    startAt: Date.UTC(2026, 0, 1),
  });
  const alice = state.user('alice');
  const bob = state.user('bob');
  if (!alice || !bob) throw new Error('fixture users missing');
  const advance = (s: number) => state.clock.advance(s * 1000);
  return { state, alice, bob, advance, slurm: state.scheduler };
}

describe('scheduler', () => {
  test('runs a job to FAILED with its exit code and writes its output', () => {
    const { slurm, alice, advance, state } = site();
    const job = slurm.submit('daint', alice, {
      workingDirectory: '/home/alice',
      script: '#!/bin/bash\necho hi $SLURM_JOB_ID\nsleep 10\necho bye >&2\nexit 3\n',
    });
    expect(slurm.get('daint', alice, job.id).state).toBe('RUNNING');
    advance(9);
    const out = () =>
      state.filesystem('daint').readFile(credentialsOf(alice), `/home/alice/slurm-${job.id}.out`).toString();
    expect(out()).toBe(`hi ${job.id}\n`);
    advance(1);
    const done = slurm.get('daint', alice, job.id);
    expect(done).toMatchObject({ state: 'FAILED', exitCode: 3 });
    expect(out()).toBe(`hi ${job.id}\nbye\n`);
  });

  test('an ended data mover lets go of its work, whether it finished or was cancelled', async () => {
    const { slurm, alice, advance } = site();
    const work = () => Promise.resolve({ exitCode: 0, stdout: 'moved\n', stderr: '' });
    const request = { workingDirectory: '/home/alice', script: '#!/bin/bash\ntrue\n', action: work };
    const done = slurm.submit('daint', alice, request);
    const cancelled = slurm.submit('daint', alice, request);
    expect(done.action).toBe(work);
    slurm.cancel('daint', alice, cancelled.id);
    expect(slurm.get('daint', alice, cancelled.id)).toMatchObject({ state: 'CANCELLED', action: undefined });
    await Promise.resolve();
    advance(1);
    expect(slurm.get('daint', alice, done.id)).toMatchObject({ state: 'COMPLETED', action: undefined });
  });

  test('TIMEOUT past the limit, OUT_OF_MEMORY from #SIM', () => {
    const { slurm, alice, advance } = site();
    const late = slurm.submit('daint', alice, {
      workingDirectory: '/home/alice',
      script: '#!/bin/bash\n#SBATCH --time=1\nsleep 600\n',
    });
    const oom = slurm.submit('daint', alice, {
      workingDirectory: '/home/alice',
      script: '#!/bin/bash\n#SIM runtime=5s oom\n',
    });
    advance(61);
    expect(slurm.get('daint', alice, late.id).state).toBe('TIMEOUT');
    expect(slurm.get('daint', alice, late.id).endTime).toBe((late.startTime ?? 0) + 60_000);
    expect(slurm.get('daint', alice, oom.id).state).toBe('OUT_OF_MEMORY');
  });

  test('jobs wait for free nodes: Resources first, then Priority', () => {
    const { slurm, alice, advance } = site();
    const wide = (n: number) => ({
      workingDirectory: '/home/alice',
      partition: 'debug',
      script: `#!/bin/bash\n#SBATCH --nodes=${n}\nsleep 100\n`,
    });
    const first = slurm.submit('daint', alice, wide(14));
    const second = slurm.submit('daint', alice, wide(10));
    const third = slurm.submit('daint', alice, wide(5));
    expect(slurm.get('daint', alice, first.id).state).toBe('RUNNING');
    expect(slurm.get('daint', alice, second.id)).toMatchObject({ state: 'PENDING', reason: 'Resources' });
    expect(slurm.get('daint', alice, third.id)).toMatchObject({ state: 'PENDING', reason: 'Priority' });
    advance(100);
    expect(slurm.get('daint', alice, second.id).state).toBe('RUNNING');
    expect(slurm.get('daint', alice, second.id).startTime).toBe(slurm.get('daint', alice, first.id).endTime);
  });

  test('a reservation job runs on the reservation nodes only', () => {
    const { slurm, alice } = site();
    const job = slurm.submit('daint', alice, {
      workingDirectory: '/home/alice',
      reservation: 'firecrest_api',
      script: '#!/bin/bash\nsleep 5\n',
    });
    const reserved = slurm.system('daint').reservations[0]?.nodes ?? [];
    expect(reserved).toContain(slurm.get('daint', alice, job.id).nodes[0]);
  });

  test('ownership: lists, cancel and private jobs', () => {
    const { slurm, alice, bob } = site();
    const job = slurm.submit('daint', alice, { workingDirectory: '/home/alice', script: '#!/bin/bash\nsleep 50\n' });
    expect(slurm.list('daint', bob).map((j) => j.id)).not.toContain(job.id);
    expect(slurm.list('daint', bob, { allUsers: true }).map((j) => j.id)).toContain(job.id);
    expect(() => slurm.cancel('daint', bob, job.id)).toThrow(/Access\/permission denied/);
    expect(slurm.get('daint', bob, job.id).state).toBe('RUNNING');
    slurm.cancel('daint', alice, job.id);
    expect(slurm.get('daint', alice, job.id)).toMatchObject({ state: 'CANCELLED', cancelledBy: alice.uid, signal: 15 });
    expect(() => slurm.cancel('daint', alice, job.id)).toThrow(/already completing or completed/);
  });

  test('refuses what sbatch refuses', () => {
    const { slurm, alice } = site();
    const submit =
      (extra: object, script = '#!/bin/bash\n') =>
      () =>
        slurm.submit('daint', alice, { workingDirectory: '/home/alice', script, ...extra });
    expect(submit({ partition: 'nosuch' })).toThrow(/invalid partition specified: nosuch/);
    expect(submit({ account: 'nosuch' })).toThrow(/Invalid account/);
    expect(submit({ constraints: 'fpga' })).toThrow(/Invalid feature/);
    expect(submit({}, '#!/bin/bash\n#SBATCH --nodes=99\n')).toThrow(/node configuration is not available/);
    expect(submit({}, 'echo no shebang')).toThrow(/does not look like a batch script/);
    expect(submit({ reservation: 'nosuch' })).toThrow(/reservation is invalid/);
  });

  test('a job whose working directory the user cannot write fails', () => {
    const { slurm, bob } = site();
    const job = slurm.submit('daint', bob, { workingDirectory: '/home/alice', script: '#!/bin/bash\necho hi\n' });
    expect(slurm.get('daint', bob, job.id)).toMatchObject({ state: 'FAILED', exitCode: 1 });
  });

  test('the same seed gives the same site', () => {
    expect(site(7).state.site).toEqual(site(7).state.site);
    expect(site(7).state.site.firstJobId).not.toBe(site(8).state.site.firstJobId);
  });
});

describe('scripts that read and write files', () => {
  test('cat, wc and sha256sum read as the user; > and >> write in the working directory', () => {
    const { slurm, alice, advance, state } = site();
    const fs = state.filesystem('daint');
    const cred = credentialsOf(alice);
    fs.writeFile(cred, '/home/alice/data.csv', 'a,1\nb,2\nc,3\n');
    const script = [
      '#!/bin/bash',
      'wc -l data.csv > result.txt',
      'sha256sum data.csv >> result.txt',
      'echo "done $SLURM_JOB_ID" >> result.txt',
      'cat missing.txt',
      'cat data.csv',
    ].join('\n');
    const job = slurm.submit('daint', alice, { workingDirectory: '/home/alice', script });
    advance(1);
    slurm.sync();
    const hash = createHash('sha256').update('a,1\nb,2\nc,3\n').digest('hex');
    expect(fs.readFile(cred, '/home/alice/result.txt').toString()).toBe(
      `3 data.csv\n${hash}  data.csv\ndone ${job.id}\n`,
    );
    const out = fs.readFile(cred, `/home/alice/slurm-${job.id}.out`).toString();
    expect(out).toContain('cat: missing.txt: No such file or directory');
    expect(out).toContain('a,1\nb,2\nc,3\n');
  });
});

describe('attach', () => {
  test('runs the command now, as the user from their home; only what goes to a file is kept', () => {
    const { slurm, alice, state } = site();
    const job = slurm.submit('daint', alice, { workingDirectory: '/home/alice', script: '#!/bin/bash\nsleep 600\n' });
    slurm.attach('daint', alice, job.id, 'echo here $USER > attached.txt; hostname');
    const read = (path: string) => state.filesystem('daint').readFile(credentialsOf(alice), path).toString();
    expect(read('/home/alice/attached.txt')).toBe('here alice\n');
    expect(read(`/home/alice/slurm-${job.id}.out`)).toBe('');
  });

  test('a file the login shell cannot write fails the request; an ended job cannot be attached to', () => {
    const { slurm, alice, bob, advance } = site();
    const job = slurm.submit('daint', alice, { workingDirectory: '/home/alice', script: '#!/bin/bash\nsleep 5\n' });
    expect(() => slurm.attach('daint', alice, job.id, 'echo x > /home/bob/x.txt')).toThrow(/Permission denied/);
    expect(() => slurm.attach('daint', bob, job.id, 'true')).toThrow(/Access\/permission denied/);
    advance(6);
    expect(() => slurm.attach('daint', alice, job.id, 'true')).toThrow(/already completing or completed/);
  });
});
