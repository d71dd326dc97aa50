import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { JobDefaults, RemoteTargetConfig } from '../suites/harness/config.ts';
import { findRequirement } from '../spec/requirements.ts';
import { optInProfiles } from '../spec/run-scope.ts';
import type { StagingStore } from './cleanup.ts';

// A site profile: what the harness needs to know about one FirecREST deployment, in one YAML file
// that a centre keeps beside its deviations file. Secrets may be given as `${ENV_VAR}`.

export interface SiteIdentity {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The user the identity acts as; `serve --site` needs it, `check` asks the site. */
  readonly username?: string;
  /** `serve --site`: the user's password on the issuer's login page (default `<username>-password`). */
  readonly password?: string;
}

export interface SiteSystem {
  readonly name: string;
  /** Partitions the system must list; `serve --site` makes them. */
  readonly partitions?: readonly string[];
}

export interface SiteProfile {
  readonly name: string;
  readonly firecrest: { readonly v2?: string; readonly v1?: string };
  readonly auth: { readonly tokenUrl: string };
  /** The first identity is the one the checks act as; the second is the other user of isolation checks. */
  readonly identities: readonly SiteIdentity[];
  readonly systems: readonly SiteSystem[];
  /** Where the run makes its directories, `{username}` replaced; the user's home when absent. */
  readonly scratch?: string;
  readonly jobs?: JobDefaults & { readonly budget?: number };
  readonly transfer?: {
    readonly method?: 's3' | 'none';
    readonly s3?: StagingStore;
    /** The most a single check may upload, in MiB (default 64): multi-part checks need more than maxPartSize. */
    readonly uploadBudgetMiB?: number;
  };
  /** A simulator's control plane (never a production site's). */
  readonly controlPlane?: string;
  /** A token of the site's issuer that has expired, for the expired-token check. */
  readonly expiredToken?: string;
  /** Requirements the site declares not applicable to it, each with its reason: their checks are skipped. */
  readonly skip?: readonly { readonly id: string; readonly reason: string }[];
  /** Opt-in profiles to check as well (e.g. `oidc-browser`). */
  readonly profiles?: readonly string[];
  /** A certification run: a profile in scope that ends INCOMPLETE makes the run exit 3. */
  readonly certify?: boolean;
  /** Whether `load` may run against the site, and its bounds; absent: `load` refuses. */
  readonly load?: LoadPermission;
}

/** What a centre allows `f7t-conformance load` to do to its site. */
export interface LoadPermission {
  readonly allowed: boolean;
  /** The most simulated users at once (required when allowed). */
  readonly maxUsers?: number;
  /** The most requests a second, all users together (required when allowed). */
  readonly maxRequestsPerSecond?: number;
  /** The share of requests (0 to 1) that may fail before `load` exits 1 (default 0). */
  readonly errorRateThreshold?: number;
}

const text = { type: 'string', minLength: 1 } as const;
const url = { type: 'string', pattern: '^https?://' } as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'firecrest', 'auth', 'identities', 'systems'],
  properties: {
    name: text,
    firecrest: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { v2: url, v1: url },
    },
    auth: { type: 'object', additionalProperties: false, required: ['tokenUrl'], properties: { tokenUrl: url } },
    identities: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['clientId', 'clientSecret'],
        properties: {
          clientId: text,
          clientSecret: text,
          username: { type: 'string', pattern: '^[a-z_][a-z0-9_-]{0,31}$' },
          password: text,
        },
      },
    },
    systems: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: text, partitions: { type: 'array', items: text } },
      },
    },
    scratch: { type: 'string', pattern: '^/' },
    jobs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        account: text,
        partition: text,
        reservation: text,
        timeLimit: { type: 'string', pattern: '^(\\d+-)?\\d{1,2}:\\d{2}(:\\d{2})?$' },
        budget: { type: 'integer', minimum: 1, maximum: 86400 },
      },
    },
    transfer: {
      type: 'object',
      additionalProperties: false,
      properties: {
        method: { enum: ['s3', 'none'] },
        uploadBudgetMiB: { type: 'integer', minimum: 1, maximum: 65536 },
        s3: {
          type: 'object',
          additionalProperties: false,
          required: ['endpoint', 'accessKeyId', 'secretAccessKey'],
          properties: { endpoint: url, accessKeyId: text, secretAccessKey: text, region: text },
        },
      },
    },
    controlPlane: url,
    expiredToken: text,
    skip: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'reason'],
        properties: { id: { type: 'string', pattern: '^V\\d-[A-Z0-9-]+-\\d{3}$' }, reason: text },
      },
    },
    profiles: { type: 'array', items: { enum: optInProfiles } },
    certify: { type: 'boolean' },
    load: {
      type: 'object',
      additionalProperties: false,
      required: ['allowed'],
      properties: {
        allowed: { type: 'boolean' },
        maxUsers: { type: 'integer', minimum: 1, maximum: 10_000 },
        maxRequestsPerSecond: { type: 'number', exclusiveMinimum: 0, maximum: 100_000 },
        errorRateThreshold: { type: 'number', minimum: 0, maximum: 1 },
      },
      // A centre that allows load states its bounds: `load` never guesses what a site can take.
      if: { properties: { allowed: { const: true } } },
      then: { required: ['maxUsers', 'maxRequestsPerSecond'] },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile<SiteProfile>(schema);

/**
 * `${NAME}` in a string value is the environment variable NAME (a missing one is an error);
 * `${NAME:-text}` gives `text` when NAME is unset. A field that comes out empty is left out.
 */
function expand(value: unknown, where: string): unknown {
  if (typeof value === 'string')
    return value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g,
      (_, name: string, dflt: string | undefined, fallback: string | undefined) => {
        const found = process.env[name] ?? (dflt ? (fallback ?? '') : undefined);
        if (found === undefined) throw new Error(`${where}: environment variable ${name} is not set`);
        return found;
      },
    );
  if (Array.isArray(value)) return value.map((v, i) => expand(v, `${where}[${i}]`));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, expand(v, `${where}.${k}`)])
        .filter(([, v]) => v !== ''),
    );
  return value;
}

/** Reads and checks a site profile; the error names the file and the field. */
export function readSiteProfile(path: string): SiteProfile {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
  const value = expand(raw, path);
  if (!validate(value)) {
    // An `if` that did not hold adds nothing to the errors of the `then` it chose.
    const problems = (validate.errors ?? [])
      .filter((e) => e.keyword !== 'if')
      .map((e) => {
        const field = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
        const extra = e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : '';
        return `${field}: ${e.message ?? 'is not valid'}${extra}`;
      });
    throw new Error(`${path}: ${problems.join('; ')}`);
  }
  const unknown = (value.skip ?? []).filter((s) => !findRequirement(s.id));
  if (unknown.length > 0)
    throw new Error(`${path}: skip: ${unknown.map((s) => `'${s.id}'`).join(', ')} is not a requirement id`);
  return value;
}

/** The target a site profile describes (one run per system; `system` is set per run). */
export function targetOf(profile: SiteProfile): RemoteTargetConfig {
  const [primary, second] = profile.identities;
  const creds = (i: SiteIdentity | undefined) =>
    i ? { clientId: i.clientId, clientSecret: i.clientSecret } : undefined;
  return {
    kind: 'remote',
    baseUrl: profile.firecrest.v2 ?? '',
    v1BaseUrl: profile.firecrest.v1,
    tokenUrl: profile.auth.tokenUrl,
    primary: creds(primary) ?? { clientId: '', clientSecret: '' },
    second: creds(second),
    system: profile.systems[0]?.name,
    controlUrl: profile.controlPlane,
    jobBudgetS: profile.jobs?.budget,
    expiredToken: profile.expiredToken,
    run: {
      scratch: profile.scratch,
      transfer: profile.transfer?.method ?? 's3',
      ...(profile.transfer?.uploadBudgetMiB ? { uploadBudgetMiB: profile.transfer.uploadBudgetMiB } : {}),
      ...(profile.skip?.length ? { skips: Object.fromEntries(profile.skip.map((s) => [s.id, s.reason])) } : {}),
      ...(profile.profiles?.length ? { optIn: profile.profiles } : {}),
      ...(profile.jobs
        ? {
            jobDefaults: {
              account: profile.jobs.account,
              partition: profile.jobs.partition,
              reservation: profile.jobs.reservation,
              timeLimit: profile.jobs.timeLimit,
            },
          }
        : {}),
    },
  };
}
