import { createHash } from 'node:crypto';
import { findRequirement, profiles as profileOrder } from '../spec/requirements.ts';
import { outcomes, type Outcome, type RecordedExchange } from '../spec/results.ts';
import type {
  CheckRecord,
  CleanupRecord,
  Leftover,
  ProfileVerdictKind,
  ProfileVerdictRecord,
  RunReport,
} from './report.ts';
import { redactText, SECRET_HEADERS } from '../spec/redact.ts';
import { coverageLine } from './coverage.ts';
import type { ReportWriter } from './registry.ts';
import { SCRIPT, STYLE } from './html-assets.ts';

// The HTML report: one self-contained file a site publishes as the evidence of a run. Everything
// in it comes from the site's answers or the run's configuration, so every text is escaped, the
// Content-Security-Policy forbids any network request, and only our own script (by hash) may run.

/** Longest body shown in full; recorded bodies are short already, but a report may come from elsewhere. */
const MAX_BODY_CHARS = 20_000;
/** Ids listed in a matrix cell before the rest fold away. */
const MAX_INLINE_IDS = 6;
const SLOWEST_SHOWN = 8;

const labels: Record<Outcome, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  skip: 'SKIP',
  error: 'ERROR',
  deviation: 'DEVIATION',
};
/** A glyph beside each label, so outcomes differ in shape as well as colour. */
const glyphs: Record<Outcome, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–', error: '⚠', deviation: '≠' };
/** What the reader looks at first: the list opens with these. */
const problemOutcomes: readonly Outcome[] = ['fail', 'error', 'warn', 'deviation'];
const outcomeRank: Record<Outcome, number> = { fail: 0, error: 1, warn: 2, deviation: 3, skip: 4, pass: 5 };

const REDACTED = /^(?:(?:bearer|basic)\s+)?(?:<redacted[^>]*>|\[(?:redacted|masked)[^\]]*\])$/i;
const SECRET_KEY = /secret|password|passphrase|private|credential|api[-_]?key|^token$|access[-_]?token|refresh/i;

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Escaped template: interpolated strings are escaped, `Raw` fragments (already HTML) are kept. */
class Raw {
  readonly html: string;
  constructor(html: string) {
    this.html = html;
  }
}
type Part = string | number | Raw | readonly Part[] | null | undefined | false;
function partHtml(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Raw) return part.html;
  if (typeof part === 'string' || typeof part === 'number') return escapeHtml(String(part));
  return part.map(partHtml).join('');
}
function h(strings: TemplateStringsArray, ...parts: Part[]): Raw {
  return new Raw(strings.reduce((out, s, i) => out + s + (i < parts.length ? partHtml(parts[i]) : ''), ''));
}

/** The shared redaction, with the page's own mark for what it hides. */
export function maskSecrets(text: string): string {
  return redactText(text, { secret: '[masked]', jwt: '[masked-jwt]' });
}

/** A secret header keeps its scheme only, unless the harness already redacted it. */
export function maskHeader(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase()) || REDACTED.test(value.trim())) return maskSecrets(value);
  const scheme = /^(Bearer|Basic|Digest|AWS4-HMAC-SHA256)\s/i.exec(value.trim())?.[1];
  return scheme ? `${scheme} [masked]` : '[masked]';
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  const [hours, minutes, seconds] = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  return hours > 0
    ? `${hours} h ${String(minutes).padStart(2, '0')} min`
    : `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

function formatTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime())
    ? iso
    : time
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const badge = (o: Outcome) =>
  h`<span class="b o-${o}"><span aria-hidden="true">${glyphs[o]}</span> ${labels[o]}</span>`;
const verdictBadge = (v: ProfileVerdictKind) => h`<span class="vb v-${v}">${v}</span>`;

/** A heading for a run without a site profile: the simulator it embedded, or the URL it checked. */
function siteTitle(target: Record<string, unknown>): string {
  if (target.kind === 'embedded') return 'Embedded simulator';
  return typeof target.baseUrl === 'string' ? target.baseUrl : 'Unnamed site';
}

function renderTarget(target: Record<string, unknown>): Raw {
  const names: Record<string, string> = {
    kind: 'target',
    baseUrl: 'v2 base URL',
    v1BaseUrl: 'v1 base URL',
    tokenUrl: 'token URL',
    clientId: 'client id',
    secondClientId: 'second client id',
    controlPlane: 'control plane',
  };
  const shown = (key: string, value: unknown): string => {
    if (SECRET_KEY.test(key) && !/url$/i.test(key)) return '[withheld]';
    if (value === null || value === undefined || value === '') return '—';
    if (Array.isArray(value) && value.length === 0) return 'none';
    return maskSecrets(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  };
  return h`${Object.entries(target).map(([key, value]) => h`<dt>${names[key] ?? key}</dt><dd><code>${shown(key, value)}</code></dd>`)}`;
}

function verdictWhy(report: RunReport): string {
  const failed = report.profiles.flatMap((p) => p.mustFailed);
  const notRun = report.profiles.filter((p) => p.verdict === 'INCOMPLETE');
  const parts = [
    failed.length > 0 && `${plural(new Set(failed).size, 'MUST requirement')} failed`,
    report.problems.length > 0 && `${plural(report.problems.length, 'problem')} with the run`,
    notRun.length > 0 && `${plural(notRun.length, 'profile')} incomplete`,
  ].filter((p): p is string => typeof p === 'string');
  if (report.verdict === 'PASS') return 'every MUST requirement ran and passed';
  return parts.join(' · ') || (report.mustRan === 0 ? 'no MUST requirement was checked' : '');
}

function renderHeader(report: RunReport): Raw {
  const tally = outcomes.map((o) => h`<li>${badge(o)} <b>${report.counts[o]}</b></li>`);
  return h`<header class="top">
  <div class="title">
    <p class="kicker">FirecREST conformance report</p>
    <h1>${report.site ?? siteTitle(report.target)}</h1>
  </div>
  <div class="verdict v-${report.verdict}" role="status">
    <span class="label">Verdict</span>
    <strong>${report.verdict}</strong>
    <span class="why">${verdictWhy(report)}</span>
    <ul class="tally" aria-label="checks per outcome">${tally}</ul>
  </div>
  <div class="factcols">
    <dl class="facts" aria-label="run">
      <dt>tool</dt><dd>${report.tool} ${report.version}</dd>
      <dt>run id</dt><dd><code>${report.runId}</code></dd>
      <dt>started</dt><dd>${formatTime(report.timing.startedAt)}</dd>
      <dt>generated</dt><dd>${formatTime(report.generatedAt)}</dd>
      <dt>duration</dt><dd>${formatDuration(report.timing.durationMs)}</dd>
      <dt>mode</dt><dd>${report.readOnly ? h`<b>read-only</b>: nothing created on the site` : h`<b>read-write</b>: creates and removes files and jobs`}</dd>
      <dt>systems</dt><dd>${report.systems.join(', ') || '—'}</dd>
      <dt>exit code</dt><dd><b>${report.exit.code}</b>: ${report.exit.reason}${report.certify ? ' (certification run)' : ''}</dd>
      ${report.filter !== null && h`<dt>filter</dt><dd><code>${report.filter}</code></dd>`}
    </dl>
    <dl class="facts" aria-label="target">${renderTarget(report.target)}</dl>
  </div>
</header>
${
  report.runErrors.length > 0 &&
  h`<section class="problems" aria-labelledby="run-errors-h">
  <h2 id="run-errors-h">${plural(report.runErrors.length, 'error')} outside the checks (the run could not judge the site)</h2>
  <ul>${report.runErrors.map((p) => h`<li><pre>${maskSecrets(p)}</pre></li>`)}</ul>
</section>`
}
${
  report.problems.length > 0 &&
  h`<section class="problems" aria-labelledby="problems-h">
  <h2 id="problems-h">${plural(report.problems.length, 'problem')} with the run (each fails it)</h2>
  <ul>${report.problems.map((p) => h`<li>${p}</li>`)}</ul>
</section>`
}`;
}

/** A check and the id of its element, in the order the page lists them. */
interface Indexed {
  readonly check: CheckRecord;
  readonly anchor: string;
}

/** The anchor of the first (most notable) check of each requirement on each system. */
type Anchors = ReadonlyMap<string, string>;
const anchorKey = (requirement: string, system: string) => `${requirement}\u0000${system}`;

function renderIds(kind: string, cls: string, ids: readonly string[], system: string, anchors: Anchors): Raw | null {
  if (ids.length === 0) return null;
  const links = ids.map((id, i) => {
    const anchor = anchors.get(anchorKey(id, system));
    return h`${i > 0 && ', '}${anchor ? h`<a href="#${anchor}"><code>${id}</code></a>` : h`<code>${id}</code>`}`;
  });
  return ids.length > MAX_INLINE_IDS
    ? h`<details class="ids ${cls}"><summary><span class="k">${kind}</span> ${ids.length}</summary>${links}</details>`
    : h`<p class="ids ${cls}"><span class="k">${kind}</span> ${links}</p>`;
}

function renderCell(p: ProfileVerdictRecord | undefined, anchors: Anchors): Raw {
  if (!p) return h`<td class="cell none">not run</td>`;
  if (p.verdict === 'OUT-OF-SCOPE')
    return h`<td class="cell none">${verdictBadge(p.verdict)} <p class="ids">not certified: ${p.outOfScope ?? ''}</p></td>`;
  return h`<td class="cell">
    <div class="cellhead">${verdictBadge(p.verdict)} <span class="must">${p.mustPassed}/${p.mustTotal} MUST</span>${p.shouldRan > 0 ? h` <span class="should">${p.shouldPassed}/${p.shouldRan} SHOULD</span>` : ''}</div>
    ${renderIds('failed', 'c-fail', p.mustFailed, p.system, anchors)}
    ${renderIds('not run', 'c-skip', p.mustNotRun, p.system, anchors)}
    ${renderIds('SHOULD warnings', 'c-warn', p.shouldWarnings, p.system, anchors)}
    ${renderIds('deviations', 'c-deviation', p.deviations, p.system, anchors)}
  </td>`;
}

function renderMatrix(report: RunReport, anchors: Anchors): Raw {
  const systems = [...new Set([...report.systems, ...report.profiles.map((p) => p.system)])];
  const rows = [...new Set(report.profiles.map((p) => p.profile))].sort(
    (a, b) => profileOrder.indexOf(a) - profileOrder.indexOf(b),
  );
  const body =
    rows.length === 0
      ? h`<tr><td colspan="${systems.length + 1}" class="none">No profile ran.</td></tr>`
      : rows.map(
          (profile) =>
            h`<tr data-profile="${profile}"><th scope="row">${profile}</th>${systems.map((s) =>
              renderCell(
                report.profiles.find((p) => p.profile === profile && p.system === s),
                anchors,
              ),
            )}</tr>`,
        );
  return h`<section id="profiles" aria-labelledby="profiles-h"><h2 id="profiles-h">Verdict per profile</h2>
<p class="note">A profile passes when every MUST in it ran and passed; it fails when a MUST failed, and is incomplete otherwise. A profile the run's configuration left out is out of scope: not certified.</p>
<div class="scroll"><table class="matrix"><thead><tr><th scope="col">profile</th>${systems.map((s) => h`<th scope="col">${s}</th>`)}</tr></thead>
<tbody>${body}</tbody></table></div></section>`;
}

/** A bar of API time (blue) then queue wait (amber), each a percentage of the bar's width. */
const stackedBar = (api: string, wait: string, extra: Raw) =>
  h`<span class="bar"${extra}><span class="api" style="width:${api}%"></span><span class="wait" style="width:${wait}%"></span></span>`;

function renderTiming(report: RunReport, ordered: readonly Indexed[]): Raw {
  const { durationMs, apiMs, waitMs, startupMs, suitesMs, preparationMs } = report.timing;
  const sum = apiMs + waitMs;
  const share = (ms: number) => (sum > 0 ? ((ms / sum) * 100).toFixed(1) : '0');
  const slowest = [...ordered].sort((a, b) => b.check.durationMs - a.check.durationMs).slice(0, SLOWEST_SHOWN);
  const longest = slowest[0]?.check.durationMs ?? 0;
  const width = (ms: number) => (longest > 0 ? ((ms / longest) * 100).toFixed(1) : '0');
  const row = ({ check: c, anchor }: Indexed) => {
    const wait = Math.min(c.waitMs ?? 0, c.durationMs);
    return h`<tr>
  <td><a href="#${anchor}"><code>${c.requirement}</code></a> ${c.title}</td><td>${c.system}</td>
  <td class="num">${formatDuration(c.durationMs)}</td><td class="num">${c.waitMs ? formatDuration(c.waitMs) : '—'}</td>
  <td class="barcell">${stackedBar(width(c.durationMs - wait), width(wait), h` aria-hidden="true"`)}</td>
</tr>`;
  };
  const overall = stackedBar(
    share(apiMs),
    share(waitMs),
    h` role="img" aria-label="API ${share(apiMs)}%, queue wait ${share(waitMs)}%"`,
  );
  return h`<section id="timing" aria-labelledby="timing-h"><h2 id="timing-h">Timing</h2>
<div class="stats">
  <div><span class="k">wall time</span><b>${formatDuration(durationMs)}</b>
    <span class="sub">vitest start-up ${formatDuration(startupMs)}, suites ${formatDuration(suitesMs)}; preparing and importing the files ${formatDuration(preparationMs)} (summed)</span></div>
  <div><span class="k"><i class="key api"></i>API time</span><b>${formatDuration(apiMs)}</b>
    <span class="sub">${share(apiMs)}%</span></div>
  <div><span class="k"><i class="key wait"></i>queue wait</span><b>${formatDuration(waitMs)}</b>
    <span class="sub">${share(waitMs)}%</span></div>
  <div class="wide"><span class="k">API time vs queue wait</span>${overall}
    <span class="sub">sums over all checks; checks that ran in parallel overlap, so the sums can exceed the wall time</span></div>
</div>
${
  slowest.length > 0 &&
  h`<div class="scroll"><table class="slow">
<caption>Slowest checks (every check's duration and wait is in its row below)</caption>
<thead><tr><th scope="col">check</th><th scope="col">system</th><th scope="col" class="num">duration</th>
<th scope="col" class="num">wait</th><th scope="col"><span class="vh">API time and wait</span></th></tr></thead>
<tbody>${slowest.map(row)}</tbody></table></div>`
}</section>`;
}

function renderCoverage(report: RunReport, anchors: Anchors): Raw {
  const rows = report.coverage;
  const sent = rows.filter((r) => r.requirements.length > 0).length;
  const link = (id: string) => {
    const anchor = report.systems.map((s) => anchors.get(anchorKey(id, s))).find(Boolean);
    return anchor ? h`<a href="#${anchor}"><code>${id}</code></a> ` : h`<code>${id}</code> `;
  };
  const row = (r: RunReport['coverage'][number]) =>
    h`<tr${r.requirements.length === 0 && h` class="uncovered"`}><td><code>${r.operation}</code></td>
<td>${r.requirements.length === 0 ? h`<b>not exercised</b>` : r.requirements.map(link)}</td>
<td>${outcomes.filter((o) => r.outcomes[o]).map((o) => h`${badge(o)} ${r.outcomes[o] ?? 0} `)}</td></tr>`;
  return h`<section id="coverage" aria-labelledby="coverage-h"><h2 id="coverage-h">API coverage</h2>
<p class="note">${sent} of ${rows.length} operations of our specs were sent a request by a check in this run (${coverageLine(rows)}), measured from the requests the checks sent.</p>
<details${sent < rows.length && report.filter === null && h` open`}><summary>operations</summary><div class="scroll"><table class="coverage"><thead><tr><th scope="col">operation</th><th scope="col">requirements</th><th scope="col">outcomes</th></tr></thead>
<tbody>${rows.map(row)}</tbody></table></div></details></section>`;
}

function renderCleanup(cleanup: CleanupRecord | null): Raw {
  const section = (body: Raw) =>
    h`<section id="cleanup" aria-labelledby="cleanup-h"><h2 id="cleanup-h">Cleanup</h2>${body}</section>`;
  if (!cleanup) return section(h`<p class="note">No cleanup was recorded for this run.</p>`);
  const { done, leftovers } = cleanup;
  const row = (l: Leftover) =>
    h`<tr><td>${l.kind}</td><td><code>${maskSecrets(l.what)}</code></td><td>${l.system ?? '—'}</td><td>${l.note ?? ''}</td></tr>`;
  const left =
    leftovers.length === 0
      ? h`<p class="ok">✓ No leftovers: the scan after cleanup found nothing the run created.</p>`
      : h`<div class="leftovers" role="alert"><h3>${plural(leftovers.length, 'leftover')} still on the site</h3>
<div class="scroll"><table><thead><tr><th scope="col">kind</th><th scope="col">what</th>
<th scope="col">system</th><th scope="col">note</th></tr></thead><tbody>${leftovers.map(row)}</tbody></table></div></div>`;
  const list =
    done.length > 0
      ? h`<ul class="mono">${done.map((d) => h`<li>${maskSecrets(d)}</li>`)}</ul>`
      : h`<p class="note">Nothing.</p>`;
  return section(h`${left}
<details class="done"${done.length <= 10 && h` open`}><summary>Removed or cancelled: ${plural(done.length, 'item')}</summary>
${list}</details>`);
}

/** Pretty-prints JSON, shows anything else as text, and cuts very long bodies. */
export function formatBody(body: string): { text: string; json: boolean; cut: number } {
  let text = maskSecrets(body);
  let json = false;
  if (/^\s*[[{]/.test(text)) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
      json = true;
    } catch {
      // Not JSON after all (or truncated when recorded): shown as it came.
    }
  }
  const cut = Math.max(0, text.length - MAX_BODY_CHARS);
  return { text: cut > 0 ? text.slice(0, MAX_BODY_CHARS) : text, json, cut };
}

function renderBody(title: string, body: string | undefined): Raw {
  if (body === undefined) return h``;
  if (body === '') return h`<h5>${title}</h5><p class="note">(empty)</p>`;
  const { text, json, cut } = formatBody(body);
  return h`<h5>${title}${json && h` <span class="tag">JSON</span>`}</h5><pre class="body">${text}</pre>${
    cut > 0 &&
    h`<p class="note">… ${cut.toLocaleString('en')} more characters not shown (of ${(text.length + cut).toLocaleString('en')}).</p>`
  }`;
}

function renderHeaders(title: string, headers: Record<string, string>): Raw {
  const entries = Object.entries(headers);
  if (entries.length === 0) return h`<h5>${title}</h5><p class="note">(none recorded)</p>`;
  const row = ([name, value]: [string, string]) =>
    h`<tr><th scope="row">${name}</th><td>${maskHeader(name, value)}</td></tr>`;
  return h`<h5>${title}</h5><table class="headers"><tbody>${entries.map(row)}</tbody></table>`;
}

function statusClass(status: number): string {
  if (status >= 500 || status === 0) return 's5';
  return status >= 400 ? 's4' : status >= 300 ? 's3' : 's2';
}

function renderExchange(x: RecordedExchange, n: number): Raw {
  const diagnostics = x.diagnostics.length > 0;
  return h`<details class="ex"><summary><span class="n">${n}</span>
<code class="method">${x.method}</code> <code class="url">${maskSecrets(x.url)}</code>
<span class="st ${statusClass(x.status)}">${x.status === 0 ? 'no answer' : x.status}</span>
<span class="muted">${formatDuration(x.durationMs)}</span>
${diagnostics && h`<span class="diagcount">${plural(x.diagnostics.length, 'diagnostic')}</span>`}</summary>
${diagnostics && h`<ul class="diag">${x.diagnostics.map((d) => h`<li>${maskSecrets(d)}</li>`)}</ul>`}
<div class="rr">
<div>${renderHeaders('Request headers', x.requestHeaders)}${renderBody('Request body', x.requestBody)}</div>
<div>${renderHeaders('Response headers', x.responseHeaders)}${renderBody('Response body', x.responseBody)}</div>
</div></details>`;
}

/** A check; everything but a pass opens by default, its exchanges stay folded. */
function renderCheck({ check: c, anchor }: Indexed): Raw {
  // What the requirement asks of the site, as the catalogue words it.
  const requirement = findRequirement(c.requirement);
  const exchanges = c.exchanges ?? [];
  const evidence =
    exchanges.length > 0
      ? h`<div class="exs"><h4>Evidence: ${plural(exchanges.length, 'exchange')}</h4>
${exchanges.map((x, i) => renderExchange(x, i + 1))}</div>`
      : h`<p class="note">No exchanges recorded.</p>`;
  return h`<details class="check o-${c.outcome}" id="${anchor}" data-outcome="${c.outcome}"
 data-profile="${c.profile ?? ''}" data-system="${c.system}"${c.outcome !== 'pass' && h` open`}>
<summary>${badge(c.outcome)} <code class="cid" data-text>${c.requirement}</code>
<span class="ctitle" data-text>${c.title}</span>
<span class="meta"><span class="lvl l-${c.level ?? 'none'}">${c.level ?? '—'}</span>
<span>${c.profile ?? '—'}</span> <span>${c.system}</span> <span title="duration">${formatDuration(c.durationMs)}</span>
${c.waitMs ? h`<span title="queue wait">wait ${formatDuration(c.waitMs)}</span>` : ''}</span></summary>
<div class="cbody">
${requirement && h`<p class="req"><b>${c.level ?? ''}</b> ${requirement.text} <span class="muted">(${requirement.operation})</span></p>`}
${c.reason !== undefined && h`<pre class="reason" data-text>${maskSecrets(c.reason)}</pre>`}
${evidence}
<p class="file">${c.file}</p>
</div></details>`;
}

function renderFilters(report: RunReport, ordered: readonly Indexed[]): Raw {
  const count = (o: Outcome) => ordered.filter((i) => i.check.outcome === o).length;
  const present = profileOrder.filter((p) => ordered.some((i) => i.check.profile === p));
  const systems = [...new Set([...report.systems, ...ordered.map((i) => i.check.system)])];
  const option = (value: string) => h`<option value="${value}">${value}</option>`;
  const box = (o: Outcome) =>
    h`<label class="fo o-${o}"><input type="checkbox" name="outcome" value="${o}" checked> ${labels[o].toLowerCase()}
<span class="n" data-count-for="${o}">${count(o)}</span></label>`;
  return h`<form id="filters" class="filters" role="search" aria-label="filter checks">
<fieldset><legend>outcome</legend>${outcomes.map(box)}</fieldset>
<label>profile <select name="profile"><option value="">all</option>${present.map(option)}</select></label>
<label>system <select name="system"><option value="">all</option>${systems.map(option)}</select></label>
<label class="q">search <input type="search" name="q" placeholder="id, title or reason"></label>
<span class="buttons"><button type="button" id="only-problems">only problems</button>
<button type="button" id="show-all">everything</button></span>
<output id="shown" aria-live="polite">${plural(ordered.length, 'check')}</output>
<noscript><p class="note">The filters need JavaScript; every check is listed below, problems first.</p></noscript>
</form>`;
}

export function renderHtml(report: RunReport): string {
  const ordered: Indexed[] = report.results
    .map((check, i) => ({ check, i }))
    .sort(
      (a, b) =>
        outcomeRank[a.check.outcome] - outcomeRank[b.check.outcome] ||
        profileOrder.indexOf(a.check.profile ?? profileOrder[0]) -
          profileOrder.indexOf(b.check.profile ?? profileOrder[0]) ||
        a.check.requirement.localeCompare(b.check.requirement) ||
        a.check.system.localeCompare(b.check.system) ||
        a.i - b.i,
    )
    .map(({ check }, n) => ({ check, anchor: `check-${n + 1}` }));
  const anchors = new Map<string, string>();
  for (const { check, anchor } of ordered) {
    const key = anchorKey(check.requirement, check.system);
    if (!anchors.has(key)) anchors.set(key, anchor);
  }
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  const title = `${report.verdict} · ${report.site ?? 'FirecREST'} · ${report.tool} ${report.runId}`;
  const problemCount = ordered.filter((i) => problemOutcomes.includes(i.check.outcome)).length;
  return h`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${report.tool} ${report.version}">
<title>${title}</title>
<style>${new Raw(STYLE)}</style>
<noscript><style>.filters input,.filters select,.filters button,.filters label:not(.fo){display:none}</style></noscript>
</head>
<body>
<main>
<nav class="toc" aria-label="sections"><a href="#profiles">profiles</a><a href="#timing">timing</a><a href="#cleanup">cleanup</a><a href="#coverage">coverage</a><a href="#checks">checks (${ordered.length})</a></nav>
${renderHeader(report)}
${renderMatrix(report, anchors)}
${renderTiming(report, ordered)}
${renderCleanup(report.cleanup)}
${renderCoverage(report, anchors)}
<section id="checks" aria-labelledby="checks-h"><h2 id="checks-h">Checks</h2>
<p class="note">${plural(ordered.length, 'check')}; ${problemCount > 0 ? `${plural(problemCount, 'problem')} (fail, error, warn, deviation) listed first` : 'no fail, error, warn or deviation'}. Each exchange opens with a click.</p>
${renderFilters(report, ordered)}
<div id="list">${ordered.map(renderCheck)}</div>
<p id="empty" hidden>No check matches the filters.</p>
</section>
<footer>${report.tool} ${report.version} · run ${report.runId} · generated ${formatTime(report.generatedAt)} · tokens and secrets are redacted in this report</footer>
</main>
<script>${new Raw(SCRIPT)}</script>
</body>
</html>
`.html;
}

export const htmlReport: ReportWriter = {
  kind: 'html',
  write(report, out) {
    out.writeFile('report.html', renderHtml(report));
    return ['report.html'];
  },
};
