import { profiles as profileOrder } from '../spec/requirements.ts';
import type { Outcome } from '../spec/results.ts';
import type { ReportWriter } from './registry.ts';
import type { CheckRecord, RunReport } from './report.ts';

// JUnit XML, written from the run's records like every other report (vitest's own JUnit
// reporter knew nothing of deviations, warnings or filters). One test case per check; only a
// failed MUST is a <failure>, an error an <error>, a skip <skipped> with its reason; a SHOULD
// warning and a declared deviation pass, with their outcome in a property and in system-out.

const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '\uFFFD')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const property = (name: string, value: string) => `<property name="${name}" value="${escapeXml(value)}"/>`;
const firstLine = (text: string) => text.split('\n')[0] ?? '';

function testCase(c: CheckRecord): string {
  const generation = c.requirement.slice(0, 2).toLowerCase();
  const properties = [
    property('requirement', c.requirement),
    property('level', c.level ?? ''),
    property('profile', c.profile ?? ''),
    property('system', c.system),
    property('generation', generation),
    property('outcome', c.outcome),
  ].join('');
  const reason = c.reason ?? '';
  const body: Record<Outcome, string> = {
    pass: '',
    fail: `<failure message="${escapeXml(firstLine(reason))}" type="fail">${escapeXml(reason)}</failure>`,
    error: `<error message="${escapeXml(firstLine(reason))}" type="error">${escapeXml(reason)}</error>`,
    skip: `<skipped message="${escapeXml(reason)}"/>`,
    warn: `<system-out>${escapeXml(`outcome: warn (a SHOULD requirement is not met)\n${reason}`)}</system-out>`,
    deviation: `<system-out>${escapeXml(`outcome: deviation (declared by the site)\n${reason}`)}</system-out>`,
  };
  return `    <testcase classname="${escapeXml(c.profile ?? 'unknown')}" name="${escapeXml(`${c.requirement} ${c.title}`)}" time="${seconds(c.durationMs)}" file="${escapeXml(c.file)}">
      <properties>${properties}</properties>${body[c.outcome] ? `\n      ${body[c.outcome]}` : ''}
    </testcase>`;
}

const count = (checks: readonly CheckRecord[], outcome: Outcome) => checks.filter((c) => c.outcome === outcome).length;

/** The JUnit document of one system: a test suite per profile, a test case per check. */
export function renderJunit(report: RunReport, system: string): string {
  const checks = report.results.filter((c) => c.system === system);
  const rank = (p: string) => (profileOrder as readonly string[]).indexOf(p);
  const profiles = [...new Set(checks.map((c) => c.profile ?? 'unknown'))].sort((a, b) => rank(a) - rank(b));
  const suites = profiles.map((profile) => {
    const mine = checks.filter((c) => (c.profile ?? 'unknown') === profile);
    const time = mine.reduce((sum, c) => sum + c.durationMs, 0);
    return `  <testsuite name="${escapeXml(profile)}" tests="${mine.length}" failures="${count(mine, 'fail')}" errors="${count(mine, 'error')}" skipped="${count(mine, 'skip')}" time="${seconds(time)}">
    <properties>${property('system', system)}</properties>
${mine.map(testCase).join('\n')}
  </testsuite>`;
  });
  // Errors outside any check make the run exit 2: CI shows them as one errored case.
  if (report.runErrors.length > 0)
    suites.push(`  <testsuite name="run" tests="1" failures="0" errors="1" skipped="0" time="0">
    <testcase classname="run" name="errors outside the checks" time="0">
      <error message="${escapeXml(firstLine(report.runErrors[0] ?? ''))}" type="error">${escapeXml(report.runErrors.join('\n\n'))}</error>
    </testcase>
  </testsuite>`);
  const extra = report.runErrors.length > 0 ? 1 : 0;
  const time = checks.reduce((sum, c) => sum + c.durationMs, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="f7t-conformance ${escapeXml(system)}" tests="${checks.length + extra}" failures="${count(checks, 'fail')}" errors="${count(checks, 'error') + extra}" skipped="${count(checks, 'skip')}" time="${seconds(time)}">
${suites.join('\n')}
</testsuites>
`;
}

/** One file per system: `junit.xml` for a run on one system, `junit-<system>.xml` for several. */
export function junitFileName(report: RunReport, system: string): string {
  return report.systems.length > 1 ? `junit-${system.replace(/[^A-Za-z0-9_.-]/g, '_')}.xml` : 'junit.xml';
}

export const junitReport: ReportWriter = {
  kind: 'junit',
  write(report, out) {
    const systems = report.systems.length > 0 ? report.systems : [...new Set(report.results.map((c) => c.system))];
    return systems.map((system) => {
      const name = junitFileName(report, system);
      out.writeFile(name, renderJunit(report, system));
      return name;
    });
  },
};
