import { describe, expect, test } from 'vitest';
import { mutantRecords } from '../fixtures/mutants.ts';
import { profiles } from '../spec/requirements.ts';
import {
  affectedChecks,
  classify,
  killRate,
  loadCatalogue,
  loadMutant,
  type CleanCheck,
  type Mutant,
} from './mutants.ts';

const mutants = loadCatalogue();

const cleanCheck = (name: string, profile: CleanCheck['profile'], paths: string[]): CleanCheck => ({
  name,
  testId: name,
  moduleId: `/suites/${profile ?? 'x'}.spec.ts`,
  profile,
  requests: paths.map((p) => {
    const [method = 'GET', path = '/'] = p.split(' ');
    return { method, path };
  }),
});

const record = (name: string, outcome: 'pass' | 'fail' | 'warn' | 'skip' | 'error') => {
  const [requirement = '', ...title] = name.split(' ');
  return { requirement, title: title.join(' '), file: 'x', outcome, profile: undefined };
};

describe('the mutant catalogue', () => {
  test('each mutant names a real rule of its own profile and faults the simulator accepts', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(60);
    expect(new Set(mutantRecords.map((m) => m.id)).size).toBe(mutantRecords.length);
    const record = { id: 'x', profile: 'core', rule: 'V2-FS-LS-001', description: '', faults: [{ path: '/' }] };
    expect(() => loadMutant(record)).toThrow('is of profile filesystem, not core');
    expect(() => loadMutant({ ...record, profile: 'filesystem' })).toThrow('mutant x: a fault needs a status');
  });

  test('the profiles of both API generations all have mutants', () => {
    const generations = [
      ...['core', 'auth', 'compute', 'filesystem', 'transfer', 'workflow'],
      ...['v1-core', 'v1-utilities', 'v1-compute', 'v1-tasks', 'v1-storage', 'v1-reservations'],
    ];
    expect(generations.filter((p) => !profiles.includes(p as never))).toEqual([]);
    expect(generations.filter((p) => !mutants.some((m) => m.profile === p))).toEqual([]);
  });
});

describe('choosing checks and judging a run', () => {
  const clean = [
    cleanCheck('V2-FS-LS-001 lists', 'filesystem', ['GET /v2/filesystem/x/ops/ls']),
    cleanCheck('V2-FS-STAT-001 stats', 'filesystem', ['GET /v2/filesystem/x/ops/stat']),
    cleanCheck('V2-STATUS-NODES-001 nodes', 'core', ['GET /v2/status/x/nodes']),
  ];
  const mutant = (faults: Mutant['faults']): Mutant => ({
    id: 'm',
    description: '',
    rule: 'V2-FS-LS-001',
    profile: 'filesystem',
    faults,
  });

  test('a fault on a path affects the checks of its profile that asked that path', () => {
    const chosen = affectedChecks(mutant([{ path: '/v2/filesystem/*/ops/ls', status: 500 }]), clean);
    expect(chosen.map((c) => c.name)).toEqual(['V2-FS-LS-001 lists']);
    expect(affectedChecks(mutant([{ method: 'POST', path: '/v2/filesystem/*/ops/ls', status: 500 }]), clean)).toEqual(
      clean.slice(0, 2),
    );
  });

  test('an engine fault, or a path no check asked, affects the whole profile', () => {
    expect(affectedChecks(mutant([{ engine: 'fs.permissions-ignored' }]), clean)).toHaveLength(2);
    expect(affectedChecks(mutant([{ path: '/s3/**', alterBody: 'crlf' }]), clean)).toHaveLength(2);
  });

  test('a mutant is killed by a failure, an error, a warning or a check that no longer passes', () => {
    const before = [record('V2-FS-LS-001 lists', 'pass'), record('V2-FS-STAT-001 stats', 'pass')];
    const chosen = new Set(['V2-FS-LS-001 lists', 'V2-FS-STAT-001 stats']);
    expect(classify(before, before, chosen).killed).toBe(false);
    for (const outcome of ['fail', 'warn', 'error', 'skip'] as const) {
      const after = [record('V2-FS-LS-001 lists', outcome), record('V2-FS-STAT-001 stats', 'pass')];
      expect(classify(before, after, chosen), outcome).toEqual({
        killed: true,
        killers: [`V2-FS-LS-001 lists (${outcome})`],
      });
    }
    expect(classify(before, [record('V2-FS-STAT-001 stats', 'pass')], chosen).killers).toEqual([
      'V2-FS-LS-001 lists (not run)',
    ]);
    expect(killRate([{ killed: true }, { killed: false }] as never)).toBe(50);
  });
});
