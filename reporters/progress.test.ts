import { expect, test, vi } from 'vitest';
import type { TestCase, TestModule } from 'vitest/node';
import { ProgressReporter, type Progress } from './progress.ts';

const check = (name: string, meta: { apiMs?: number; waitMs?: number }, mode = 'run') =>
  ({ name, options: { mode }, meta: () => meta }) as unknown as TestCase;

test('counts checks of all, keeps queue wait apart from API time, and estimates what is left', () => {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (written.push(String(text)), true));
  try {
    const progress: Progress = { systems: 2, expected: 4, apiMs: 0, waitMs: 0, startedAt: Date.now() - 65_000 };
    const reporter = new ProgressReporter(progress, 'daint', 0, { everyMs: 0 });
    reporter.onTestCaseResult(check('V2-STATUS-SYSTEMS-001 lists', { apiMs: 1500, waitMs: 0 }));
    reporter.onTestCaseResult(check('a helper test, no check', { apiMs: 99_000 }));
    reporter.onTestCaseResult(check('V2-STATUS-NODES-001 left out by a filter', { apiMs: 99_000 }, 'skip'));
    reporter.onTestCaseResult(check('V2-COMPUTE-STATE-001 waits', { apiMs: 500, waitMs: 42_000 }));
    expect(progress).toMatchObject({ apiMs: 2000, waitMs: 42_000 });
    const last = written.at(-1) ?? '';
    expect(last).toMatch(/\[f7t-conformance daint \(1\/2\)\] 2\/4 checks, ETA \d+s/);
    expect(last).toMatch(/API 2s, queue wait 42s, elapsed 1m0[56]s/);
  } finally {
    spy.mockRestore();
  }
});

test('leaves out checks the run rules out, and while a check waits names it on a heartbeat line', () => {
  vi.useFakeTimers();
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (written.push(String(text)), true));
  try {
    const progress: Progress = {
      systems: 1,
      expected: 2,
      ruledOut: (id) => id.startsWith('V1-'),
      apiMs: 0,
      waitMs: 0,
      startedAt: Date.now(),
    };
    const reporter = new ProgressReporter(progress, 'daint', 0, { everyMs: 1000 });
    reporter.onTestRunStart();
    // A wait in a setup hook: no check has started, the file has.
    const module = { id: 'm1', moduleId: '/x/suites/v2/compute.spec.ts' } as unknown as TestModule;
    reporter.onTestModuleStart(module);
    expect(reporter.line(Date.now())).toMatch(/ \| in v2\/compute\.spec\.ts\n$/);
    const waiting = { ...check('V2-COMPUTE-STATE-001 waits', {}), id: 't2' } as unknown as TestCase;
    reporter.onTestCaseReady({ ...check('V1-STATUS-SYSTEMS-001 no v1 URL', {}), id: 't1' } as unknown as TestCase);
    reporter.onTestCaseResult({ ...check('V1-STATUS-SYSTEMS-001 no v1 URL', {}), id: 't1' } as unknown as TestCase);
    reporter.onTestCaseReady(waiting);
    vi.advanceTimersByTime(1000);
    expect(written.at(-1)).toMatch(/\] 0\/2 checks, .* \| running V2-COMPUTE-STATE-001\n$/);
    reporter.onTestCaseResult(waiting);
    expect(reporter.line(Date.now())).toMatch(/\] 1\/2 checks, [^|]*\|[^|]*\| in v2\/compute\.spec\.ts\n$/);
    reporter.onTestModuleEnd(module);
    expect(reporter.line(Date.now())).toMatch(/\] 1\/2 checks, [^|]*\|[^|]*$/);
    reporter.onTestRunEnd();
    const count = written.length;
    vi.advanceTimersByTime(5000);
    expect(written).toHaveLength(count);
  } finally {
    spy.mockRestore();
    vi.useRealTimers();
  }
});
