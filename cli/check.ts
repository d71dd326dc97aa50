import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest, type Reporter, type Vitest } from 'vitest/node';
import { defaultSite } from '../fixtures/sites/default.ts';
import { ResultCollector, type CheckResult } from '../reporters/collect.ts';
import { computeCoverage } from '../reporters/coverage.ts';
import type { Deviation } from '../reporters/deviations.ts';
import { writeReports } from '../reporters/index.ts';
import { judge } from '../reporters/judge.ts';
import { ProgressReporter, type Progress } from '../reporters/progress.ts';
import type { CheckRecord, CleanupRecord, RunReport } from '../reporters/report.ts';
import { exitStatusOf, verdictLine } from '../reporters/verdict.ts';
import { generations, loadSpec } from '../spec/load.ts';
import { redactText } from '../spec/redact.ts';
import { findRequirement, requirements } from '../spec/requirements.ts';
import { profileOutOfScope, skipReason, type RunScope } from '../spec/run-scope.ts';
import { operationKey } from '../spec/validate.ts';
import type { TargetConfig } from '../suites/harness/config.ts';
import { HarnessError } from '../suites/harness/errors.ts';
import { scopeOf } from '../suites/harness/scope.ts';
import { DEFAULT_JOB_BUDGET_S, describeError, requestToken } from '../suites/harness/target.ts';
import { cleanUp, type StagingStore } from './cleanup.ts';

export interface CheckConfig {
  readonly target: TargetConfig;
  /** The systems to check, one run each; the target's system (or the site's first) when absent. */
  readonly systems?: readonly string[];
  /** Partitions each system must list (from the site profile). */
  readonly partitions?: Readonly<Record<string, readonly string[]>>;
  readonly outDir: string;
  readonly reports: readonly string[];
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
  /** A certification run: a profile in scope left INCOMPLETE exits 3. */
  readonly certify?: boolean;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;

/** Whether the run's configuration alone rules a requirement's checks out (the site may skip more). */
function ruledOutBy(scope: RunScope): (id: string) => boolean {
  return (id) => {
    const req = findRequirement(id);
    return req ? skipReason(req, scope) !== undefined : false;
  };
}

/**
 * How many checks a run will make on one system, read from the catalogue (each requirement has
 * one check): those a filter on their id selects and the configuration does not rule out. A
 * filter on words of a check's title counts none here; the progress then counts checks as
 * vitest collects them.
 */
function expectedChecks(filter: string | undefined, ruledOut: (id: string) => boolean): number {
  const pattern = filter ? new RegExp(filter) : undefined;
  return requirements.filter((r) => (!pattern || pattern.test(`${r.id} `)) && !ruledOut(r.id)).length;
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
    throw new HarnessError(`target ${base} unreachable: ${describeError(error)}`);
  }
  const body = (await response.json().catch(() => ({}))) as {
    systems?: { name: string }[];
    out?: { system: string }[];
  };
  return { systems: (body.systems?.map((s) => s.name) ?? body.out?.map((s) => s.system))?.slice(0, 1), token };
}

function redactedTarget(target: TargetConfig): Record<string, unknown> {
  if (target.kind === 'embedded') {
    // What each fault does, not the values it carries (a body or header it injects may hold anything).
    const faults = (target.faults ?? []).map((f) => {
      const { method, path, times, ...rest } = f as Record<string, unknown>;
      const kinds = Object.keys(rest).filter((k) => rest[k] !== undefined);
      return `${typeof method === 'string' ? `${method} ` : ''}${typeof path === 'string' ? path : ''} ${kinds.join(', ')}${typeof times === 'number' ? ` ×${times}` : ''}`.trim();
    });
    return { kind: 'embedded', seed: target.seed ?? null, faults };
  }
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

/** What the vitest runs of all systems gave. */
interface SuiteRuns {
  readonly collected: CheckResult[];
  readonly runErrors: string[];
  readonly interrupted: boolean;
  readonly startupMs: number;
  readonly suitesMs: number;
  readonly preparationMs: number;
}

/** Runs the suites once per system; Ctrl-C stops the checks (the caller then cleans up). */
async function runSuites(
  config: CheckConfig,
  target: TargetConfig,
  systems: readonly string[],
  run: { readonly runId: string; readonly ledger: string; readonly outDir: string },
): Promise<SuiteRuns> {
  const remote = target.kind === 'remote';
  const ruledOut = ruledOutBy(scopeOf(target, config.readOnly ?? false));
  const progress: Progress = {
    systems: systems.length,
    expected: expectedChecks(config.filter, ruledOut),
    ruledOut,
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
  const collected: CheckResult[] = [];
  const runErrors: string[] = [];
  let startupMs = 0;
  let suitesMs = 0;
  let preparationMs = 0;
  try {
    for (const [index, system] of systems.entries()) {
      if (interrupted) break;
      const collector = new ResultCollector({ root, system });
      const reporters: Reporter[] = [collector];
      if (config.progress !== false) reporters.unshift(new ProgressReporter(progress, system, index));
      const settings = {
        ...target.run,
        runId: run.runId,
        ledger: run.ledger,
        readOnly: config.readOnly ?? target.run?.readOnly,
        partitions: config.partitions?.[system] ?? target.run?.partitions,
      };
      const provided: TargetConfig = { ...target, system: system || undefined, run: settings };
      const starting = performance.now();
      current = await createVitest(
        'test',
        {
          root,
          config: false,
          include: ['suites/**/*.spec.ts'],
          watch: false,
          provide: { target: provided },
          reporters,
          testTimeout: remote ? (target.jobBudgetS ?? DEFAULT_JOB_BUDGET_S) * 1000 + 60_000 : 30_000,
          hookTimeout: 120_000,
          ...(config.filter ? { testNamePattern: config.filter } : {}),
          // Worker threads keep their modules (the spec, its compiled schemas) from file to file.
          // A live site is shared: keep the load on it modest, one file at a time.
          pool: 'threads',
          isolate: false,
          ...(remote ? { fileParallelism: false } : {}),
        },
        {},
      );
      // Vitest leaves the process on Ctrl-C; this run stops its checks and cleans up first.
      for (const listener of process.listeners('SIGINT')) if (listener !== onSigint) process.off('SIGINT', listener);
      const started = performance.now();
      startupMs += started - starting;
      if (!interrupted) await current.start([]);
      await current.close();
      suitesMs += performance.now() - started;
      current = undefined;
      collected.push(...collector.results);
      runErrors.push(...collector.runErrors);
      preparationMs += collector.preparationMs;
    }
  } finally {
    process.off('SIGINT', onSigint);
    // A second Ctrl-C during the cleanup leaves at once.
    process.once('SIGINT', () => process.exit(130));
  }
  const ms = Math.round;
  return {
    collected,
    runErrors,
    interrupted,
    startupMs: ms(startupMs),
    suitesMs: ms(suitesMs),
    preparationMs: ms(preparationMs),
  };
}

/** Every operation of our two specs, as reports name them. */
async function allOperations(): Promise<string[]> {
  const specs = await Promise.all(generations.map((g) => loadSpec(g)));
  return specs.flatMap((spec) => spec.operations.map(operationKey)).sort();
}

interface ReportFacts {
  readonly config: CheckConfig;
  readonly target: TargetConfig;
  readonly systems: readonly string[];
  readonly runId: string;
  readonly startedAt: Date;
  readonly runs: SuiteRuns;
  readonly cleanup: CleanupRecord | null;
}

/** The one record of the run that every report is written from. */
async function buildReport(facts: ReportFacts): Promise<RunReport> {
  const { config, target, runs } = facts;
  const scope = scopeOf(target, config.readOnly ?? false);
  const { results, verdict: judged } = judge(runs.collected, config.deviations ?? [], {
    systems: facts.systems,
    outOfScope: (profile) => profileOutOfScope(profile, scope),
  });
  const problems = [...judged.problems, ...(runs.interrupted ? ['the run was interrupted: checks were left out'] : [])];
  const verdict = {
    ...judged,
    problems,
    verdict: runs.interrupted && judged.verdict === 'PASS' ? ('INCOMPLETE' as const) : judged.verdict,
  };
  const exit = exitStatusOf(verdict, {
    interrupted: runs.interrupted,
    certify: config.certify ?? false,
    runErrors: runs.runErrors.length,
  });
  const sum = (pick: (r: CheckRecord) => number | undefined) =>
    Math.round(results.reduce((t, r) => t + (pick(r) ?? 0), 0));
  return {
    tool: 'f7t-conformance',
    version,
    generatedAt: new Date().toISOString(),
    runId: facts.runId,
    site: config.site ?? null,
    target: redactedTarget(target),
    readOnly: config.readOnly ?? false,
    systems: facts.systems,
    verdict: verdict.verdict,
    exit,
    certify: config.certify ?? false,
    filter: config.filter ?? null,
    profiles: verdict.profiles,
    counts: verdict.counts,
    problems,
    runErrors: runs.runErrors,
    mustRan: verdict.mustRan,
    coverage: computeCoverage(await allOperations(), results),
    timing: {
      startedAt: facts.startedAt.toISOString(),
      durationMs: Date.now() - facts.startedAt.getTime(),
      apiMs: sum((r) => r.apiMs),
      waitMs: sum((r) => r.waitMs),
      startupMs: runs.startupMs,
      suitesMs: runs.suitesMs,
      preparationMs: runs.preparationMs,
    },
    cleanup: facts.cleanup,
    results,
  };
}

/** The systems to check: the profile's, the one asked for, or the site's first. */
function systemsOf(config: CheckConfig, target: TargetConfig, discovered: { systems?: string[] }): readonly string[] {
  if (config.systems?.length) return config.systems;
  if (target.kind === 'remote') return [target.system ?? discovered.systems?.[0] ?? ''];
  return [target.system ?? defaultSite.systems[0]?.name ?? ''];
}

/**
 * Runs the suites against a target, once per system, cleans up what a live run made, writes the
 * reports, and gives the exit code (see `exitStatusOf`: 130, 1, 2, 3 or 0).
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
  const systems = systemsOf(config, target, discovered);
  const runs = await runSuites(config, target, systems, { runId, ledger, outDir });

  let cleanup: CleanupRecord | null = null;
  if (target.kind === 'remote' && !target.controlUrl) {
    process.stderr.write('cleaning up what the run made on the site...\n');
    cleanup = await cleanUp({ target, systems, runId, ledger, store: config.store }).catch((error: unknown) => ({
      done: [],
      leftovers: [{ kind: 'file' as const, what: 'the cleanup itself', note: describeError(error) }],
    }));
  }
  // The ledger kept presigned URLs whole for the cleanup; what stays in the reports holds no capability.
  writeFileSync(ledger, redactText(readFileSync(ledger, 'utf8')));
  const report = await buildReport({ config, target, systems, runId, startedAt, runs, cleanup });
  writeReports(report, config.reports, {
    dir: outDir,
    stdout: (text) => process.stdout.write(text),
    writeFile: (name, content) => writeFileSync(resolve(outDir, name), content),
  });
  // The verdict is always the last line, whichever reports were asked for.
  if (!config.reports.includes('console')) {
    if (report.exit.code !== 0) process.stderr.write(`exit ${report.exit.code}: ${report.exit.reason}\n`);
    process.stdout.write(`${verdictLine(report)}\n`);
  }
  return report.exit.code;
}
