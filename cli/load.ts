import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSummary } from '../reporters/load-console.ts';
import { loadHtml } from '../reporters/load-html.ts';
import { formatRate, type LoadReport } from '../reporters/load-report.ts';
import { redactDeep } from '../spec/redact.ts';
import { DEFAULT_JOB_BUDGET_S } from '../suites/harness/target.ts';
import { startServedSite } from './load-embedded.ts';
import { LoadSetupError, startLoad, type LoadPlan, type LoadSite } from './load-runner.ts';
import { readSiteProfile, type SiteProfile } from './site-profile.ts';

// `f7t-conformance load`: N simulated users through the seed's workflow against a simulator or a
// site whose profile allows it, with p50/p99 per operation, errors and throughput in load.json,
// load.html and on the console. Exit 0, 1 (error rate over the threshold), 2 (refused, bad usage,
// set-up failed), 130 (interrupted; the users still clean up).

export class LoadUsageError extends Error {}

const parseLoadArgs = (args: string[]) =>
  parseArgs({
    args,
    options: {
      embedded: { type: 'boolean', default: false },
      site: { type: 'string' },
      seed: { type: 'string' },
      system: { type: 'string' },
      users: { type: 'string' },
      duration: { type: 'string', default: '60' },
      requests: { type: 'string' },
      rate: { type: 'string' },
      'max-error-rate': { type: 'string' },
      'poll-interval': { type: 'string', default: '1' },
      out: { type: 'string', default: 'reports' },
      artillery: { type: 'string' },
    },
  });

type LoadValues = ReturnType<typeof parseLoadArgs>['values'];

function numberOf(name: string, text: string | undefined, min: number, max: number, integer: boolean) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    throw new LoadUsageError(`${name} takes ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  return n;
}

/** What a site profile allows; the reason `load` refuses otherwise. */
export function loadPermission(profile: SiteProfile) {
  const load = profile.load;
  if (!load?.allowed)
    return {
      refused: `the site profile '${profile.name}' does not allow load: add load: { allowed: true, maxUsers: N, maxRequestsPerSecond: R } once the centre agrees`,
    };
  if (!profile.firecrest.v2) return { refused: `the site profile '${profile.name}' gives no v2 URL (firecrest.v2)` };
  return { maxUsers: load.maxUsers ?? 1, maxRequestsPerSecond: load.maxRequestsPerSecond ?? 1 };
}

export interface LoadSettings {
  readonly plan: LoadPlan;
  readonly maxErrorRate: number;
  readonly limits?: LoadReport['limits'];
}

/**
 * The run's settings from the flags and, for a site, the profile's bounds. Asking for more than the
 * profile allows is lowered to it (and said so): the run never exceeds the bounds, and an operator
 * who asks for the profile's maximum need not know it. Without --rate, a site gets its bound.
 */
export function settingsOf(values: LoadValues, profile: SiteProfile | undefined): LoadSettings {
  const users = numberOf('--users', values.users, 1, 10_000, true);
  const rate = numberOf('--rate', values.rate, 0.01, 100_000, false);
  const maxErrorRate = numberOf('--max-error-rate', values['max-error-rate'], 0, 1, false);
  const base = {
    durationS: numberOf('--duration', values.duration, 1, 86_400, false) ?? 60,
    requests: numberOf('--requests', values.requests, 1, 100_000_000, true),
    pollIntervalS: numberOf('--poll-interval', values['poll-interval'], 0.05, 600, false) ?? 1,
  };
  if (!profile) {
    const plan = { ...base, users: users ?? 10, rate, jobBudgetS: DEFAULT_JOB_BUDGET_S };
    return { plan, maxErrorRate: maxErrorRate ?? 0 };
  }
  const allowed = loadPermission(profile);
  if ('refused' in allowed) throw new LoadRefusedError(allowed.refused);
  const clamped: string[] = [];
  let chosenUsers = users ?? allowed.maxUsers;
  if (chosenUsers > allowed.maxUsers) {
    clamped.push(`--users ${chosenUsers} to maxUsers ${allowed.maxUsers}`);
    chosenUsers = allowed.maxUsers;
  }
  let chosenRate = rate ?? allowed.maxRequestsPerSecond;
  if (chosenRate > allowed.maxRequestsPerSecond) {
    clamped.push(`--rate ${chosenRate} to maxRequestsPerSecond ${allowed.maxRequestsPerSecond}`);
    chosenRate = allowed.maxRequestsPerSecond;
  }
  return {
    plan: {
      ...base,
      users: chosenUsers,
      rate: chosenRate,
      jobBudgetS: profile.jobs?.budget ?? DEFAULT_JOB_BUDGET_S,
    },
    maxErrorRate: maxErrorRate ?? profile.load?.errorRateThreshold ?? 0,
    limits: { ...allowed, clamped },
  };
}

/** The site profile does not allow the run: exit 2 with the reason. */
export class LoadRefusedError extends Error {}

function siteOfProfile(profile: SiteProfile, system: string | undefined): LoadSite {
  return {
    baseUrl: profile.firecrest.v2 ?? '',
    tokenUrl: profile.auth.tokenUrl,
    identities: profile.identities.map((i) => ({ clientId: i.clientId, clientSecret: i.clientSecret })),
    system: system ?? profile.systems[0]?.name,
    scratch: profile.scratch,
    jobDefaults: profile.jobs,
  };
}

function readProfile(path: string): SiteProfile {
  try {
    return readSiteProfile(path);
  } catch (error) {
    throw new LoadUsageError(`--site: ${(error as Error).message}`);
  }
}

export async function loadCommand(args: string[]): Promise<number> {
  try {
    return await load(args);
  } catch (error) {
    if (!(error instanceof LoadUsageError) && !(error instanceof LoadRefusedError)) throw error;
    const hint = error instanceof LoadUsageError ? '\n(see f7t-conformance --help)' : '';
    process.stderr.write(`f7t-conformance load: ${error.message}${hint}\n`);
    return 2;
  }
}

async function load(args: string[]): Promise<number> {
  const { values } = parseLoadArgs(args);
  if (Boolean(values.embedded) === Boolean(values.site))
    throw new LoadUsageError('load takes --embedded or --site site.yaml');
  if (values.site && values.seed !== undefined) throw new LoadUsageError('--seed works with --embedded only');
  const profile = values.site ? readProfile(values.site) : undefined;
  const settings = settingsOf(values, profile);
  for (const line of settings.limits?.clamped ?? [])
    process.stderr.write(`f7t-conformance load: lowered to the site profile's bounds: ${line}\n`);
  if (values.artillery) {
    const { writeArtillery } = await import('./load-artillery.ts');
    const written = writeArtillery(values.artillery, settings.plan, profile, values.system);
    process.stdout.write(`Artillery scenario written: ${written.join(', ')}\n`);
    return 0;
  }
  const seed = numberOf('--seed', values.seed, 0, Number.MAX_SAFE_INTEGER, true);
  const served = values.embedded ? await startServedSite(seed) : undefined;
  try {
    const site: LoadSite = served
      ? { baseUrl: served.baseUrl, tokenUrl: served.tokenUrl, identities: served.identities, system: values.system }
      : siteOfProfile(profile as SiteProfile, values.system);
    return await runAndReport(site, settings, values.out, profile?.name);
  } finally {
    await served?.close();
  }
}

async function runAndReport(
  site: LoadSite,
  settings: LoadSettings,
  outDir: string,
  siteName: string | undefined,
): Promise<number> {
  const startedAt = new Date().toISOString();
  const run = startLoad(site, settings.plan);
  // The first Ctrl-C stops the users, who clean up; a second leaves at once.
  const interrupt = () => {
    process.stderr.write('f7t-conformance load: interrupted; cleaning up (Ctrl-C again to leave now)\n');
    run.stop('interrupt');
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  let outcome;
  try {
    outcome = await run.done;
  } catch (error) {
    if (error instanceof LoadSetupError) {
      process.stderr.write(`f7t-conformance load: the run could not start: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
  const { summary } = outcome;
  const errorRate = summary.requests === 0 ? 0 : summary.errorCount / summary.requests;
  const over = errorRate > settings.maxErrorRate;
  const exit =
    outcome.stoppedBy === 'interrupt'
      ? { code: 130, reason: 'interrupted' }
      : {
          code: over ? 1 : 0,
          reason: `error rate ${formatRate(errorRate)} ${over ? 'over' : 'within'} the threshold ${formatRate(settings.maxErrorRate)}`,
        };
  const report: LoadReport = redactDeep({
    tool: 'f7t-conformance load',
    startedAt,
    target: { kind: siteName ? 'site' : 'embedded', site: siteName, baseUrl: site.baseUrl, system: outcome.system },
    settings: {
      users: settings.plan.users,
      durationS: settings.plan.durationS,
      requests: settings.plan.requests,
      rate: settings.plan.rate,
      maxErrorRate: settings.maxErrorRate,
      pollIntervalS: settings.plan.pollIntervalS,
    },
    limits: settings.limits,
    elapsedS: Math.round(outcome.elapsedS * 10) / 10,
    stoppedBy: outcome.stoppedBy,
    totals: {
      requests: summary.requests,
      errors: summary.errorCount,
      errorRate,
      throughput: Math.round((summary.requests / outcome.elapsedS) * 10) / 10,
      iterations: outcome.iterations,
      cleanupRequests: summary.cleanupRequests,
    },
    operations: summary.operations,
    errors: summary.errors,
    exit,
  } satisfies LoadReport);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'load.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'load.html'), loadHtml(report));
  process.stdout.write(loadSummary(report));
  process.stdout.write(`reports: ${join(outDir, 'load.json')}, ${join(outDir, 'load.html')}\n`);
  return exit.code;
}
