import { expect, test } from 'vitest';
import type { ProfileVerdictRecord } from './report.ts';
import { verdictLine } from './verdict.ts';

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
