import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { JobDefaults } from '../suites/harness/config.ts';
import type { LoadPlan } from './load-runner.ts';
import { LOAD_FILE_NAME, LOAD_SCRIPT, loadSteps, type StepName } from './load-workflow.ts';
import type { SiteProfile } from './site-profile.ts';

// `load --artillery DIR`: the same round as Artillery files, for a centre that runs load from its
// own machines (Artillery's distributed runners). Each virtual user arrives in the first second and
// repeats the round until the duration is spent, as `load`'s users do. No secret is written: the
// processor reads the client secret from the environment when the test runs.

export const ARTILLERY_SCENARIO = 'f7t-load.artillery.yml';
export const ARTILLERY_PROCESSOR = 'f7t-load-processor.cjs';

/** The v2 base and token URL of `serve` with its defaults, for a scenario written without a profile. */
const SERVE_DEFAULTS = { baseUrl: 'http://127.0.0.1:8000/v2', tokenUrl: 'http://127.0.0.1:8000/auth/token' };

/** An Artillery request step of the round, its URL templated from the step table. */
function request(step: StepName, extra: Record<string, unknown> = {}, url?: string) {
  const { method, path } = loadSteps[step];
  const templated = url ?? path.replace('{system_name}', '{{ system }}').replace('{job_id}', '{{ jobId }}');
  return { [method.toLowerCase()]: { url: templated, name: `${method} ${path}`, ...extra } };
}

function jobOf(defaults: JobDefaults | undefined): Record<string, unknown> {
  const script = defaults?.timeLimit
    ? LOAD_SCRIPT.replace(/^(#!.*\n)/, `$1#SBATCH --time=${defaults.timeLimit}\n`)
    : LOAD_SCRIPT;
  return {
    name: 'f7t-load',
    workingDirectory: '{{ dir }}',
    script,
    ...(defaults?.account ? { account: defaults.account } : {}),
    ...(defaults?.partition ? { partition: defaults.partition } : {}),
    ...(defaults?.reservation ? { reservation: defaults.reservation } : {}),
  };
}

export function artilleryScenario(plan: LoadPlan, profile: SiteProfile | undefined, system: string | undefined) {
  const round = [
    request('systems'),
    request('mkdir', { json: { path: '{{ dir }}', parent: true } }),
    request('submit', { json: { job: jobOf(profile?.jobs) }, capture: { json: '$.jobId', as: 'jobId' } }),
    { function: 'resetJobState' },
    {
      loop: [
        request('poll', { capture: { json: '$.jobs[0].status.state', as: 'jobState', strict: false } }),
        { think: plan.pollIntervalS },
      ],
      whileTrue: 'jobNotFinal',
    },
    request('upload', { qs: { path: '{{ dir }}' }, beforeRequest: 'attachFile' }),
    request('download', { qs: { path: `{{ dir }}/${LOAD_FILE_NAME}` } }),
    request('ls', { qs: { path: '{{ dir }}' } }),
    request('rm', { qs: { path: '{{ dir }}' } }),
  ];
  return {
    config: {
      target: profile?.firecrest.v2 ?? SERVE_DEFAULTS.baseUrl,
      phases: [{ name: 'users arrive', duration: 1, arrivalCount: plan.users }],
      processor: `./${ARTILLERY_PROCESSOR}`,
      // Latency per OpenAPI operation (each request is named after it), not per concrete URL.
      plugins: { 'metrics-by-endpoint': { useOnlyRequestNames: true } },
      variables: {
        system: system ?? profile?.systems[0]?.name ?? 'daint',
        tokenUrl: profile?.auth.tokenUrl ?? SERVE_DEFAULTS.tokenUrl,
        clientId: profile?.identities[0]?.clientId ?? 'alice-client',
        // `{username}` is the token's preferred_username (F7T_USERNAME when it has none).
        dirBase: profile?.scratch ?? '/home/{username}',
        durationS: plan.durationS,
        jobBudgetS: plan.jobBudgetS,
      },
    },
    scenarios: [
      {
        name: 'f7t-conformance load round',
        beforeScenario: 'setUp',
        beforeRequest: 'setAuthorization',
        flow: [{ loop: round, whileTrue: 'beforeDeadline' }],
      },
    ],
  };
}

const PROCESSOR = `'use strict';
// Written by f7t-conformance load --artillery: the OAuth token and the loops of the scenario.
// The client secret comes from the environment (F7T_CLIENT_SECRET), never from a file.
const { randomUUID } = require('node:crypto');

const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED'];
const CONTENT = 'f7t-load artillery round\\n'.repeat(32);
const tokens = new Map(); // one token per client in each worker, renewed a minute before it expires
let firstArrival;

async function token(vars) {
  const clientId = process.env.F7T_CLIENT_ID || vars.clientId;
  const secret = process.env.F7T_CLIENT_SECRET;
  if (!secret) throw new Error('F7T_CLIENT_SECRET is not set');
  const cached = tokens.get(clientId);
  if (cached && Date.now() < cached.renewAt) return cached.token;
  const response = await fetch(vars.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  });
  if (response.status !== 200) throw new Error('token endpoint answered ' + response.status);
  const body = await response.json();
  const renewAt = Date.now() + Math.max(0, Number(body.expires_in || 300) - 60) * 1000;
  tokens.set(clientId, { token: body.access_token, renewAt });
  return body.access_token;
}

function usernameOf(jwt) {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).preferred_username;
  } catch {
    return undefined;
  }
}

module.exports = {
  setUp(context, events, done) {
    firstArrival = firstArrival || Date.now();
    context.vars.deadline = firstArrival + Number(context.vars.durationS) * 1000;
    token(context.vars).then(
      (jwt) => {
        const username = usernameOf(jwt) || process.env.F7T_USERNAME;
        if (!username) return done(new Error('the token names no user: set F7T_USERNAME'));
        context.vars.dir = String(context.vars.dirBase).replaceAll('{username}', username) + '/f7t-load-' + randomUUID();
        done();
      },
      (error) => done(error),
    );
  },
  setAuthorization(requestParams, context, events, done) {
    token(context.vars).then(
      (jwt) => {
        requestParams.headers = { ...requestParams.headers, authorization: 'Bearer ' + jwt };
        done();
      },
      (error) => done(error),
    );
  },
  attachFile(requestParams, context, events, done) {
    const boundary = 'f7tload' + randomUUID().replaceAll('-', '');
    requestParams.body =
      '--' + boundary + '\\r\\nContent-Disposition: form-data; name="file"; filename="${LOAD_FILE_NAME}"\\r\\n' +
      'Content-Type: application/octet-stream\\r\\n\\r\\n' + CONTENT + '\\r\\n--' + boundary + '--\\r\\n';
    requestParams.headers = { ...requestParams.headers, 'content-type': 'multipart/form-data; boundary=' + boundary };
    done();
  },
  resetJobState(context, events, done) {
    context.vars.jobState = undefined;
    context.vars.jobDeadline = Date.now() + Number(context.vars.jobBudgetS) * 1000;
    done();
  },
  jobNotFinal(context, next) {
    const state = String(context.vars.jobState || '');
    next(!FINAL.some((s) => state.startsWith(s)) && Date.now() < context.vars.jobDeadline);
  },
  beforeDeadline(context, next) {
    next(Date.now() < context.vars.deadline);
  },
};
`;

/** Writes the scenario and its processor into `dir`; returns the files written. */
export function writeArtillery(
  dir: string,
  plan: LoadPlan,
  profile: SiteProfile | undefined,
  system: string | undefined,
): string[] {
  mkdirSync(dir, { recursive: true });
  const scenario = join(dir, ARTILLERY_SCENARIO);
  const processor = join(dir, ARTILLERY_PROCESSOR);
  const header = `# f7t-conformance load --artillery: ${plan.users} users for ${plan.durationS} s per runner.\n# Run: F7T_CLIENT_SECRET=... npx artillery run ${ARTILLERY_SCENARIO} (see the README, "load").\n`;
  writeFileSync(scenario, header + stringify(artilleryScenario(plan, profile, system), { lineWidth: 0 }));
  writeFileSync(processor, PROCESSOR);
  return [scenario, processor];
}
