import { escapeHtml, maskSecrets } from './html.ts';
import { STYLE } from './html-assets.ts';
import { formatMs, formatRate, type LoadReport, type OperationLoad } from './load-report.ts';

// load.html: one self-contained page of a load run, in the style of the conformance report (its
// style sheet, no script, a content-security policy that allows no request). Every text is escaped.

const LOAD_STYLE = `
.factcols.one{grid-template-columns:minmax(0,1fr)}
.bars{display:grid;gap:2px;min-width:180px}
.bar{height:8px;border-radius:2px;background:var(--pass-line)}
.bar.p99{background:var(--warn-line)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.err td{background:var(--fail-bg)}
.verdict.v-OK{background:#1a7f37}.verdict.v-ERRORS{background:#b91c1c}.verdict.v-STOPPED{background:#8a5300}
`;

const e = (text: string | number) => escapeHtml(String(text));
const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

function operationRow(o: OperationLoad, scaleMs: number): string {
  const width = (ms: number) => `${Math.max(1, Math.round((ms / scaleMs) * 100))}%`;
  const errors = sum(o.errors);
  const statuses = Object.entries(o.statuses)
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  return `<tr${errors > 0 ? ' class="err"' : ''}><td><code>${e(o.operation)}</code></td>
<td class="num">${e(o.count)}</td><td class="num">${e(formatMs(o.p50Ms))}</td><td class="num">${e(formatMs(o.p99Ms))}</td>
<td class="num">${e(formatMs(o.meanMs))}</td><td class="num">${e(formatMs(o.maxMs))}</td>
<td><div class="bars" aria-hidden="true"><div class="bar" style="width:${width(o.p50Ms)}"></div><div class="bar p99" style="width:${width(o.p99Ms)}"></div></div></td>
<td class="mono">${e(statuses)}</td><td class="num">${e(errors)}</td><td class="num">${e(o.nonConforming)}</td></tr>`;
}

export function loadHtml(report: LoadReport): string {
  const { settings, target, totals } = report;
  const state = report.exit.code === 0 ? 'OK' : report.exit.code === 1 ? 'ERRORS' : 'STOPPED';
  const scaleMs = Math.max(1, ...report.operations.map((o) => o.p99Ms));
  const facts: [string, string][] = [
    [
      'target',
      target.kind === 'embedded' ? 'embedded simulator (serve in a child process)' : `site ${target.site ?? ''}`,
    ],
    ['v2 base URL', target.baseUrl],
    ['system', target.system],
    ['started', report.startedAt],
    ['users', String(settings.users)],
    ['duration', `${settings.durationS} s (ran ${report.elapsedS.toFixed(1)} s, stopped by ${report.stoppedBy})`],
    ['request budget', settings.requests === undefined ? 'none' : String(settings.requests)],
    ['rate limit', settings.rate === undefined ? 'none' : `${settings.rate} requests/s`],
    ['error-rate threshold', formatRate(settings.maxErrorRate)],
    ['job poll interval', `${settings.pollIntervalS} s`],
    ...(report.limits
      ? ([
          ['site bounds', `${report.limits.maxUsers} users, ${report.limits.maxRequestsPerSecond} requests/s`],
          ['lowered', report.limits.clamped.join('; ') || 'nothing'],
        ] as [string, string][])
      : []),
  ];
  const errorRows = report.errors
    .map(
      (x) =>
        `<tr><td><code>${e(x.operation)}</code></td><td>${e(x.status)}</td><td class="num">${e(x.count)}</td><td><pre>${e(maskSecrets(x.example))}</pre></td></tr>`,
    )
    .join('\n');
  const csp = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(`Load: ${target.site ?? target.baseUrl}`)}</title>
<style>${STYLE}${LOAD_STYLE}</style>
</head>
<body><main>
<div class="top">
<div class="title"><p class="kicker">f7t-conformance load</p><h1>${e(target.site ?? target.baseUrl)}</h1></div>
<div class="factcols one"><dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(maskSecrets(v))}</dd>`).join('')}</dl></div>
<div class="verdict v-${state}"><span class="label">exit ${e(report.exit.code)}</span><strong>${e(totals.throughput.toFixed(1))} requests/s</strong>
<span class="why">${e(report.exit.reason)}</span>
<ul class="tally"><li><b>${e(totals.requests)}</b> requests</li><li><b>${e(totals.errors)}</b> errors (${e(formatRate(totals.errorRate))})</li>
<li><b>${e(totals.iterations)}</b> rounds</li><li><b>${e(totals.cleanupRequests)}</b> cleanup requests</li></ul></div>
</div>
<h2>Latency by operation</h2>
<p class="note">Time from sending a request to the last byte of its answer, in milliseconds; bars: p50 (green) and p99 (amber), to the largest p99.</p>
<div class="scroll"><table>
<thead><tr><th>operation</th><th class="num">count</th><th class="num">p50</th><th class="num">p99</th><th class="num">mean</th><th class="num">max</th><th></th><th>statuses</th><th class="num">errors</th><th class="num">off spec</th></tr></thead>
<tbody>${report.operations.map((o) => operationRow(o, scaleMs)).join('\n')}</tbody>
</table></div>
<h2>Errors</h2>
${
  report.errors.length === 0
    ? '<p class="note">None: every answer was one the workflow expects.</p>'
    : `<div class="scroll"><table><thead><tr><th>operation</th><th>status</th><th class="num">count</th><th>first seen</th></tr></thead><tbody>${errorRows}</tbody></table></div>`
}
</main></body>
</html>
`;
}
