import { describe, expect, test } from 'vitest';
import { requirements } from '../spec/requirements.ts';
import type { CheckRecord, ProfileVerdictRecord } from './report.ts';
import { computeVerdict, exitStatusOf, verdictLine } from './verdict.ts';

const profile = (over: Partial<ProfileVerdictRecord>): ProfileVerdictRecord => ({
  profile: 'filesystem',
  system: 'daint',
  verdict: 'INCOMPLETE',
  mustTotal: 12,
  mustPassed: 0,
  mustFailed: [],
  mustNotRun: [],
  shouldRan: 0,
  shouldPassed: 0,
  shouldWarnings: [],
  deviations: [],
  ...over,
});

const counts = { pass: 3, fail: 0, warn: 0, skip: 12, error: 0, deviation: 0 };

test('the verdict stays one readable line: a long list of requirements is cut with a count', () => {
  const ids = Array.from({ length: 12 }, (_, i) => `V2-FS-LS-${String(i + 1).padStart(3, '0')}`);
  const line = verdictLine({
    verdict: 'INCOMPLETE',
    profiles: [profile({ mustNotRun: ids })],
    counts,
    problems: [],
    mustRan: 3,
  });
  expect(line).toContain(`MUST requirements not checked: ${ids.slice(0, 8).join(', ')} and 4 more;`);
  expect(line).not.toContain('V2-FS-LS-009');
});

test('a short list is given whole, and a failure names the requirement and the system', () => {
  const line = verdictLine({
    verdict: 'FAIL',
    profiles: [
      profile({ verdict: 'FAIL', mustFailed: ['V2-FS-LS-001'] }),
      profile({ system: 'eiger', verdict: 'PASS', mustPassed: 12 }),
    ],
    counts: { ...counts, fail: 1 },
    problems: [],
    mustRan: 4,
  });
  expect(line).toMatch(/^verdict: FAIL \(MUST requirements failed: V2-FS-LS-001@daint; checks: 3 passed, 1 failed/);
});

describe('exit codes', () => {
  const record = (
    requirement: string,
    outcome: CheckRecord['outcome'],
    over: Partial<CheckRecord> = {},
  ): CheckRecord => {
    const req = requirements.find((r) => r.id === requirement);
    return {
      requirement,
      level: req?.level,
      profile: req?.profile,
      system: 'daint',
      title: requirement,
      file: 'suites/x.spec.ts',
      outcome,
      durationMs: 1,
      ...(outcome === 'skip' ? { reason: 'needs a second identity' } : {}),
      ...over,
    };
  };
  const core = requirements.filter((r) => r.profile === 'core');
  const allOf = (outcome: CheckRecord['outcome']) => core.map((r) => record(r.id, outcome));
  const onlyCore = (profile: string) => (profile === 'core' ? undefined : 'out of scope in this test');
  const facts = { interrupted: false, certify: false, runErrors: 0 };
  const exit = (results: CheckRecord[], over: Partial<typeof facts> = {}, problems: string[] = []) =>
    exitStatusOf(computeVerdict(results, { outOfScope: onlyCore, problems }), { ...facts, ...over }).code;

  test('0 when every MUST in scope passed; out-of-scope profiles are listed, not certified, and change nothing', () => {
    const verdict = computeVerdict(allOf('pass'), { outOfScope: onlyCore });
    expect(verdict.verdict).toBe('PASS');
    expect(verdict.profiles.find((p) => p.profile === 'compute')).toMatchObject({
      verdict: 'OUT-OF-SCOPE',
      outOfScope: 'out of scope in this test',
    });
    expect(exit(allOf('pass'))).toBe(0);
  });

  test('INCOMPLETE through declared skips is 0, and 3 with --certify', () => {
    const results = allOf('pass').map((r, i) => (i === 0 ? { ...r, outcome: 'skip' as const, reason: 'declared' } : r));
    expect(computeVerdict(results, { outOfScope: onlyCore }).verdict).toBe('INCOMPLETE');
    expect(exit(results)).toBe(0);
    expect(exit(results, { certify: true })).toBe(3);
  });

  test('an error is 2, whatever else passed; so is a run where no MUST ran', () => {
    const results = allOf('pass').map((r, i) => (i === 0 ? { ...r, outcome: 'error' as const } : r));
    expect(exit(results)).toBe(2);
    expect(exit(allOf('pass'), { runErrors: 1 })).toBe(2);
    expect(exit(allOf('skip'))).toBe(2);
    expect(exit([])).toBe(2);
  });

  test('the first of 130, 1, 2, 3 wins', () => {
    const failedAndErrored = allOf('pass').map((r, i) =>
      i === 0 ? { ...r, outcome: 'fail' as const } : i === 1 ? { ...r, outcome: 'error' as const } : r,
    );
    expect(exit(failedAndErrored, { certify: true })).toBe(1);
    expect(exit(failedAndErrored, { interrupted: true })).toBe(130);
    expect(exit(allOf('pass'), {}, ['deviation X is listed but the requirement now passes: remove the entry'])).toBe(1);
    const erroredIncomplete = allOf('pass').map((r, i) => (i === 0 ? { ...r, outcome: 'error' as const } : r));
    expect(exit(erroredIncomplete, { certify: true })).toBe(2);
  });

  test('a SHOULD warning and a deviation leave the verdict PASS and the exit 0', () => {
    const should = core.find((r) => r.level === 'SHOULD');
    const must = core.find((r) => r.level === 'MUST');
    const results = allOf('pass').map((r) =>
      r.requirement === should?.id
        ? { ...r, outcome: 'warn' as const }
        : r.requirement === must?.id
          ? { ...r, outcome: 'deviation' as const }
          : r,
    );
    expect(exit(results)).toBe(0);
  });
});
