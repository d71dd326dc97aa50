import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordedExchange } from '../spec/results.ts';
import { formatBody, formatDuration, maskHeader, renderHtml } from './html.ts';
import type { CheckRecord, RunReport } from './report.ts';

const XSS = '</script><script>alert(1)</script><img src=x onerror=alert(1)>';

const exchange = (over: Partial<RecordedExchange> = {}): RecordedExchange => ({
  method: 'GET',
  url: 'https://api.example.org/v2/filesystem/daint/ops/ls?path=home',
  requestHeaders: { authorization: 'Bearer <redacted>' },
  status: 500,
  responseHeaders: { 'content-type': 'text/html' },
  responseBody: XSS,
  diagnostics: ['status 500 is not documented'],
  durationMs: 12,
  ...over,
});

const check = (over: Partial<CheckRecord>): CheckRecord => ({
  requirement: 'V2-STATUS-SYSTEMS-001',
  level: 'MUST',
  profile: 'core',
  system: 'daint',
  title: 'lists the systems',
  file: 'suites/v2/status.spec.ts',
  outcome: 'pass',
  durationMs: 40,
  ...over,
});

function makeReport(over: Partial<RunReport> = {}): RunReport {
  const results = [
    check({}),
    check({ requirement: 'V2-STATUS-LIVENESS-001', title: 'liveness' }),
    check({
      requirement: 'V2-FS-PATH-001',
      profile: 'filesystem',
      title: 'a relative path answers 400',
      outcome: 'fail',
      reason: `expected 400, got 500 ${XSS}`,
      exchanges: [
        exchange(),
        exchange({
          requestHeaders: {
            Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.cGF5bG9hZA.c2lnbmF0dXJl',
            Cookie: 'session=s3cr3t-cookie',
            'X-Amz-Security-Token': 'FwoGZXIvYXdzEXAMPLETOKEN',
          },
        }),
      ],
    }),
    check({
      requirement: 'V2-ERRORS-002',
      level: 'SHOULD',
      title: 'unknown route',
      outcome: 'warn',
      reason: 'no envelope',
    }),
    check({
      requirement: 'V2-AUTH-EXPIRED-001',
      profile: 'auth',
      system: 'eiger',
      title: 'expired token',
      outcome: 'skip',
      reason: 'no expired token given',
    }),
    check({
      requirement: 'V2-COMPUTE-STATE-003',
      level: 'SHOULD',
      profile: 'compute',
      title: 'timeout',
      outcome: 'error',
      waitMs: 180_000,
    }),
    check({ requirement: 'V2-FS-UPLOAD-002', level: 'SHOULD', profile: 'filesystem', outcome: 'deviation' }),
  ];
  return {
    tool: 'f7t-conformance',
    version: '0.1.0',
    generatedAt: '2025-12-01T10:58:31.204Z',
    runId: 'r7k2q',
    site: `Example <b>site</b>`,
    target: {
      kind: 'remote',
      baseUrl: 'https://api.example.org/v2',
      clientId: 'alice-client',
      clientSecret: 'hunter2-must-not-show',
    },
    readOnly: false,
    systems: ['daint', 'eiger'],
    verdict: 'FAIL',
    exit: { code: 1, reason: 'a MUST requirement failed or the deviations file is stale' },
    certify: false,
    filter: null,
    runErrors: [],
    mustRan: 3,
    coverage: [
      { operation: 'v2 GET /status/systems', requirements: ['V2-STATUS-SYSTEMS-001'], outcomes: { pass: 1 } },
      { operation: 'v2 PUT /compute/{system_name}/jobs/{job_id}/attach', requirements: [], outcomes: {} },
    ],
    profiles: [
      {
        profile: 'core',
        system: 'daint',
        verdict: 'PASS',
        mustTotal: 2,
        mustPassed: 2,
        mustFailed: [],
        mustNotRun: [],
        shouldRan: 1,
        shouldPassed: 0,
        shouldWarnings: ['V2-ERRORS-002'],
        deviations: [],
      },
      {
        profile: 'filesystem',
        system: 'daint',
        verdict: 'FAIL',
        mustTotal: 19,
        mustPassed: 18,
        mustFailed: ['V2-FS-PATH-001'],
        mustNotRun: [],
        shouldRan: 3,
        shouldPassed: 3,
        shouldWarnings: [],
        deviations: ['V2-FS-UPLOAD-002'],
      },
      {
        profile: 'auth',
        system: 'eiger',
        verdict: 'INCOMPLETE',
        mustTotal: 11,
        mustPassed: 10,
        mustFailed: [],
        mustNotRun: ['V2-AUTH-EXPIRED-001'],
        shouldRan: 0,
        shouldPassed: 0,
        shouldWarnings: [],
        deviations: [],
      },
    ],
    counts: { pass: 2, fail: 1, warn: 1, skip: 1, error: 1, deviation: 1 },
    problems: ['deviation V2-COMPUTE-GET-003 is listed but the requirement now passes: remove the entry'],
    timing: {
      startedAt: '2025-12-01T10:41:02.117Z',
      durationMs: 1_049_087,
      apiMs: 78_000,
      waitMs: 1_129_000,
      startupMs: 1_250,
      suitesMs: 1_040_000,
      preparationMs: 3_500,
    },
    cleanup: {
      done: ['removed /home/alice/f7t-conformance-r7k2q'],
      leftovers: [{ kind: 'job', what: 'job 1873411 (RUNNING)', system: 'eiger', note: 'cancel answered 500' }],
    },
    results,
    ...over,
  };
}

/** The page without its one inline script, for assertions about the markup. */
const markup = (html: string) => html.replace(/<script>[\s\S]*?<\/script>/, '');

describe('renderHtml', () => {
  const html = renderHtml(makeReport());

  it('shows the verdict, the problems and a row per profile with its systems', () => {
    expect(html).toMatch(/<div class="verdict v-FAIL"[^>]*>[\s\S]*?<strong>FAIL<\/strong>/);
    expect(html).toContain('V2-COMPUTE-GET-003 is listed but the requirement now passes');
    for (const profile of ['core', 'filesystem', 'auth']) expect(html).toContain(`<tr data-profile="${profile}">`);
    expect(html).toMatch(/<th scope="col">daint<\/th><th scope="col">eiger<\/th>/);
    expect(html).toContain('18/19 MUST');
    expect(html).toContain('<span class="should">3/3 SHOULD</span>');
    // A profile none of whose SHOULDs ran says nothing of SHOULDs.
    expect(html).not.toContain('0/0 SHOULD');
    expect(html).toMatch(/failed<\/span> <a href="#check-\d+"><code>V2-FS-PATH-001<\/code><\/a>/);
  });

  it('shows a count per outcome in the filters, matching the checks', () => {
    const counts = { pass: 2, fail: 1, warn: 1, skip: 1, error: 1, deviation: 1 };
    for (const [outcome, n] of Object.entries(counts)) {
      expect(html).toContain(`<span class="n" data-count-for="${outcome}">${n}</span>`);
      expect(html.match(new RegExp(`data-outcome="${outcome}"`, 'g'))).toHaveLength(n);
    }
  });

  it('lists problems before passes', () => {
    const order = [...html.matchAll(/data-outcome="(\w+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['fail', 'error', 'warn', 'deviation', 'skip', 'pass', 'pass']);
  });

  it('escapes what the site answered, so a body cannot inject markup', () => {
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]+\sonerror=/i);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Example &lt;b&gt;site&lt;/b&gt;');
  });

  it('escapes a hostile JSON body after pretty-printing it', () => {
    const page = renderHtml(
      makeReport({ results: [check({ outcome: 'fail', exchanges: [exchange({ responseBody: `{"a":"${XSS}"}` })] })] }),
    );
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain('{\n  &quot;a&quot;: &quot;&lt;/script&gt;&lt;script&gt;');
  });

  it('loads nothing from elsewhere and allows only its own script', () => {
    const page = markup(html);
    expect(page).not.toMatch(/\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(page).not.toMatch(/@import|url\(/i);
    expect(page).not.toMatch(/<(?:link|img|iframe|object|embed|base)\b/i);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/
      .exec(html)?.[1]
      ?.replaceAll('&#39;', "'");
    expect(csp).toContain(`default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'`);
  });

  it('masks secret headers that were not redacted, and keeps redacted ones', () => {
    expect(html).not.toContain('eyJhbGciOiJSUzI1NiJ9');
    expect(html).not.toContain('s3cr3t-cookie');
    expect(html).not.toContain('FwoGZXIvYXdzEXAMPLETOKEN');
    expect(html).toContain('<th scope="row">Authorization</th><td>Bearer [masked]</td>');
    expect(html).toContain('<th scope="row">authorization</th><td>Bearer &lt;redacted&gt;</td>');
    expect(maskHeader('Cookie', 'session=1')).toBe('[masked]');
    expect(maskHeader('content-type', 'application/json')).toBe('application/json');
  });

  it('withholds secrets in the target and presigned URLs', () => {
    expect(html).not.toContain('hunter2');
    expect(html).toContain('alice-client');
    const page = renderHtml(
      makeReport({
        results: [
          check({
            outcome: 'fail',
            exchanges: [exchange({ url: 'https://s3.example.org/b/k?X-Amz-Date=1&X-Amz-Signature=abc123def' })],
          }),
        ],
      }),
    );
    expect(page).not.toContain('abc123def');
    expect(page).toContain('X-Amz-Signature=[masked]');
  });

  it('shows timings, the cleanup and its leftovers', () => {
    expect(html).toContain(formatDuration(1_049_087));
    expect(html).toContain(`vitest start-up ${formatDuration(1_250)}, suites ${formatDuration(1_040_000)}`);
    expect(html).toContain('wait 3 min 00 s');
    expect(html).toContain('1 leftover still on the site');
    expect(html).toContain('job 1873411 (RUNNING)');
    expect(renderHtml(makeReport({ cleanup: { done: [], leftovers: [] } }))).toContain('No leftovers');
    expect(renderHtml(makeReport({ cleanup: null }))).toContain('No cleanup was recorded');
  });

  it('renders a run with no checks', () => {
    const page = renderHtml(makeReport({ results: [], profiles: [], verdict: 'INCOMPLETE' }));
    expect(page).toContain('No profile ran.');
    expect(page).toContain('<strong>INCOMPLETE</strong>');
  });
});

describe('formatBody', () => {
  it('pretty-prints JSON and keeps other text as it is', () => {
    expect(formatBody('{"jobId":"42"}')).toEqual({ text: '{\n  "jobId": "42"\n}', json: true, cut: 0 });
    expect(formatBody('{"cut off')).toEqual({ text: '{"cut off', json: false, cut: 0 });
  });

  it('cuts very long bodies and says how much is left out', () => {
    const { text, cut } = formatBody('x'.repeat(50_000));
    expect(text.length).toBe(20_000);
    expect(cut).toBe(30_000);
    const page = renderHtml(
      makeReport({
        results: [check({ outcome: 'fail', exchanges: [exchange({ responseBody: 'y'.repeat(50_000) })] })],
      }),
    );
    expect(page).toContain('30,000 more characters not shown (of 50,000)');
    expect(page).not.toContain('y'.repeat(20_001));
  });
});
