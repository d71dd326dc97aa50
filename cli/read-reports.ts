import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Reads back what each report of a run says about every check, for the tests that hold the
// reports equal: `<requirement>@<system>` to its outcome.

export type Outcomes = Map<string, string>;

interface ResultsFile {
  readonly systems: string[];
  readonly exit: { code: number; reason: string };
  readonly counts: Record<string, number>;
  readonly coverage: { operation: string; requirements: string[] }[];
  readonly results: { requirement: string; system: string; outcome: string; reason?: string }[];
}

export const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsFile;

export function jsonOutcomes(dir: string): Outcomes {
  return new Map(readResults(dir).results.map((r) => [`${r.requirement}@${r.system}`, r.outcome]));
}

const unescape = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

/** Each test case's outcome property, checked against the element JUnit tools read. */
export function junitOutcomes(xml: string): Outcomes {
  const outcomes: Outcomes = new Map();
  for (const [, body = ''] of xml.matchAll(/<testcase [^>]*>([\s\S]*?)<\/testcase>/g)) {
    const property = (name: string) =>
      unescape(new RegExp(`<property name="${name}" value="([^"]*)"/>`).exec(body)?.[1] ?? '');
    const outcome = property('outcome');
    const element = /<(failure|error|skipped)\b/.exec(body)?.[1];
    const expected = { fail: 'failure', error: 'error', skip: 'skipped' }[outcome];
    if (element !== expected)
      throw new Error(`JUnit case ${property('requirement')} is ${outcome} but has <${element ?? 'nothing'}>`);
    if (property('requirement')) outcomes.set(`${property('requirement')}@${property('system')}`, outcome);
  }
  return outcomes;
}

/** Each check of the HTML page: its outcome, requirement and system. */
export function htmlOutcomes(html: string): Outcomes {
  const outcomes: Outcomes = new Map();
  const checks = html.matchAll(
    /<details class="check o-\w+" id="[^"]+" data-outcome="(\w+)"\s+data-profile="[^"]*" data-system="([^"]*)"[^>]*>\s*<summary>[\s\S]*?<code class="cid" data-text>([^<]+)<\/code>/g,
  );
  for (const [, outcome = '', system = '', requirement = ''] of checks)
    outcomes.set(`${unescape(requirement)}@${unescape(system)}`, outcome);
  return outcomes;
}

/** The console's closing counts, and the checks it names one by one (fail, warn, deviation). */
export function consoleFacts(stdout: string): { counts: Record<string, number>; named: Outcomes } {
  const verdict = stdout.trim().split('\n').at(-1) ?? '';
  const number = (label: string) => Number(new RegExp(`(\\d+) ${label}`).exec(verdict)?.[1] ?? 0);
  const counts = {
    pass: number('passed'),
    fail: number('failed'),
    skip: number('skipped'),
    error: number('errors'),
    warn: number('warnings'),
    deviation: number('deviations'),
  };
  const named: Outcomes = new Map();
  const marks: Record<string, string> = { FAIL: 'fail', WARN: 'warn', DEV: 'deviation' };
  for (const [, mark = '', id = '', system] of stdout.matchAll(
    /^ {2}(FAIL|WARN|DEV) +(V\d-[A-Z0-9-]+-\d{3}) \[\w+\](?: on (\S+))?/gm,
  ))
    named.set(`${id}@${system ?? ''}`, marks[mark] ?? mark);
  return { counts, named };
}
