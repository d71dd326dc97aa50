import type { ClientCredentials, RemoteTargetConfig, RunSettings, TargetConfig } from './config.ts';
import { evidenceOf, HarnessError } from './errors.ts';

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** A client identity: tokens come from the target's token endpoint with client credentials. */
export interface Identity {
  readonly label: 'primary' | 'second';
  readonly credentials: ClientCredentials;
  token(): Promise<string>;
}

export interface SimulatorControl {
  advance(seconds: number): Promise<void>;
  mintToken(options: { username: string; ttl?: number; issuer?: string }): Promise<string>;
}

export interface Target {
  readonly kind: TargetConfig['kind'];
  /** v2 base URL without a trailing slash. */
  readonly baseUrl: string;
  /** v1 base URL without a trailing slash, when the site runs v1. */
  readonly v1BaseUrl: string | undefined;
  readonly tokenUrl: string;
  readonly fetch: Fetch;
  readonly primary: Identity;
  readonly second: Identity | undefined;
  readonly system: string | undefined;
  /** Present when the target is a simulator whose clock the harness may move. */
  readonly control: SimulatorControl | undefined;
  readonly jobBudgetS: number;
  /** A saved token of the site's issuer that has expired, when the operator gave one. */
  readonly expiredToken: string | undefined;
  /** A token obtained when the run began, to wait on when no expired token was given. */
  readonly agingToken: string | undefined;
  /** How this run goes: its id, ledger, read-only mode and the site's job settings. */
  readonly run: RunSettings;
  close(): Promise<void>;
}

/** Longest wait for a job (or a token's expiry) on a live site when the operator gives none, in seconds. */
export const DEFAULT_JOB_BUDGET_S = 180;

export async function requestToken(fetcher: Fetch, tokenUrl: string, credentials: ClientCredentials) {
  let response: Response;
  try {
    response = await fetcher(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }).toString(),
    });
  } catch (error) {
    throw new HarnessError(`token endpoint ${tokenUrl} unreachable: ${describeError(error)}`);
  }
  const text = await response.text();
  if (response.status !== 200) {
    throw new HarnessError(
      `token endpoint refused client ${credentials.clientId}: ${evidenceOf({ method: 'POST', path: tokenUrl, status: response.status, text })}`,
    );
  }
  let body: { access_token?: unknown; expires_in?: number } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // named below
  }
  if (typeof body.access_token !== 'string')
    throw new HarnessError(
      `token endpoint gave no access_token: ${evidenceOf({ method: 'POST', path: tokenUrl, status: response.status, text })}`,
    );
  return { token: body.access_token, expiresIn: Number(body.expires_in ?? 300) };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

export function createIdentity(
  label: Identity['label'],
  fetcher: Fetch,
  tokenUrl: string,
  credentials: ClientCredentials,
): Identity {
  let cached: { token: string; renewAt: number } | undefined;
  return {
    label,
    credentials,
    async token() {
      if (cached && Date.now() < cached.renewAt) return cached.token;
      const { token, expiresIn } = await requestToken(fetcher, tokenUrl, credentials);
      // Renew well before expiry: FirecREST refuses tokens with under 30 s left.
      cached = { token, renewAt: Date.now() + Math.max(0, expiresIn - 60) * 1000 };
      return token;
    },
  };
}

export function createRemoteTarget(config: RemoteTargetConfig): Target {
  const fetcher: Fetch = (input, init) => fetch(input, init);
  const controlUrl = config.controlUrl?.replace(/\/+$/, '');
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${controlUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new HarnessError(`control plane ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  return {
    kind: 'remote',
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    v1BaseUrl: config.v1BaseUrl?.replace(/\/+$/, ''),
    tokenUrl: config.tokenUrl,
    fetch: fetcher,
    primary: createIdentity('primary', fetcher, config.tokenUrl, config.primary),
    second: config.second ? createIdentity('second', fetcher, config.tokenUrl, config.second) : undefined,
    system: config.system,
    control: controlUrl
      ? {
          advance: async (seconds) => void (await post('/clock/advance', { seconds })),
          mintToken: async (o) => String((await post('/tokens', o)).access_token),
        }
      : undefined,
    jobBudgetS: config.jobBudgetS ?? DEFAULT_JOB_BUDGET_S,
    expiredToken: config.expiredToken,
    agingToken: config.agingToken,
    run: config.run ?? {},
    close: async () => {},
  };
}
