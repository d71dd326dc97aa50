import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import { SimError } from '../../errors.ts';
import { AuthError, OAuthError, authMessages } from './errors.ts';

export { AuthError, OAuthError, authMessages } from './errors.ts';
export type { AuthFailure } from './errors.ts';

export interface OidcClient {
  readonly id: string;
  readonly secret: string;
  readonly username: string;
}

export interface IdentityProviderOptions {
  /** The issuer URL, e.g. `http://127.0.0.1:8000/auth`; tokens carry it as `iss`. */
  readonly issuer: string;
  readonly clients: readonly OidcClient[];
  readonly tokenTtlS?: number;
  /** Tokens with less life left than this are refused, as FirecREST's `min_token_ttl`. */
  readonly minTokenTtlS?: number;
  readonly audience?: string;
  readonly usernameClaim?: string;
  /** Wall time in ms: tokens never follow the site clock. */
  readonly wall?: () => number;
}

export interface TokenRequest {
  readonly grantType: string | undefined;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly scope: string | undefined;
  /** Credentials came in an Authorization: Basic header. */
  readonly basic: boolean;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

export interface VerifiedToken {
  readonly username: string;
  readonly scopes: readonly string[];
  readonly claims: JWTPayload;
}

export interface MintOptions {
  readonly username: string;
  readonly ttlS?: number;
  readonly issuer?: string;
  readonly clientId?: string;
  readonly scope?: string;
}

export interface IdentityProvider {
  readonly issuer: string;
  discovery(): Record<string, unknown>;
  jwks(): { keys: JWK[] };
  issueToken(request: TokenRequest): Promise<TokenResponse>;
  mint(options: MintOptions): Promise<string>;
  /**
   * Verifies a bearer token as FirecREST v2 does; throws an AuthError (401) with its text.
   * `minTtlS` overrides the minimum life left (v1 has none).
   */
  verify(token: string, options?: { minTtlS?: number }): Promise<VerifiedToken>;
}

export const supportedScopes = ['openid', 'profile', 'firecrest'] as const;
const CACHE_LIMIT = 10_000;

export async function createIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const wall = options.wall ?? Date.now;
  const ttl = options.tokenTtlS ?? 300;
  const minTtl = options.minTokenTtlS ?? 30;
  const audience = options.audience ?? 'firecrest';
  const usernameClaim = options.usernameClaim ?? 'preferred_username';
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwk: JWK = { ...publicJwk, kid, alg: 'RS256', use: 'sig' };
  const keySet = createLocalJWKSet({ keys: [jwk] });
  const clients = new Map(options.clients.map((c) => [c.id, c]));
  // Verified tokens by their text: signature checks are the cost of every request.
  const verified = new Map<string, VerifiedToken & { exp: number }>();

  const mint = async (m: MintOptions) => {
    const now = Math.floor(wall() / 1000);
    const lifetime = m.ttlS ?? ttl;
    return new SignJWT({
      scope: m.scope ?? supportedScopes.join(' '),
      preferred_username: m.username,
      client_id: m.clientId ?? `${m.username}-client`,
      azp: m.clientId ?? `${m.username}-client`,
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(m.issuer ?? options.issuer)
      .setSubject(m.username)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .setJti(randomUUID())
      .sign(privateKey);
  };

  const checkLifetime = (exp: number, token: string, least: number) => {
    const left = exp - wall() / 1000;
    if (left <= 0) throw new AuthError('expired', authMessages.expired, token);
    if (left < least) throw new AuthError('too-soon', authMessages.tooSoon(least), token);
  };

  return {
    issuer: options.issuer,
    discovery: () => ({
      issuer: options.issuer,
      token_endpoint: `${options.issuer}/token`,
      jwks_uri: `${options.issuer}/certs`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      scopes_supported: [...supportedScopes],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'scope', 'preferred_username', 'client_id'],
    }),
    jwks: () => ({ keys: [jwk] }),
    async issueToken(request) {
      const challenge = request.basic ? { 'www-authenticate': 'Basic realm="f7t-conformance"' } : undefined;
      if (!request.clientId)
        throw new OAuthError(401, 'invalid_client', 'Client authentication is missing.', challenge);
      const client = clients.get(request.clientId);
      if (!client || client.secret !== request.clientSecret) {
        throw new OAuthError(401, 'invalid_client', 'Invalid client or client credentials.', challenge);
      }
      if (!request.grantType) throw new OAuthError(400, 'invalid_request', 'Missing form parameter: grant_type.');
      if (request.grantType !== 'client_credentials') {
        throw new OAuthError(
          400,
          'unsupported_grant_type',
          `Grant type ${request.grantType} is not supported; use client_credentials.`,
        );
      }
      const requested = (request.scope ?? '').split(' ').filter(Boolean);
      const unknown = requested.filter((s) => !(supportedScopes as readonly string[]).includes(s));
      if (unknown.length > 0) throw new OAuthError(400, 'invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
      const scope =
        requested.length > 0 ? [...new Set([...requested, 'firecrest'])].join(' ') : supportedScopes.join(' ');
      const accessToken = await mint({ username: client.username, clientId: client.id, scope });
      return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope };
    },
    mint,
    async verify(token, verifyOptions = {}) {
      const least = verifyOptions.minTtlS ?? minTtl;
      const cached = verified.get(token);
      if (cached) {
        checkLifetime(cached.exp, token, least);
        return cached;
      }
      let header;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        throw new AuthError('malformed', authMessages.invalid, token);
      }
      if (header.kid !== undefined && header.kid !== kid && header.alg === 'RS256') {
        throw new AuthError('unknown-key', authMessages.unknownKey, token);
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          algorithms: ['RS256'],
          issuer: options.issuer,
          currentDate: new Date(wall()),
          clockTolerance: 0,
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new AuthError('expired', authMessages.expired, token);
        if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
          throw new AuthError('signature', authMessages.invalid, token);
        }
        if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') {
          throw new AuthError('issuer', authMessages.invalid, token);
        }
        throw new AuthError('malformed', authMessages.invalid, token);
      }
      const exp = payload.exp ?? 0;
      checkLifetime(exp, token, least);
      const username = payload[usernameClaim];
      if (typeof username !== 'string' || username === '') {
        throw new SimError(400, authMessages.claimMissing(usernameClaim));
      }
      const result = {
        username,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
        claims: payload,
        exp,
      };
      if (verified.size >= CACHE_LIMIT) verified.clear();
      verified.set(token, result);
      return result;
    },
  };
}
