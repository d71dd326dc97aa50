import { parseArgs } from 'node:util';
import type { ClientShape } from '../fixtures/site-shape.ts';
import { clockModes, type ClockMode } from '../simulator/engines/clock/index.ts';
import type { Fault } from '../spec/faults.ts';
import type { ClientCredentials, TargetConfig } from '../suites/harness/config.ts';
import { readDeviations, type Deviation } from '../reporters/deviations.ts';
import { optInProfiles } from '../spec/run-scope.ts';
import { checkDataDir } from '../simulator/engines/content/index.ts';
import { describeServer, startServer } from './serve.ts';
import { loginsOf, parseLogin, parsePublicClient, parseRedirectUris } from './login-options.ts';
import { shapeFromProfile } from './site-shape.ts';
import { readSiteProfile, targetOf, type SiteProfile } from './site-profile.ts';

const usage = `f7t-conformance: conformance harness and simulator for FirecREST

Usage:
  f7t-conformance serve [--site site.yaml] [--port 8000] [--host 127.0.0.1] [--seed N]
                        [--client ID:SECRET:USERNAME]... [--clock real|manual|scaled:K] [--public-url URL]
                        [--no-control-plane] [--private-jobs] [--token-ttl SECONDS] [--data-dir DIR]
                        [--user NAME:PASSWORD]... [--public-client ID[:REDIRECT_URI]]... [--redirect-uri ID=URI]...
  f7t-conformance check --site site.yaml [--read-only] [--deviations FILE] [--filter TEXT] [--out DIR]
                        [--report console,junit,json,html] [--no-progress] [--certify] [--profile NAME]...
  f7t-conformance check --target URL [--v1-target URL] --token-url URL --client-id ID --client-secret SECRET
                        [--second-client-id ID --second-client-secret SECRET] [--system NAME]
                        [--control-url URL] [--job-budget SECONDS] [--expired-token JWT] [--read-only] ...
  f7t-conformance check --embedded [--seed N] [--system NAME] [--out DIR] [--report ...]
  f7t-conformance plan --site site.yaml [--read-only]
  f7t-conformance load --embedded [--seed N] | --site site.yaml  [--users N] [--duration SECONDS]
                       [--requests N] [--rate PER_SECOND] [--max-error-rate 0..1] [--poll-interval SECONDS]
                       [--system NAME] [--out DIR] [--artillery DIR]
  f7t-conformance fuzz [--fuzz-seed N] [--count N]
  f7t-conformance mutants [--only ID,...] [--threshold 95] [--lanes 2] [--json FILE] [--verbose]

check reads FIRECREST_URL, AUTH_TOKEN_URL, FIRECREST_CLIENT_ID, FIRECREST_CLIENT_SECRET and
FIRECREST_SYSTEM when the matching flags are absent. Exit: 0 PASS (or INCOMPLETE only through
what the configuration declares), 1 a MUST failed or the deviations file is stale or expired, 2 the
run could not judge the site (an error, or no MUST ran), 3 --certify and a profile in scope
INCOMPLETE, 130 interrupted; the first of 130, 1, 2, 3, 0 that applies.
load runs simulated users through a submit/poll/upload/download/ls/rm round (against a site only
when its profile has load: {allowed: true, ...}) and writes load.json and load.html. Exit: 0, 1 the
error rate passed --max-error-rate, 2 refused or bad usage, 130 interrupted.`;

class UsageError extends Error {}

function parseClient(text: string): ClientShape {
  const [id, secret, username, ...rest] = text.split(':');
  if (!id || !secret || !username || rest.length > 0)
    throw new UsageError(`--client takes ID:SECRET:USERNAME, not '${text}'`);
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(username))
    throw new UsageError(`--client: '${username}' is not a POSIX user name`);
  return { id, secret, username };
}

function parseClock(text: string): { mode: ClockMode; scale?: number } {
  const [mode, scale] = text.split(':');
  if (!clockModes.includes(mode as ClockMode))
    throw new UsageError(`--clock takes real, manual or scaled:K, not '${text}'`);
  if (mode === 'scaled') {
    const k = Number(scale);
    if (!(k > 0)) throw new UsageError('--clock scaled:K needs a positive K');
    return { mode: 'scaled', scale: k };
  }
  return { mode: mode as ClockMode };
}

function parseInteger(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} takes a whole number from ${min} to ${max}`);
  return n;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      site: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      client: { type: 'string', multiple: true, default: [] },
      clock: { type: 'string', default: 'real' },
      'public-url': { type: 'string' },
      'no-control-plane': { type: 'boolean', default: false },
      'private-jobs': { type: 'boolean', default: false },
      'token-ttl': { type: 'string' },
      'data-dir': { type: 'string' },
      user: { type: 'string', multiple: true, default: [] },
      'public-client': { type: 'string', multiple: true, default: [] },
      'redirect-uri': { type: 'string', multiple: true, default: [] },
    },
  });
  const controlPlane = !values['no-control-plane'];
  const dataDir = values['data-dir'];
  if (dataDir !== undefined) {
    try {
      checkDataDir(dataDir);
    } catch (error) {
      throw new UsageError(`--data-dir: ${(error as Error).message}`);
    }
  }
  // A site profile shapes the simulator and, unless told otherwise, says where it listens.
  const profile = values.site ? siteProfile(values.site) : undefined;
  let login;
  try {
    login = {
      // The profile's passwords first: --user overrides them.
      logins: [...loginsOf(profile?.identities ?? []), ...values.user.map(parseLogin)],
      publicClients: values['public-client'].length > 0 ? values['public-client'].map(parsePublicClient) : undefined,
      redirectUris: parseRedirectUris(values['redirect-uri']),
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let listen: URL | undefined;
  if (profile) {
    try {
      listen = new URL(profile.firecrest.v2 ?? profile.firecrest.v1 ?? '');
    } catch {
      listen = undefined;
    }
  }
  let site;
  try {
    site = profile ? shapeFromProfile(profile) : undefined;
  } catch (error) {
    throw new UsageError(`--site: ${(error as Error).message}`);
  }
  const running = await startServer({
    port: parseInteger('--port', values.port ?? (listen ? listen.port || '80' : undefined), 0, 65535) ?? 8000,
    host: values.host ?? (listen ? listen.hostname.replace(/^\[|\]$/g, '') : '127.0.0.1'),
    site,
    seed: parseInteger('--seed', values.seed, 0, Number.MAX_SAFE_INTEGER),
    clients: values.client.map(parseClient),
    publicUrl: values['public-url'],
    clock: parseClock(values.clock),
    controlPlane,
    privateJobs: values['private-jobs'],
    // Over 30 s: FirecREST refuses a token with less than 30 s left.
    tokenTtlS: parseInteger('--token-ttl', values['token-ttl'], 31, 86_400),
    login,
    dataDir,
  });
  process.stdout.write(`${await describeServer(running, controlPlane)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  process.stdout.write('f7t-conformance simulator stopped\n');
  return 0;
}

const parseCheckArgs = (args: string[]) =>
  parseArgs({
    args,
    options: {
      embedded: { type: 'boolean', default: false },
      site: { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      'no-progress': { type: 'boolean', default: false },
      certify: { type: 'boolean', default: false },
      profile: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string' },
      target: { type: 'string' },
      'v1-target': { type: 'string' },
      'token-url': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'second-client-id': { type: 'string' },
      'second-client-secret': { type: 'string' },
      system: { type: 'string' },
      'control-url': { type: 'string' },
      'job-budget': { type: 'string' },
      'expired-token': { type: 'string' },
      'inject-fault': { type: 'string', multiple: true, default: [] },
      filter: { type: 'string' },
      deviations: { type: 'string' },
      out: { type: 'string', default: 'reports' },
      report: { type: 'string', default: 'console,junit,json' },
    },
  });

type CheckValues = ReturnType<typeof parseCheckArgs>['values'];

/** The reports asked for, each one the registry knows. */
async function reportsOf(text: string): Promise<string[]> {
  const reports = text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  // Loaded on demand: `serve` (and its container image) needs neither the reports nor vitest.
  const { reportWriters } = await import('../reporters/index.ts');
  const kinds = reportWriters.map((w) => w.kind);
  const unknown = reports.filter((r) => !kinds.includes(r));
  if (unknown.length > 0) throw new UsageError(`--report takes ${kinds.join(',')}; unknown: ${unknown.join(',')}`);
  return reports;
}

/** A live site given by flags (or their environment variables). */
function remoteTarget(values: CheckValues): TargetConfig {
  const env = process.env;
  const baseUrl = values.target ?? env.FIRECREST_URL;
  const tokenUrl = values['token-url'] ?? env.AUTH_TOKEN_URL;
  const clientId = values['client-id'] ?? env.FIRECREST_CLIENT_ID;
  const clientSecret = values['client-secret'] ?? env.FIRECREST_CLIENT_SECRET;
  const missing = [
    ['--target (FIRECREST_URL)', baseUrl],
    ['--token-url (AUTH_TOKEN_URL)', tokenUrl],
    ['--client-id (FIRECREST_CLIENT_ID)', clientId],
    ['--client-secret (FIRECREST_CLIENT_SECRET)', clientSecret],
  ]
    .filter(([, v]) => !v)
    .map(([name]) => name);
  if (missing.length > 0) throw new UsageError(`check needs ${missing.join(', ')} (or --embedded)`);
  if (values['inject-fault'].length > 0) throw new UsageError('--inject-fault works with --embedded only');
  const secondId = values['second-client-id'];
  const secondSecret = values['second-client-secret'];
  if (Boolean(secondId) !== Boolean(secondSecret))
    throw new UsageError('--second-client-id and --second-client-secret go together');
  const second: ClientCredentials | undefined =
    secondId && secondSecret ? { clientId: secondId, clientSecret: secondSecret } : undefined;
  return {
    kind: 'remote',
    baseUrl: baseUrl ?? '',
    v1BaseUrl: values['v1-target'] ?? env.FIRECREST_V1_URL,
    tokenUrl: tokenUrl ?? '',
    primary: { clientId: clientId ?? '', clientSecret: clientSecret ?? '' },
    second,
    system: values.system ?? env.FIRECREST_SYSTEM,
    controlUrl: values['control-url'],
    jobBudgetS: parseInteger('--job-budget', values['job-budget'], 1, 86400),
    expiredToken: values['expired-token'],
  };
}

/** What the run points at: a site profile, an embedded simulator, or a live site given by flags. */
function targetOfFlags(values: CheckValues): { target: TargetConfig; profile?: SiteProfile } {
  if (values.site) {
    if (values.embedded || values.target) throw new UsageError('--site replaces --target and --embedded');
    const profile = siteProfile(values.site);
    return { target: targetOf(profile), profile };
  }
  if (!values.embedded) return { target: remoteTarget(values) };
  const faults = values['inject-fault'].map((text): Fault => {
    try {
      return JSON.parse(text) as Fault;
    } catch {
      throw new UsageError(`--inject-fault takes a JSON object, not '${text}'`);
    }
  });
  const seed = parseInteger('--seed', values.seed, 0, Number.MAX_SAFE_INTEGER);
  return { target: { kind: 'embedded', faults, system: values.system, ...(seed === undefined ? {} : { seed }) } };
}

/** The opt-in profiles asked for with --profile, added to the target's. */
function withOptIn(target: TargetConfig, optIn: readonly string[]): TargetConfig {
  const notOptIn = optIn.filter((p) => !optInProfiles.includes(p));
  if (notOptIn.length > 0)
    throw new UsageError(
      `--profile takes an opt-in profile (${optInProfiles.join(', ')}); not: ${notOptIn.join(', ')}`,
    );
  if (optIn.length === 0) return target;
  return { ...target, run: { ...target.run, optIn: [...new Set([...(target.run?.optIn ?? []), ...optIn])] } };
}

function deviationsOf(path: string | undefined): Deviation[] {
  if (!path) return [];
  try {
    return readDeviations(path);
  } catch (error) {
    throw new UsageError(`--deviations: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function check(args: string[]): Promise<number> {
  const { values } = parseCheckArgs(args);
  const reports = await reportsOf(values.report);
  const { target, profile } = targetOfFlags(values);
  const deviations = deviationsOf(values.deviations);
  // Loaded on demand: `serve` (and its container image) needs neither vitest nor the S3 client.
  const { runCheck } = await import('./check.ts');
  return runCheck({
    target: withOptIn(target, values.profile),
    outDir: values.out,
    reports,
    certify: values.certify || (profile?.certify ?? false),
    filter: values.filter,
    deviations,
    readOnly: values['read-only'],
    progress: !values['no-progress'],
    ...(profile
      ? {
          site: profile.name,
          systems: profile.systems.map((s) => s.name),
          partitions: Object.fromEntries(profile.systems.map((s) => [s.name, s.partitions ?? []])),
          store: profile.transfer?.s3,
        }
      : {}),
  });
}

function siteProfile(path: string): SiteProfile {
  try {
    return readSiteProfile(path);
  } catch (error) {
    throw new UsageError(`--site: ${(error as Error).message}`);
  }
}

async function plan(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { site: { type: 'string' }, 'read-only': { type: 'boolean', default: false } },
  });
  if (!values.site) throw new UsageError('plan needs --site site.yaml');
  const { printPlan } = await import('./plan.ts');
  return printPlan(siteProfile(values.site), { readOnly: values['read-only'] }, (text) => process.stdout.write(text));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === 'serve') return await serve(args);
    if (command === 'check') return await check(args);
    if (command === 'plan') return await plan(args);
    if (command === 'mutants') return await (await import('./mutants.ts')).mutantsCommand(args);
    if (command === 'load') return await (await import('./load.ts')).loadCommand(args);
    if (command === 'fuzz') return await (await import('./fuzz.ts')).fuzzCommand(args);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${usage}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`f7t-conformance: ${(error as Error).message}\n(see f7t-conformance --help)\n`);
      return 2;
    }
    throw error;
  }
}
