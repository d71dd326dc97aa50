import { expect, test } from 'vitest';
import { CI_FUZZ_COUNT, CI_FUZZ_SEED, formatFuzzReport, runFuzz } from './index.ts';

// Issue 14: hostile requests for every v1 and v2 operation, from a fixed seed. The report (count,
// statuses, 5xx outside the README's differences) is printed for CI's log.
test('10,000 generated hostile requests: no crash, no unlisted 5xx, errors in shape, refusals change nothing', async () => {
  const report = await runFuzz({ seed: CI_FUZZ_SEED, count: CI_FUZZ_COUNT });
  console.log(formatFuzzReport(report));
  expect(report.failure).toBeUndefined();
  expect(report.requests).toBeGreaterThanOrEqual(CI_FUZZ_COUNT);
  expect(report.unlisted5xx).toBe(0);
}, 120_000);
