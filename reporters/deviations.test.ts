import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { CheckResult } from './collect.ts';
import { judge } from './judge.ts';
import { applyDeviations, readDeviations } from './deviations.ts';

const result = (requirement: string, outcome: CheckResult['outcome']): CheckResult => ({
  system: 'daint',
  requirement,
  level: 'MUST',
  profile: 'core',
  title: 't',
  file: 'f',
  outcome,
  durationMs: 1,
});

test('a listed failure is a deviation, a listed pass is stale, an expired entry excuses nothing', () => {
  const results = [
    result('V2-STATUS-NODES-001', 'fail'),
    result('V2-STATUS-PARTITIONS-001', 'pass'),
    result('V2-STATUS-RESERVATIONS-001', 'fail'),
  ];
  const applied = applyDeviations(
    results,
    [
      { id: 'V2-STATUS-NODES-001', reason: 'nodes are private here' },
      { id: 'V2-STATUS-PARTITIONS-001', reason: 'was broken' },
      { id: 'V2-STATUS-RESERVATIONS-001', reason: 'tool missing', expires: '2020-01-01' },
    ],
    '2026-11-25',
  );
  expect(applied.results.map((r) => r.outcome)).toEqual(['deviation', 'pass', 'fail']);
  expect(applied.results[0]?.reason).toMatch(/nodes are private here/);
  expect(applied.stale).toEqual(['V2-STATUS-PARTITIONS-001']);
  expect(applied.expired).toEqual(['V2-STATUS-RESERVATIONS-001']);
});

test('the verdict: deviations do not fail it, stale entries do', () => {
  const failing = [result('V2-STATUS-NODES-001', 'fail')];
  expect(judge(failing, [{ id: 'V2-STATUS-NODES-001', reason: 'r' }]).verdict.verdict).not.toBe('FAIL');
  const passing = [result('V2-STATUS-NODES-001', 'pass')];
  const stale = judge(passing, [{ id: 'V2-STATUS-NODES-001', reason: 'r' }]).verdict;
  expect(stale.verdict).toBe('FAIL');
  expect(stale.problems[0]).toMatch(/V2-STATUS-NODES-001.*remove the entry/);
});

test('a deviations file is checked: known ids, a reason, a date', () => {
  const dir = mkdtempSync(join(tmpdir(), 'f7t-dev-'));
  const file = (text: string) => {
    const path = join(dir, `${Math.random()}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  expect(readDeviations(file('- id: V2-STATUS-NODES-001\n  reason: private\n  expires: 2027-01-31\n'))).toEqual([
    { id: 'V2-STATUS-NODES-001', reason: 'private', expires: '2027-01-31' },
  ]);
  expect(() => readDeviations(file('- id: NOPE-001\n  reason: x\n'))).toThrow(/not a requirement id/);
  expect(() => readDeviations(file('- id: V2-STATUS-NODES-001\n'))).toThrow(/reason is required/);
  expect(() => readDeviations(file('- id: V2-STATUS-NODES-001\n  reason: x\n  expires: soon\n'))).toThrow(/YYYY-MM-DD/);
});
