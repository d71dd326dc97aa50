import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter } from 'vitest/node';
import { createVitest, type Vitest } from 'vitest/node';
import { defaultSite } from '../fixtures/sites/default.ts';
import { formatSummary, judge, ResultCollector } from '../reporters/console.ts';
import type { Deviation } from '../reporters/deviations.ts';
import { renderHtml } from '../reporters/html.ts';
import { ProgressReporter, type Progress } from '../reporters/progress.ts';
import type { CheckRecord, CleanupRecord, RunReport } from '../reporters/report.ts';
import { verdictLine } from '../reporters/verdict.ts';
import { findRequirement } from '../spec/requirements.ts';
import type { TargetConfig } from '../suites/harness/config.ts';
import { HarnessError } from '../suites/harness/errors.ts';
import { DEFAULT_JOB_BUDGET_S, describe, requestToken } from '../suites/harness/target.ts';
import { cleanUp, type StagingStore } from './cleanup.ts';
import type { ReportKind } from './report-kinds.ts';
import { missingApi, ruledOutByScope, type RunScope } from './run-scope.ts';

export interface CheckConfig {
  readonly target: TargetConfig;
  /** The systems to check, one run each; the target's system (or the site's first) when absent. */
  readonly systems?: readonly string[];
  /** Partitions each system must list (from the site profile). */
  readonly partitions?: Readonly<Record<string, readonly string[]>>;
  readonly outDir: string;
  readonly reports: readonly ReportKind[];
  /** Only checks whose title matches (a requirement id or part of one). */
  readonly filter?: string | undefined;
  /** The site's declared deviations (requirement id, reason, expiry). */
  readonly deviations?: readonly Deviation[];
  /** The site profile's name. */
  readonly site?: string | undefined;
  readonly readOnly?: boolean;
  /** The site's staging store, so that the cleanup can delete staged objects. */
  readonly store?: StagingStore | undefined;
  /** Progress lines on stderr (default: on). */
  readonly progress?: boolean;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;

/** Whether the target's configuration alone rules a requirement's checks out (an estimate: the site may skip more). */
function ruledOut(id: string, target: TargetConfig, readOnly: boolean): boolean {
  const req = findRequirement(id);
  if (!req) return false;
  const remote = target.kind === 'remote';
  const scope: RunScope = {
    v1Url: !remote || Boolean(target.v1BaseUrl),
    v2Url: !remote || Boolean(target.baseUrl),
    readOnly: readOnly || Boolean(target.run?.readOnly),
    secondIdentity: !remote || Boolean(target.second),
    stagedTransfers: target.run?.transfer !== 'none',
  };
  return Boolean(missingApi(req, scope) ?? ruledOutByScope(req, scope));
}

/** How many checks a run will make on one system, from the suites' source (for the progress estimate). */
function expectedChecks(filter: string | undefined, target: TargetConfig, readOnly: boolean): number {
  const pattern = filter ? new RegExp(filter) : undefined;
  const declared = /check\(\s*'(V\d-[A-Z0-9-]+-\d{3})',\s*(['"`])((?:\\.|(?!\2).)*)\2/gs;
  let count = 0;
  for (const file of readdirSync(resolve(root, 'suites'), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.spec.ts')) continue;
    for (const [, id = '', , title] of readFileSync(resolve(root, 'suites', file), 'utf8').matchAll(declared))
      if ((!pattern || pattern.test(`${id} ${title}`)) && !ruledOut(id, target, readOnly)) count++;
  }
  return count;
}

/**
 * Fails fast, with one line, when the token endpoint or the API cannot be reached. Gives the
 * systems the site lists and the token it got (the expired-token check may wait for it to expire).
 */
async function preflight(target: TargetConfig): Promise<{ systems?: string[]; token?: string }> {
  if (target.kind !== 'remote') return {};
  const { token } = await requestToken((input, init) => fetch(input, init), target.tokenUrl, target.primary);
  const base = (target.baseUrl || target.v1BaseUrl || '').replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${base}/status/systems`, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new HarnessError(`target ${base} unreachable: ${describe(error)}`);
  }
  const body = (await response.json().catch(() => ({}))) as {
    systems?: { name: string }[];
    out?: { system: string }[];
  };
  return { systems: (body.systems?.map((s) => s.name) ?? body.out?.map((s) => s.system))?.slice(0, 1), token };
}

function redactedTarget(target: TargetConfig): Record<string, unknown> {
  if (target.kind === 'embedded') return { kind: 'embedded', seed: target.seed ?? null, faults: target.faults ?? [] };
  return {
    kind: 'remote',
    baseUrl: target.baseUrl || null,
    v1BaseUrl: target.v1BaseUrl ?? null,
    tokenUrl: target.tokenUrl,
    clientId: target.primary.clientId,
    secondClientId: target.second?.clientId ?? null,
    controlPlane: target.controlUrl ?? null,
  };
}

/**
 * Runs the suites against a target, once per system, cleans up what a live run made, and writes
 * the reports. Exit code: 0 (no MUST failed), 1 (a MUST failed or a deviation entry is stale),
 * 2 (the harness could not run, or errors left MUSTs unchecked), 130 (interrupted).
 */
export async function runCheck(config: CheckConfig): Promise<number> {
  let discovered: { systems?: string[]; token?: string };
  try {
    discovered = await preflight(config.target);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const startedAt = new Date();
  const runId = randomBytes(4).toString('hex');
  const outDir = resolve(config.outDir);
  mkdirSync(outDir, { recursive: true });
  const ledger = resolve(outDir, `ledger-${runId}.jsonl`);
  writeFileSync(ledger, '');
  const given = config.target;
  // Without an expired token or a control plane to mint one, the preflight's token will do once it expires.
  const target: TargetConfig =
    given.kind === 'remote' && !given.expiredToken && !given.controlUrl && discovered.token
      ? { ...given, agingToken: discovered.token }
      : given;
  const systems = config.systems?.length
    ? config.systems
    : target.kind === 'remote'
      ? [target.system ?? discovered.systems?.[0] ?? '']
      : [target.system ?? defaultSite.systems[0]?.name ?? ''];
  const deviations = config.deviations ?? [];
  const remote = target.kind === 'remote';
  const progress: Progress = {
    systems: systems.length,
    expected: expectedChecks(config.filter, target, config.readOnly ?? false),
    ruledOut: (id) => ruledOut(id, target, config.readOnly ?? false),
    apiMs: 0,
    waitMs: 0,
    startedAt: Date.now(),
  };

  let interrupted = false;
  let current: Vitest | undefined;
  const onSigint = () => {
    if (interrupted) {
      process.stderr.write('\ninterrupted again: leaving without cleanup\n');
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write('\ninterrupted: stopping the checks, then cleaning up (Ctrl-C again to leave at once)\n');
    void current?.cancelCurrentRun('keyboard-input');
  };
  process.on('SIGINT', onSigint);

  const collected: CheckRecord[] = [];
  let unhandled = 0;
  try {
    for (const [index, system] of systems.entries()) {
      if (interrupted) break;
      const collector = new ResultCollector({ root, system });
      const reporters: (Reporter | string | [string, Record<string, unknown>])[] = [];
      // Vitest's dots are for a terminal; in a log they are one long line of colour codes, and the
      // summary below says everything they do.
      if (config.reports.includes('console') && process.stdout.isTTY) reporters.push('dot');
      if (config.reports.includes('junit')) reporters.push(['junit', { suiteName: `f7t-conformance ${system}` }]);
      if (config.progress !== false) reporters.push(new ProgressReporter(progress, system, index));
      reporters.push(collector);
      const run = {
        ...target.run,
        runId,
        ledger,
        readOnly: config.readOnly ?? target.run?.readOnly,
        partitions: config.partitions?.[system] ?? target.run?.partitions,
      };
      const provided: TargetConfig = { ...target, system: system || undefined, run };
      const junit = systems.length > 1 ? `junit-${system}.xml` : 'junit.xml';
      current = await createVitest(
        'test',
        {
          root,
          config: false,
          include: ['suites/**/*.spec.ts'],
          watch: false,
          provide: { target: provided },
          reporters,
          outputFile: { junit: resolve(outDir, junit) },
          testTimeout: remote ? (target.jobBudgetS ?? DEFAULT_JOB_BUDGET_S) * 1000 + 60_000 : 30_000,
          hookTimeout: 120_000,
          ...(config.filter ? { testNamePattern: config.filter } : {}),
          // A live site is shared: keep the load on it modest.
          ...(remote ? { fileParallelism: false } : {}),
        },
        {},
      );
      // Vitest leaves the process on Ctrl-C; this run stops its checks and cleans up first.
      for (const listener of process.listeners('SIGINT')) if (listener !== onSigint) process.off('SIGINT', listener);
      if (!interrupted) await current.start([]);
      await current.close();
      current = undefined;
      collected.push(...collector.results);
      unhandled += collector.unhandled;
    }
  } finally {
    process.off('SIGINT', onSigint);
    // A second Ctrl-C during the cleanup leaves at once.
    process.once('SIGINT', () => process.exit(130));
  }

  let cleanup: CleanupRecord | null = null;
  if (target.kind === 'remote' && !target.controlUrl) {
    process.stderr.write('cleaning up what the run made on the site...\n');
    cleanup = await cleanUp({ target, systems, runId, ledger, store: config.store }).catch((error: unknown) => ({
      done: [],
      leftovers: [{ kind: 'file' as const, what: 'the cleanup itself', note: describe(error) }],
    }));
  }

  const { results, verdict } = judge(collected, deviations);
  const problems = [...verdict.problems, ...(interrupted ? ['the run was interrupted: checks were left out'] : [])];
  const report: RunReport = {
    tool: 'f7t-conformance',
    version,
    generatedAt: new Date().toISOString(),
    runId,
    site: config.site ?? null,
    target: redactedTarget(target),
    readOnly: config.readOnly ?? false,
    systems,
    verdict: interrupted && verdict.verdict === 'PASS' ? 'INCOMPLETE' : verdict.verdict,
    profiles: verdict.profiles,
    counts: verdict.counts,
    problems,
    timing: {
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      apiMs: Math.round(results.reduce((sum, r) => sum + (r.apiMs ?? 0), 0)),
      waitMs: Math.round(results.reduce((sum, r) => sum + (r.waitMs ?? 0), 0)),
    },
    cleanup,
    results,
  };
  if (config.reports.includes('json'))
    writeFileSync(resolve(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (config.reports.includes('html')) writeFileSync(resolve(outDir, 'report.html'), renderHtml(report));

  if (results.length === 0) {
    process.stderr.write('no conformance check ran\n');
    return interrupted ? 130 : 2;
  }
  if (config.reports.includes('console')) {
    if (unhandled > 0) process.stdout.write(`\n${unhandled} unhandled error(s) during the run\n`);
    process.stdout.write(`${formatSummary(results, verdict)}\n`);
  }
  if (cleanup) {
    const left = cleanup.leftovers;
    process.stdout.write(
      `\ncleanup: ${cleanup.done.length} item(s) removed or cancelled; ${left.length === 0 ? 'nothing of the run is left on the site' : `${left.length} left on the site:`}\n`,
    );
    for (const l of left)
      process.stdout.write(
        `  ${l.kind} ${l.what}${l.system ? ` on ${l.system}` : ''}${l.note ? ` (${l.note})` : ''}\n`,
      );
  }
  const written = [
    config.reports.includes('json') ? 'results.json' : '',
    config.reports.includes('junit') ? 'junit XML' : '',
    config.reports.includes('html') ? 'report.html' : '',
  ].filter(Boolean);
  if (written.length > 0) process.stdout.write(`reports: ${written.join(', ')} in ${outDir}\n`);
  // Reporters may still print while closing; the verdict comes after all of them.
  process.stdout.write(`\n${verdictLine({ ...verdict, verdict: report.verdict, problems })}\n`);
  if (interrupted) return 130;
  if (verdict.verdict === 'FAIL') return 1;
  if (verdict.counts.error > 0) return 2;
  return 0;
}
