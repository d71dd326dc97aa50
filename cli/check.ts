import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter } from 'vitest/node';
import { startVitest } from 'vitest/node';
import { ConsoleSummaryReporter } from '../reporters/console.ts';
import type { Deviation } from '../reporters/deviations.ts';
import { JsonResultsReporter } from '../reporters/json.ts';
import { computeVerdict, verdictLine } from '../reporters/verdict.ts';
import type { TargetConfig } from '../suites/harness/config.ts';
import { HarnessError } from '../suites/harness/errors.ts';
import { describe, requestToken } from '../suites/harness/target.ts';

export const reportKinds = ['console', 'junit', 'json'] as const;
export type ReportKind = (typeof reportKinds)[number];

export interface CheckConfig {
  readonly target: TargetConfig;
  readonly outDir: string;
  readonly reports: readonly ReportKind[];
  /** Only checks whose title matches (a requirement id or part of one). */
  readonly filter?: string | undefined;
  /** The site's declared deviations (requirement id, reason, expiry). */
  readonly deviations?: readonly Deviation[];
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** Fails fast, with one line, when the token endpoint or the API cannot be reached. */
async function preflight(target: TargetConfig): Promise<void> {
  if (target.kind !== 'remote') return;
  const { token } = await requestToken((input, init) => fetch(input, init), target.tokenUrl, target.primary);
  try {
    await fetch(`${target.baseUrl.replace(/\/+$/, '')}/status/systems`, {
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (error) {
    throw new HarnessError(`target ${target.baseUrl} unreachable: ${describe(error)}`);
  }
}

function redactedTarget(target: TargetConfig): Record<string, unknown> {
  if (target.kind === 'embedded') return { kind: 'embedded', seed: target.seed ?? null, faults: target.faults ?? [] };
  return {
    kind: 'remote',
    baseUrl: target.baseUrl,
    v1BaseUrl: target.v1BaseUrl ?? null,
    tokenUrl: target.tokenUrl,
    clientId: target.primary.clientId,
    secondClientId: target.second?.clientId ?? null,
    system: target.system ?? null,
  };
}

/** Runs the suites against a target; the exit code is 0 (no MUST failed), 1 (a MUST failed) or 2. */
export async function runCheck(config: CheckConfig): Promise<number> {
  try {
    await preflight(config.target);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const outDir = resolve(config.outDir);
  mkdirSync(outDir, { recursive: true });
  const deviations = config.deviations ?? [];
  const summary = new ConsoleSummaryReporter({ root, deviations });
  const reporters: (Reporter | string | [string, Record<string, unknown>])[] = [];
  if (config.reports.includes('console')) reporters.push('dot');
  if (config.reports.includes('junit')) reporters.push(['junit', { suiteName: 'f7t-conformance' }]);
  if (config.reports.includes('json')) {
    reporters.push(
      new JsonResultsReporter({
        outputFile: resolve(outDir, 'results.json'),
        root,
        target: redactedTarget(config.target),
        deviations,
      }),
    );
  }
  reporters.push(summary);
  const remote = config.target.kind === 'remote';
  const vitest = await startVitest(
    'test',
    [],
    {
      root,
      config: false,
      include: ['suites/**/*.spec.ts'],
      watch: false,
      provide: { target: config.target },
      reporters: reporters as never,
      outputFile: { junit: resolve(outDir, 'junit.xml') },
      testTimeout: remote ? ((config.target as { jobBudgetS?: number }).jobBudgetS ?? 180) * 1000 + 60_000 : 30_000,
      hookTimeout: 120_000,
      ...(config.filter ? { testNamePattern: config.filter } : {}),
      // A live site is shared: keep the load on it modest.
      ...(remote ? { fileParallelism: false } : {}),
    },
    {},
  );
  await vitest.close();
  const verdict = summary.verdict ?? computeVerdict(summary.results);
  if (summary.results.length === 0) {
    process.stderr.write('no conformance check ran\n');
    return 2;
  }
  // Reporters may still print while closing; the verdict comes after all of them.
  process.stdout.write(`\n${verdictLine(verdict)}\n`);
  if (verdict.verdict === 'FAIL') return 1;
  if (verdict.counts.error > 0) return 2;
  return 0;
}
