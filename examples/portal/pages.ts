import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { BeamlineRun } from './beamline.ts';
import type { JobRow } from './firecrest.ts';

// The portal's pages. Hono's `html` templates escape every value as its JSX does; they run under
// Node's type stripping, which .tsx files would not.

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const style = raw(`<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  header { background: #1d3557; color: #fff; padding: .6rem 1.5rem; display: flex; gap: 1.5rem; align-items: center; }
  header h1 { font-size: 1.1rem; margin: 0; flex: 1; }
  header a, header button { color: #fff; }
  main { padding: 1rem 1.5rem; display: grid; gap: 1rem; max-width: 72rem; }
  section { background: #fff; border-radius: 6px; padding: .8rem 1.2rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h2 { font-size: 1rem; margin: .2rem 0 .6rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e5ea; }
  th { background: #eef1f6; }
  td.state { font-weight: 600; }
  form.inline { display: inline; }
  label { margin-right: .4rem; }
  textarea { width: 100%; font-family: monospace; }
  .note { color: #5a6070; font-size: .85rem; }
  .error { color: #a40000; }
</style>`);

function layout(title: string, header: Html, body: Html) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
        ${style}
      </head>
      <body>
        <header>${header}</header>
        <main>${body}</main>
      </body>
    </html>`;
}

export function welcomePage(site: string) {
  return layout(
    'FirecREST portal',
    html`<h1>FirecREST portal</h1>`,
    html`<section>
      <h2>Welcome</h2>
      <p>Log in with your ${site} account to see your jobs and run the beamline analysis.</p>
      <p><a id="login" href="/login">Log in</a></p>
    </section>`,
  );
}

export function errorPage(message: string) {
  return layout(
    'FirecREST portal',
    html`<h1>FirecREST portal</h1>`,
    html`<section>
      <p class="error">${message}</p>
      <p><a href="/">Back</a></p>
    </section>`,
  );
}

export function jobRows(jobs: readonly JobRow[]) {
  if (jobs.length === 0)
    return html`<tr>
      <td colspan="8" class="note">No jobs.</td>
    </tr>`;
  return html`${jobs.map(
    (j) =>
      html`<tr data-job-id="${j.jobId}">
        <td>${j.jobId}</td>
        <td>${j.name}</td>
        <td>${j.nodeList}</td>
        <td>${j.nodes}</td>
        <td>${j.partition}</td>
        <td>${j.startTime}</td>
        <td class="state">${j.state}</td>
        <td>${j.time}</td>
      </tr>`,
  )}`;
}

export function runRows(runs: readonly BeamlineRun[]) {
  if (runs.length === 0)
    return html`<tr>
      <td colspan="6" class="note">No runs yet.</td>
    </tr>`;
  return html`${runs.map(
    (r) =>
      html`<tr data-run-id="${r.id}">
        <td>${r.id}</td>
        <td>${r.dataset} (${r.bytes.toLocaleString('en')} bytes, ${r.staged ? 'staged' : 'direct'})</td>
        <td>${r.analysisJobId ?? r.transferJobId ?? ''}</td>
        <td class="stage">${r.stage}</td>
        <td class="state">${r.jobState ?? ''}${r.message ? html` <span class="error">${r.message}</span>` : ''}</td>
        <td>
          ${r.stage === 'done' ? html`<a class="result" href="/beamline/${r.id}/result">Download results</a>` : ''}
        </td>
      </tr>`,
  )}`;
}

export interface DashboardInput {
  readonly username: string;
  readonly systems: readonly string[];
  readonly system: string;
  readonly accounts: readonly string[];
  readonly jobs: readonly JobRow[];
  readonly runs: readonly BeamlineRun[];
  readonly refreshS: number;
  readonly workDir: string;
  readonly error?: string | undefined;
}

const defaultScript = '#!/bin/bash\n#SBATCH --time=00:05:00\necho "hello from the portal"\nsleep 60\n';

export function dashboard(d: DashboardInput) {
  const header = html`<h1>FirecREST portal</h1>
    <form class="inline" method="post" action="/system">
      <label for="system">System</label>
      <select id="system" name="system" onchange="this.form.submit()">
        ${d.systems.map((s) => html`<option value="${s}" ${s === d.system ? 'selected' : ''}>${s}</option>`)}
      </select>
      <noscript><button>Pick</button></noscript>
    </form>
    <span id="user">${d.username}</span>
    <a id="logout" href="/logout">Log out</a>`;
  const body = html`${d.error ? html`<section class="error" role="alert">${d.error}</section>` : ''}
    <section>
      <h2>Jobs on ${d.system}</h2>
      <table id="jobs">
        <thead>
          <tr>
            <th>Job ID</th>
            <th>Job Name</th>
            <th>Node List</th>
            <th>Nodes</th>
            <th>Partition</th>
            <th>Start Time</th>
            <th>State</th>
            <th>Time</th>
          </tr>
        </thead>
        <tbody id="job-rows">
          ${jobRows(d.jobs)}
        </tbody>
      </table>
      <p class="note">Refreshes every ${d.refreshS} s.</p>
    </section>
    <section>
      <h2>Submit a job</h2>
      <form id="submit" method="post" action="/jobs">
        <label for="job-name">Name</label><input id="job-name" name="name" value="portal-job" />
        <label for="account">Account</label>
        <select id="account" name="account">
          <option value="">(default)</option>
          ${d.accounts.map((a) => html`<option value="${a}">${a}</option>`)}
        </select>
        <p><textarea id="script" name="script" rows="5">${defaultScript}</textarea></p>
        <button type="submit">Submit</button>
        <span class="note">runs in ${d.workDir}</span>
      </form>
    </section>
    <section>
      <h2>Beamline: analyse a data set</h2>
      <form id="beamline" method="post" action="/beamline" enctype="multipart/form-data">
        <input id="dataset" type="file" name="dataset" required />
        <button type="submit">Upload and analyse</button>
      </form>
      <table id="runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Data set</th>
            <th>Job ID</th>
            <th>Stage</th>
            <th>Job state</th>
            <th>Results</th>
          </tr>
        </thead>
        <tbody id="run-rows">
          ${runRows(d.runs)}
        </tbody>
      </table>
    </section>
    <script>
      // The tables refresh themselves; the forms stay as the user left them.
      const refresh = async (id, url) => {
        const answer = await fetch(url, { cache: 'no-store' });
        if (answer.status === 401) return location.assign('/');
        if (answer.ok) document.getElementById(id).innerHTML = await answer.text();
      };
      setInterval(() => {
        refresh('job-rows', '/jobs');
        refresh('run-rows', '/beamline');
      }, ${d.refreshS * 1000});
    </script>`;
  return layout(`Jobs on ${d.system}`, header, body);
}
