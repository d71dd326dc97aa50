import { expect, test } from 'vitest';
import { junitFileName, renderJunit } from './junit.ts';
import type { CheckRecord, RunReport } from './report.ts';

const check = (requirement: string, outcome: CheckRecord['outcome'], reason?: string): CheckRecord => ({
  requirement,
  level: outcome === 'warn' ? 'SHOULD' : 'MUST',
  profile: 'core',
  system: 'daint',
  title: 'does <things> & "more"',
  file: 'suites/v2/status.spec.ts',
  outcome,
  durationMs: 1500,
  ...(reason ? { reason } : {}),
});

const report = (results: CheckRecord[], runErrors: string[] = []) =>
  ({ systems: ['daint'], results, runErrors }) as unknown as RunReport;

test('one case per check: failure for a failed MUST, error, skipped with its reason; warn and deviation pass', () => {
  const xml = renderJunit(
    report([
      check('V2-A-001', 'pass'),
      check('V2-A-002', 'fail', 'expected 200\nbody: <html>'),
      check('V2-A-003', 'error', 'set-up failed'),
      check('V2-A-004', 'skip', 'needs a second identity'),
      check('V2-A-005', 'warn', 'no 404'),
      check('V2-A-006', 'deviation', 'deviation: declared'),
    ]),
    'daint',
  );
  expect(xml.match(/<testcase /g)).toHaveLength(6);
  expect(xml.match(/<failure /g)).toHaveLength(1);
  expect(xml.match(/<error /g)).toHaveLength(1);
  expect(xml).toContain('<skipped message="needs a second identity"/>');
  expect(xml).toContain('outcome: warn');
  expect(xml).toContain('outcome: deviation');
  expect(xml).toContain('name="V2-A-002 does &lt;things&gt; &amp; &quot;more&quot;"');
  expect(xml).toContain('<failure message="expected 200" type="fail">expected 200\nbody: &lt;html&gt;</failure>');
  expect(xml).toMatch(/<testsuites [^>]*tests="6" failures="1" errors="1" skipped="1"/);
  expect(xml).toContain('<property name="outcome" value="warn"/>');
});

test('errors outside any check are one errored case, so CI shows why the run exited 2', () => {
  const xml = renderJunit(report([check('V2-A-001', 'pass')], ['suites/v2/x.spec.ts: SyntaxError']), 'daint');
  expect(xml).toMatch(/<testsuites [^>]*tests="2" failures="0" errors="1"/);
  expect(xml).toContain('SyntaxError');
});

test('control characters a site sent cannot break the XML', () => {
  const xml = renderJunit(report([check('V2-A-002', 'fail', 'bad\u0000byte\u001b[0m')]), 'daint');
  expect(xml.includes('\u0000') || xml.includes('\u001b')).toBe(false);
});

test('one file per system when there are several', () => {
  expect(junitFileName(report([]), 'daint')).toBe('junit.xml');
  expect(junitFileName({ systems: ['daint', 'eiger'] } as unknown as RunReport, 'eiger')).toBe('junit-eiger.xml');
});
