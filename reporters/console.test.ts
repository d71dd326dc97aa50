import { expect, test } from 'vitest';
import { formatSummary, timingLine } from './console.ts';
import type { CheckRecord } from './report.ts';
import { computeVerdict } from './verdict.ts';

const result = (requirement: string, outcome: CheckRecord['outcome'], reason?: string): CheckRecord => ({
  requirement,
  level: 'MUST',
  profile: requirement.startsWith('V1-') ? 'v1-core' : 'core',
  system: 'daint',
  title: `checks ${requirement}`,
  file: 'suites/x.spec.ts',
  outcome,
  durationMs: 1,
  ...(reason ? { reason } : {}),
});

test('skips that share a reason are one entry; failures and lone skips keep their own', () => {
  const noV1 = "the site's v1 base URL is not given";
  const results = [
    result('V2-STATUS-SYSTEMS-001', 'fail', 'expected 200, got 500'),
    ...Array.from({ length: 9 }, (_, i) => result(`V1-STATUS-SYSTEMS-00${i + 1}`, 'skip', noV1)),
    result('V2-AUTH-EXPIRED-001', 'skip', 'needs an expired token of the site (expiredToken)'),
  ];
  const text = formatSummary(results, computeVerdict(results));
  expect(text).toContain(
    '  FAIL V2-STATUS-SYSTEMS-001 [MUST] checks V2-STATUS-SYSTEMS-001\n       expected 200, got 500',
  );
  expect(text).toContain(
    `  SKIP 9 checks: V1-STATUS-SYSTEMS-001, V1-STATUS-SYSTEMS-002, V1-STATUS-SYSTEMS-003, V1-STATUS-SYSTEMS-004, V1-STATUS-SYSTEMS-005, V1-STATUS-SYSTEMS-006 and 3 more\n       ${noV1}`,
  );
  expect(text.split(noV1)).toHaveLength(2);
  expect(text).toContain('  SKIP V2-AUTH-EXPIRED-001 [MUST] checks V2-AUTH-EXPIRED-001\n       needs an expired token');
});

test('the timing line splits the wall time into start-up, suites and the rest', () => {
  const timing = {
    startedAt: '',
    durationMs: 4_000,
    startupMs: 400,
    suitesMs: 3_100,
    preparationMs: 2_460,
    apiMs: 1_234,
    waitMs: 0,
  };
  expect(timingLine({ timing })).toBe(
    'time: 4.0 s: vitest start-up 0.4 s, suites 3.1 s (summed over files: preparing and importing 2.5 s; over checks: API 1.2 s, waiting 0.0 s), the rest 0.5 s (token, reports, cleanup)',
  );
});
