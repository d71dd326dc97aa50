import { outcomes } from '../spec/results.ts';

// The HTML report's own style sheet and script, inlined into every report (see html.ts).

export const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#eaeef2;--panel:#f6f8fa;--link:#0550ae;
--pass:#116329;--pass-bg:#dafbe1;--pass-line:#4ac26b;--fail:#a40e26;--fail-bg:#ffebe9;--fail-line:#ff8182;
--warn:#6c4400;--warn-bg:#fff8c5;--warn-line:#d4a72c;--skip:#454e59;--skip-bg:#eff2f5;--skip-line:#afb8c1;
--error:#5a32a3;--error-bg:#fbefff;--error-line:#c297ff;--deviation:#0550ae;--deviation-bg:#ddf4ff;--deviation-line:#54aeff;
--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:#fff;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
main{max-width:1320px;margin:0 auto;padding:24px 28px 64px}
[hidden]{display:none!important}
a{color:var(--link)}
code,pre,.mono{font-family:var(--mono);font-size:12.5px}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
h1{font-size:26px;line-height:1.2;margin:2px 0 14px}
h2{font-size:17px;margin:34px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:0 0 8px}
h4{font-size:12px;margin:12px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
h5{font-size:12px;margin:10px 0 4px;color:var(--muted)}
.note,.muted{color:var(--muted)}
.note{margin:4px 0 10px}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.kicker{margin:0;color:var(--muted);text-transform:uppercase;letter-spacing:.08em;font-size:12px;font-weight:600}
nav.toc{display:flex;gap:16px;flex-wrap:wrap;font-size:13px;margin:0 0 18px;padding-bottom:10px;border-bottom:1px solid var(--soft)}
.top{display:grid;grid-template-columns:minmax(0,1fr) 340px;grid-template-areas:"title verdict" "facts verdict";gap:0 28px;align-items:start}
.top .title{grid-area:title}.top .verdict{grid-area:verdict}.top .factcols{grid-area:facts}
.factcols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.4fr);gap:16px 32px}
.facts{display:grid;align-content:start;grid-template-columns:max-content minmax(0,1fr);gap:3px 16px;margin:0}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere}
.verdict{border-radius:10px;padding:18px 20px;color:#fff;display:flex;flex-direction:column;gap:4px}
.verdict .label{font-size:12px;text-transform:uppercase;letter-spacing:.1em;opacity:.9}
.verdict strong{font-size:clamp(26px,2.8vw,38px);line-height:1.05;letter-spacing:.01em}
.verdict .why{font-size:14px}
.verdict.v-PASS{background:#1a7f37}.verdict.v-FAIL{background:#b91c1c}.verdict.v-INCOMPLETE{background:#8a5300}
.tally{list-style:none;display:grid;grid-template-columns:repeat(2,max-content);gap:6px 28px;margin:10px 0 0;padding:10px 0 0;border-top:1px solid rgba(255,255,255,.35)}
.tally b{color:#fff;font-size:15px;vertical-align:middle}
.problems{margin-top:20px;border:1px solid var(--fail-line);border-left:6px solid #b91c1c;background:var(--fail-bg);border-radius:6px;padding:10px 16px}
.problems h2{margin:0 0 4px;border:0;padding:0;font-size:15px;color:var(--fail)}
.problems ul{margin:0;padding-left:20px}
.b{display:inline-block;min-width:6.6em;text-align:center;font:700 11px/18px system-ui,sans-serif;letter-spacing:.04em;border:1px solid;border-radius:4px;padding:0 6px;white-space:nowrap}
${outcomes.map((o) => `.b.o-${o}{color:var(--${o});background:var(--${o}-bg);border-color:var(--${o}-line)}`).join('\n')}
.vb{display:inline-block;font:700 12px/20px system-ui,sans-serif;letter-spacing:.04em;border-radius:4px;padding:0 8px;color:#fff}
.vb.v-PASS{background:#1a7f37}.vb.v-FAIL{background:#b91c1c}.vb.v-INCOMPLETE{background:#8a5300}.vb.v-OUT-OF-SCOPE{background:#6b7280}.coverage tr.uncovered td{color:#b91c1c}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid var(--soft)}
thead th{font-size:12px;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line);white-space:nowrap}
.matrix{table-layout:fixed}
.matrix th[scope=row]{font-family:var(--mono);font-size:13px;width:150px;white-space:nowrap}
.matrix thead th:first-child{width:150px}
.cell .cellhead{display:flex;gap:8px;align-items:center;margin-bottom:2px}
.cell .must{font-variant-numeric:tabular-nums;font-weight:600}
.cell .should{font-variant-numeric:tabular-nums;color:var(--muted)}
.cell.none{color:var(--muted)}
.ids{margin:2px 0;font-size:12.5px;overflow-wrap:anywhere}
.ids .k{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;margin-right:2px}
.ids summary{cursor:pointer}
.c-fail .k{color:var(--fail)}.c-skip .k{color:var(--skip)}.c-warn .k{color:var(--warn)}.c-deviation .k{color:var(--deviation)}
.stats{display:grid;grid-template-columns:repeat(3,minmax(0,170px)) minmax(0,1fr);gap:12px}
.stats>div{background:var(--panel);border:1px solid var(--soft);border-radius:8px;padding:10px 14px;display:flex;flex-direction:column;gap:2px}
.stats .k{font-size:12px;color:var(--muted)}
.stats b{font-size:20px;font-variant-numeric:tabular-nums}
.stats .sub{font-size:12px;color:var(--muted)}
.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.bar{display:flex;height:8px;border-radius:4px;background:var(--soft);overflow:hidden;min-width:80px}
.bar.big{height:14px;margin:6px 0 4px}
.api{background:#218bff}.wait{background:#d4a72c}
.slow{margin-top:14px}
.slow caption{text-align:left;font-size:12px;color:var(--muted);padding:0 0 4px}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.barcell{width:24%}
.barcell .bar{margin-top:6px}
.ok{color:var(--pass);font-weight:600}
.leftovers{border:1px solid var(--warn-line);border-left:6px solid #bf8700;background:var(--warn-bg);border-radius:6px;padding:10px 16px;margin-bottom:10px}
.leftovers h3{color:var(--warn)}
.leftovers td,.leftovers th{border-color:rgba(0,0,0,.08)}
.done summary{cursor:pointer;color:var(--muted)}
.done ul{margin:6px 0;padding-left:20px;columns:2 420px}
.filters{position:sticky;top:0;z-index:2;background:rgba(255,255,255,.97);border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:0 0 12px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;box-shadow:0 2px 6px rgba(0,0,0,.05)}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
.filters legend{float:left;margin-right:6px;color:var(--muted);font-size:12px;line-height:26px}
.filters label{font-size:13px;white-space:nowrap}
.filters select,.filters input[type=search],.filters button{font:inherit;font-size:13px;border:1px solid var(--line);border-radius:6px;padding:3px 8px;background:#fff;color:var(--fg)}
.filters input[type=search]{width:220px}
.filters button{cursor:pointer;background:var(--panel)}
.filters button:hover{background:var(--soft)}
.filters .buttons{display:flex;gap:6px}
.filters output{margin-left:auto;color:var(--muted);font-size:13px}
.filters noscript{flex-basis:100%}
.fo{border:1px solid;border-radius:14px;padding:2px 10px 2px 6px;line-height:20px;cursor:pointer;font-weight:600}
${outcomes.map((o) => `.fo.o-${o}{color:var(--${o});background:var(--${o}-bg);border-color:var(--${o}-line)}`).join('\n')}
.fo input{margin:0 4px 0 0;vertical-align:-2px;accent-color:currentColor}
.fo .n{font-variant-numeric:tabular-nums;margin-left:2px;font-weight:700}
:focus-visible{outline:2px solid #0969da;outline-offset:2px}
.check{border:1px solid var(--line);border-left:5px solid;border-radius:6px;margin:0 0 6px;background:#fff;scroll-margin-top:110px}
${outcomes.map((o) => `.check.o-${o}{border-left-color:var(--${o}-line)}`).join('\n')}
.check>summary{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px;padding:6px 10px;cursor:pointer;list-style:none}
.check>summary::-webkit-details-marker{display:none}
.check>summary::before{content:"▸";color:var(--muted);width:10px;flex:none}
.check[open]>summary::before{content:"▾"}
.check[open]>summary{border-bottom:1px solid var(--soft)}
.cid{font-weight:700;font-size:13px}
.ctitle{flex:1 1 300px;min-width:0}
.meta{display:flex;gap:10px;color:var(--muted);font-size:12px;white-space:nowrap;flex-wrap:wrap}
.lvl{font-weight:700}.l-MUST{color:var(--fg)}
.cbody{padding:8px 12px 10px 27px}
.reason{background:var(--panel);border:1px solid var(--soft);border-radius:4px;padding:8px 10px;max-height:24em;overflow:auto}
.o-fail .reason{background:var(--fail-bg);border-color:#ffcecb}
.o-warn .reason{background:var(--warn-bg);border-color:#f5e0a0}
.o-error .reason{background:var(--error-bg);border-color:#ecd8ff}
.o-deviation .reason{background:var(--deviation-bg);border-color:#b6e3ff}
.file{margin:8px 0 0;color:var(--muted);font:11.5px var(--mono)}
.ex{border:1px solid var(--soft);border-radius:4px;margin:4px 0}
.ex>summary{padding:4px 8px;cursor:pointer;overflow-wrap:anywhere}
.ex[open]>summary{background:var(--panel);border-bottom:1px solid var(--soft)}
.ex .n{display:inline-block;min-width:1.4em;color:var(--muted);font-size:12px}
.ex>summary .muted{font-size:12px}
.method{font-weight:700}
.st{font:700 12px var(--mono);padding:0 5px;border-radius:3px}
.s2{color:var(--pass);background:var(--pass-bg)}.s3{color:var(--deviation);background:var(--deviation-bg)}
.s4{color:var(--warn);background:var(--warn-bg)}.s5{color:var(--fail);background:var(--fail-bg)}
.diagcount{color:var(--fail);font-size:12px;font-weight:600}
.diag{margin:8px 10px 0;padding:6px 10px 6px 26px;background:var(--fail-bg);border-radius:4px;color:var(--fail);font:12.5px var(--mono)}
.rr{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:4px 16px;padding:0 10px 10px}
.rr>div{min-width:0}
.headers{font:12px var(--mono)}
.headers th,.headers td{padding:1px 8px 1px 0;border:0;overflow-wrap:anywhere}
.headers th{color:var(--muted);font-weight:400;white-space:nowrap;width:1%}
.body{background:var(--panel);border:1px solid var(--soft);border-radius:4px;padding:6px 8px;max-height:32em;overflow:auto}
.tag{font-size:10px;border:1px solid var(--line);border-radius:3px;padding:0 4px;margin-left:4px}
#empty{padding:16px;text-align:center;color:var(--muted);border:1px dashed var(--line);border-radius:6px}
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--soft);padding-top:10px}
@media (max-width:900px){main{padding:16px}.top,.factcols{grid-template-columns:1fr}.top{grid-template-areas:"title" "verdict" "facts";gap:0 0}.top .verdict{margin-bottom:16px}.tally{grid-template-columns:repeat(3,max-content)}.stats{grid-template-columns:repeat(3,minmax(0,1fr))}.stats .wide{grid-column:1/-1}
.filters{position:static}.filters output{margin-left:0}.matrix{table-layout:auto}.matrix th[scope=row]{width:auto}}
@media print{.filters{display:none}.check,.ex{break-inside:avoid-page}.verdict{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
`;

// Plain browser JavaScript: reads the checks' data-* attributes and texts from the page, so no data is
// embedded twice. Without it the page is complete, only the filters do nothing.
export const SCRIPT = `(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  var checks = Array.prototype.slice.call(document.querySelectorAll('.check'));
  var texts = checks.map(function (c) {
    return Array.prototype.map.call(c.querySelectorAll('[data-text]'), function (e) { return e.textContent; }).join('\\n').toLowerCase();
  });
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name=outcome]'));
  var problems = ['fail', 'error', 'warn', 'deviation'];
  var shown = document.getElementById('shown');
  var empty = document.getElementById('empty');
  function apply() {
    var want = {}, counts = {}, n = 0;
    boxes.forEach(function (b) { if (b.checked) want[b.value] = true; });
    var profile = form.elements.profile.value, system = form.elements.system.value;
    var q = form.elements.q.value.trim().toLowerCase();
    checks.forEach(function (c, i) {
      var d = c.dataset;
      var match = (!profile || d.profile === profile) && (!system || d.system === system) && (!q || texts[i].indexOf(q) >= 0);
      if (match) counts[d.outcome] = (counts[d.outcome] || 0) + 1;
      c.hidden = !(match && want[d.outcome]);
      if (!c.hidden) n++;
    });
    boxes.forEach(function (b) { form.querySelector('[data-count-for=' + b.value + ']').textContent = counts[b.value] || 0; });
    shown.textContent = 'showing ' + n + ' of ' + checks.length + ' checks';
    empty.hidden = n > 0;
  }
  function preset(onlyProblems) {
    boxes.forEach(function (b) { b.checked = !onlyProblems || problems.indexOf(b.value) >= 0; });
    apply();
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  document.getElementById('only-problems').addEventListener('click', function () { preset(true); });
  document.getElementById('show-all').addEventListener('click', function () { form.reset(); preset(false); });
  // A link to a check the filters hide (from the matrix or the timing table) shows it first.
  function reveal(target) {
    if (!target || !target.classList.contains('check')) return;
    if (target.hidden) { form.reset(); preset(false); }
    target.open = true;
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#check-"]');
    if (a) reveal(document.getElementById(a.getAttribute('href').slice(1)));
  });
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
  });
  preset(checks.some(function (c) { return problems.indexOf(c.dataset.outcome) >= 0; }));
  if (location.hash) { var t = document.getElementById(location.hash.slice(1)); reveal(t); if (t) t.scrollIntoView(); }
})();`;

/** The report as one HTML page with no external resources; every text from the report is escaped. */
