import { describe, expect, test } from 'vitest';
import { loadSummary } from './load-console.ts';
import { loadHtml } from './load-html.ts';
import { formatMs, formatRate, quantile, type LoadReport, type OperationLoad } from './load-report.ts';

// The console summary and load.html are functions of one hand-made record.

const op = (operation: string, o: Partial<OperationLoad> = {}): OperationLoad => ({
  operation,
  count: 10,
  p50Ms: 4.25,
  p99Ms: 31.6,
  meanMs: 6,
  maxMs: 40,
  statuses: { 200: 10 },
  errors: {},
  nonConforming: 0,
  ...o,
});

const HOSTILE = 'GET /x/<script>alert("x")</script>';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';

function reportOf(o: Partial<LoadReport> = {}): LoadReport {
  return {
    tool: 'f7t-conformance load',
    startedAt: '2026-12-02T10:00:00.000Z',
    target: { kind: 'site', site: 'cscs-test', baseUrl: 'https://api.example.org/v2', system: 'daint' },
    settings: { users: 5, durationS: 60, requests: 1000, rate: 20, maxErrorRate: 0.01, pollIntervalS: 1 },
    limits: { maxUsers: 5, maxRequestsPerSecond: 20, clamped: ['--users 50 to maxUsers 5'] },
    elapsedS: 50.04,
    stoppedBy: 'requests',
    totals: { requests: 1000, errors: 3, errorRate: 0.003, throughput: 19.98, iterations: 120, cleanupRequests: 4 },
    operations: [
      op('GET /status/systems'),
      op('GET /filesystem/{system_name}/ops/ls', {
        statuses: { 200: 7, 503: 3 },
        errors: { 503: 3 },
        nonConforming: 2,
      }),
    ],
    errors: [
      {
        operation: 'GET /filesystem/{system_name}/ops/ls',
        status: '503',
        count: 3,
        example: `503 Service Unavailable, token ${JWT}`,
      },
    ],
    exit: { code: 0, reason: 'error rate 0.30 % within the threshold 1.00 %' },
    ...o,
  };
}

describe('load-report helpers', () => {
  test('quantile is nearest rank; formats of milliseconds and rates', () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(quantile([7], 0)).toBe(7);
    expect([formatMs(4.25), formatMs(9.94), formatMs(31.6)]).toEqual(['4.3', '9.9', '32']);
    expect([formatRate(0), formatRate(0.0004), formatRate(0.25)]).toEqual(['0.00 %', '0.040 %', '25.00 %']);
  });
});

describe('loadSummary (console)', () => {
  test('what was run, a row per operation, the totals, the errors and the exit', () => {
    const text = loadSummary(reportOf());
    const lines = text.split('\n');

    expect(lines[0]).toBe(
      'f7t-conformance load: 5 users, 60 s, at most 1000 requests, at most 20 requests/s against https://api.example.org/v2 (site cscs-test, system daint)',
    );
    expect(lines).toContain("  lowered to the site profile's bounds: --users 50 to maxUsers 5");
    expect(lines).toContain('stopped by requests after 50.0 s');
    expect(text).toMatch(/^operation\s+count\s+p50 ms\s+p99 ms\s+max ms\s+errors$/m);
    expect(text).toMatch(/^GET \/status\/systems\s+10\s+4\.3\s+32\s+40\s+0$/m);
    expect(text).toMatch(/^GET \/filesystem\/\{system_name\}\/ops\/ls\s+10\s+4\.3\s+32\s+40\s+3$/m);
    expect(lines).toContain('1000 requests (4 of them cleanup), 120 rounds, 20.0 requests/s, 3 errors (0.30 %)');
    expect(lines).toContain('answers departing from the spec: GET /filesystem/{system_name}/ops/ls 2');
    expect(lines).toContain('errors by operation and status:');
    expect(lines).toContain(
      `  GET /filesystem/{system_name}/ops/ls 503: 3 (first: 503 Service Unavailable, token ${JWT})`,
    );
    expect(lines.at(-2)).toBe('exit 0: error rate 0.30 % within the threshold 1.00 %');
    expect(text.endsWith('\n')).toBe(true);
  });

  test('an embedded run without limits; more than ten errors are cut short', () => {
    const errors = Array.from({ length: 12 }, (_, i) => ({
      operation: `GET /e${i}`,
      status: '500',
      count: 1,
      example: '',
    }));
    const text = loadSummary(
      reportOf({
        target: { kind: 'embedded', baseUrl: 'http://127.0.0.1:9/v2', system: 'daint' },
        settings: { users: 2, durationS: 3, maxErrorRate: 0, pollIntervalS: 1 },
        limits: undefined,
        operations: [op('GET /status/systems')],
        errors,
        exit: { code: 1, reason: 'error rate 1.20 % over the threshold 0.00 %' },
      }),
    );

    expect(text).toContain('f7t-conformance load: 2 users, 3 s against http://127.0.0.1:9/v2 (system daint)\n');
    expect(text).not.toContain('lowered');
    expect(text).not.toContain('answers departing');
    expect(text).toContain('  GET /e9 500: 1\n');
    expect(text).not.toContain('GET /e10 ');
    expect(text).toContain('  ... 2 more in load.json\n');
    expect(text).toContain('exit 1: error rate 1.20 % over the threshold 0.00 %\n');
  });
});

describe('loadHtml', () => {
  test('the facts, a row per operation, the error rows and the verdict', () => {
    const html = loadHtml(reportOf());

    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>Load: cscs-test</title>');
    expect(html).toContain('<dt>target</dt><dd>site cscs-test</dd>');
    expect(html).toContain('<dt>rate limit</dt><dd>20 requests/s</dd>');
    expect(html).toContain('<dt>lowered</dt><dd>--users 50 to maxUsers 5</dd>');
    expect(html).toContain(
      '<tr><td><code>GET /status/systems</code></td>\n<td class="num">10</td><td class="num">4.3</td><td class="num">32</td>',
    );
    expect(html).toContain('<tr class="err"><td><code>GET /filesystem/{system_name}/ops/ls</code></td>');
    expect(html).toContain('<td class="mono">200: 7, 503: 3</td><td class="num">3</td><td class="num">2</td></tr>');
    expect(html).toContain(
      '<tr><td><code>GET /filesystem/{system_name}/ops/ls</code></td><td>503</td><td class="num">3</td><td><pre>503 Service Unavailable, token [masked-jwt]</pre></td></tr>',
    );
    expect(html).not.toContain(JWT);
    expect(html).toContain(
      '<div class="verdict v-OK"><span class="label">exit 0</span><strong>20.0 requests/s</strong>',
    );
    expect(html).toContain('<span class="why">error rate 0.30 % within the threshold 1.00 %</span>');
    expect(html).toContain('<li><b>3</b> errors (0.30 %)</li>');
  });

  test('a hostile operation name is escaped; no errors says so; the verdict follows the exit', () => {
    const html = loadHtml(
      reportOf({
        target: { kind: 'embedded', baseUrl: 'http://127.0.0.1:9/v2', system: 'daint' },
        settings: { users: 1, durationS: 3, maxErrorRate: 0, pollIntervalS: 1 },
        limits: undefined,
        operations: [op(HOSTILE)],
        errors: [],
        exit: { code: 130, reason: 'interrupted' },
      }),
    );

    expect(html).not.toContain('<script>');
    expect(html).toContain('<code>GET /x/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</code>');
    expect(html).toContain('<dt>target</dt><dd>embedded simulator (serve in a child process)</dd>');
    expect(html).toContain('<dt>request budget</dt><dd>none</dd>');
    expect(html).not.toContain('<dt>site bounds</dt>');
    expect(html).toContain('None: every answer was one the workflow expects.');
    expect(html).toContain('<div class="verdict v-STOPPED">');
    expect(loadHtml(reportOf({ exit: { code: 1, reason: 'over' } }))).toContain('<div class="verdict v-ERRORS">');
  });
});
