import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  type GenerateKeyPairResult,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import {
  browserScopes,
  createBrowserFlow,
  type AuthorizationParams,
  type AuthorizeOutcome,
  type BrowserClient,
  type IssuedTokens,
  type PersonDirectory,
} from './browser.ts';
import { personClaims } from './claims.ts';
import { discoveryDocument } from './discovery.ts';
import { AuthError, OAuthError } from './errors.ts';

export { AuthError, AuthorizationError, LoginFailed, OAuthError } from './errors.ts';
export type { AuthFailure, OAuthCode } from './errors.ts';
export type { AuthorizationParams, AuthorizeOutcome, BrowserClient, Person, PersonDirectory } from './browser.ts';

/** A confidential client: `client_credentials` as its user, or a browser login of anyone. */
export interface OidcClient {
  readonly id: string;
  readonly secret: string;
  readonly username: string;
  /** Where a browser login may return; none registered: any loopback URI. */
  readonly redirectUris?: readonly string[];
}

/** A public client (a browser app or a portal without a secret): browser login with PKCE only. */
export interface PublicClient {
  readonly id: string;
  readonly redirectUris: readonly string[];
}

/** An RS256 key pair whose public half can be exported (to publish in the JWKS). */
export type SigningKeyPair = GenerateKeyPairResult;

export interface IdentityProviderOptions {
  /** The issuer URL, e.g. `http://127.0.0.1:8000/auth`; tokens carry it as `iss`. */
  readonly issuer: string;
  readonly clients: readonly OidcClient[];
  readonly publicClients?: readonly PublicClient[];
  /** Who may log in through the browser; without it, no one can. */
  readonly people?: PersonDirectory;
  readonly tokenTtlS?: number;
  /** Tokens with less life left than this are refused, as FirecREST's `min_token_ttl`. */
  readonly minTokenTtlS?: number;
  readonly audience?: string;
  readonly usernameClaim?: string;
  /** Wall time in ms: tokens never follow the site clock. */
  readonly wall?: () => number;
  /**
   * The first signing key (RS256, extractable), when the caller has one: making an RSA key costs
   * about 40 ms of CPU, which tests that start hundreds of sites share. A rotation makes a new one.
   */
  readonly signingKey?: SigningKeyPair;
}

export interface TokenRequest {
  readonly grantType: string | undefined;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly scope: string | undefined;
  /** Credentials came in an Authorization: Basic header. */
  readonly basic: boolean;
  readonly code?: string | undefined;
  readonly redirectUri?: string | undefined;
  readonly codeVerifier?: string | undefined;
  readonly refreshToken?: string | undefined;
}

export type TokenResponse = IssuedTokens;

/** What the logout endpoint was given; `sid` is the browser's session cookie. */
export interface EndSessionRequest {
  readonly sid: string | undefined;
  readonly idTokenHint: string | undefined;
  readonly clientId: string | undefined;
  readonly postLogoutRedirectUri: string | undefined;
  readonly state: string | undefined;
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
  /** More claims, e.g. the session id of a browser login. */
  readonly extra?: Record<string, unknown>;
}

export interface IdentityProvider {
  readonly issuer: string;
  discovery(): Record<string, unknown>;
  jwks(): { keys: JWK[] };
  /**
   * Signs with a new key from now on. Tokens of the old key are accepted for `graceS` seconds
   * (wall time), while /certs lists both keys; then the old key is dropped and its tokens refused.
   */
  rotateKey(graceS: number): Promise<{ kid: string; retired: string; retiredAt: number }>;
  issueToken(request: TokenRequest): Promise<TokenResponse>;
  mint(options: MintOptions): Promise<string>;
  /**
   * Verifies a bearer token as FirecREST v2 does; throws an AuthError (401) with its text.
   * `minTtlS` overrides the minimum life left (v1 has none).
   */
  verify(token: string, options?: { minTtlS?: number }): Promise<VerifiedToken>;
  /** The authorization endpoint: a login form to show, or (a session exists) a redirect with a code. */
  authorize(params: AuthorizationParams, sid: string | undefined): AuthorizeOutcome;
  /** The login form posted; throws LoginFailed for a wrong user name or password. */
  login(
    params: AuthorizationParams,
    credentials: { username: string; password: string },
  ): { location: string; sid: string };
  userinfo(accessToken: string | undefined): Promise<Record<string, unknown>>;
  endSession(request: EndSessionRequest): Promise<{ location: string | undefined }>;
  sessionUser(sid: string | undefined): string | undefined;
}

export const supportedScopes = ['openid', 'profile', 'firecrest'] as const;
const nobody: PersonDirectory = { find: () => undefined, checkPassword: () => false };

const CACHE_LIMIT = 10_000;

export async function createIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const wall = options.wall ?? Date.now;
  const ttl = options.tokenTtlS ?? 300;
  const minTtl = options.minTokenTtlS ?? 30;
  const audience = options.audience ?? 'firecrest';
  const usernameClaim = options.usernameClaim ?? 'preferred_username';
  const newKey = async (given?: SigningKeyPair) => {
    const pair = given ?? (await generateKeyPair('RS256', { modulusLength: 2048, extractable: true }));
    const publicJwk = await exportJWK(pair.publicKey);
    const id = await calculateJwkThumbprint(publicJwk);
    return { kid: id, privateKey: pair.privateKey, jwk: { ...publicJwk, kid: id, alg: 'RS256', use: 'sig' } as JWK };
  };
  // The signing key, and keys rotated out that still verify until their wall time `until`.
  let signing = await newKey(options.signingKey);
  let retired: { kid: string; jwk: JWK; until: number }[] = [];
  let keySet = createLocalJWKSet({ keys: [signing.jwk] });
  const liveKeys = () => {
    const live = retired.filter((k) => k.until > wall());
    if (live.length !== retired.length) {
      // A key past its grace leaves the set: its tokens no longer verify.
      retired = live;
      keySet = createLocalJWKSet({ keys: [signing.jwk, ...live.map((k) => k.jwk)] });
    }
    return [signing.jwk, ...live.map((k) => k.jwk)];
  };
  const knownKid = (id: string | undefined) => id === signing.kid || liveKeys().some((k) => k.kid === id);
  const clients = new Map(options.clients.map((c) => [c.id, c]));
  // Verified tokens by their text: signature checks are the cost of every request.
  const verified = new Map<string, VerifiedToken & { exp: number; kid: string | undefined }>();

  const mint = async (m: MintOptions) => {
    const now = Math.floor(wall() / 1000);
    const lifetime = m.ttlS ?? ttl;
    return new SignJWT({
      ...m.extra,
      scope: m.scope ?? supportedScopes.join(' '),
      preferred_username: m.username,
      client_id: m.clientId ?? `${m.username}-client`,
      azp: m.clientId ?? `${m.username}-client`,
    })
      .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'JWT' })
      .setIssuer(m.issuer ?? options.issuer)
      .setSubject(m.username)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .setJti(randomUUID())
      .sign(signing.privateKey);
  };

  const checkLifetime = (exp: number, token: string, least: number) => {
    const left = exp - wall() / 1000;
    if (left <= 0) throw new AuthError('expired', { token });
    if (left < least) throw new AuthError('too-soon', { token, minTtlS: least });
  };

  const people = options.people ?? nobody;
  const browserClients = new Map<string, BrowserClient>([
    ...options.clients.map((c): [string, BrowserClient] => [
      c.id,
      { id: c.id, isPublic: false, redirectUris: c.redirectUris ?? [] },
    ]),
    ...(options.publicClients ?? []).map((c): [string, BrowserClient] => [
      c.id,
      { id: c.id, isPublic: true, redirectUris: c.redirectUris },
    ]),
  ]);
  const clientOf = (id: string) => browserClients.get(id);
  const flow = createBrowserFlow({
    issuer: options.issuer,
    wall,
    tokenTtlS: ttl,
    people,
    async sign(grant) {
      const accessToken = await mint({
        username: grant.username,
        clientId: grant.clientId,
        scope: grant.scope,
        extra: { sid: grant.sid, ...personClaims(grant.person) },
      });
      if (!grant.scope.split(' ').includes('openid')) return { accessToken, idToken: undefined };
      const now = Math.floor(wall() / 1000);
      const idToken = await new SignJWT({
        ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
        auth_time: grant.authTime,
        sid: grant.sid,
        azp: grant.clientId,
        preferred_username: grant.username,
        ...personClaims(grant.person),
      })
        .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setSubject(grant.username)
        .setAudience(grant.clientId)
        .setIssuedAt(now)
        .setExpirationTime(now + ttl)
        .sign(signing.privateKey);
      return { accessToken, idToken };
    },
  });

  /** Client authentication at the token endpoint (RFC 6749 §2.3): a secret, or a public client's id. */
  const authenticate = (request: TokenRequest) => {
    const basic = { basic: request.basic ?? false };
    if (!request.clientId) throw new OAuthError('invalid_client', 'Client authentication is missing.', basic);
    const confidential = clients.get(request.clientId);
    const browser = browserClients.get(request.clientId);
    if (confidential ? confidential.secret !== request.clientSecret : !browser?.isPublic) {
      throw new OAuthError('invalid_client', 'Invalid client or client credentials.', basic);
    }
    return { confidential, browser: browser as BrowserClient };
  };

  /** The claims of an ID token presented as a hint: signed by us, expired or not. */
  const hintClaims = async (token: string | undefined): Promise<JWTPayload | undefined> => {
    if (!token) return undefined;
    try {
      const { payload } = await compactVerify(token, keySet, { algorithms: ['RS256'] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
      return claims.iss === options.issuer ? claims : undefined;
    } catch {
      return undefined;
    }
  };

  const provider: IdentityProvider = {
    issuer: options.issuer,
    discovery: () => discoveryDocument(options.issuer, browserScopes),
    jwks: () => ({ keys: liveKeys() }),
    async rotateKey(graceS) {
      const next = await newKey();
      const old = signing;
      const until = wall() + graceS * 1000;
      signing = next;
      retired.push({ kid: old.kid, jwk: old.jwk, until });
      keySet = createLocalJWKSet({ keys: [next.jwk, ...retired.map((k) => k.jwk)] });
      return { kid: next.kid, retired: old.kid, retiredAt: until };
    },
    async issueToken(request) {
      const { confidential, browser } = authenticate(request);
      if (!request.grantType) throw new OAuthError('invalid_request', 'Missing form parameter: grant_type.');
      if (request.grantType === 'authorization_code') return flow.exchangeCode(browser, request);
      if (request.grantType === 'refresh_token') return flow.refresh(browser, request.refreshToken);
      if (request.grantType !== 'client_credentials') {
        throw new OAuthError(
          'unsupported_grant_type',
          `Grant type ${request.grantType} is not supported; use authorization_code, refresh_token or client_credentials.`,
        );
      }
      if (!confidential) {
        throw new OAuthError('unauthorized_client', 'A public client cannot use client_credentials.');
      }
      const requested = (request.scope ?? '').split(' ').filter(Boolean);
      const unknown = requested.filter((s) => !(supportedScopes as readonly string[]).includes(s));
      if (unknown.length > 0) throw new OAuthError('invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
      const scope =
        requested.length > 0 ? [...new Set([...requested, 'firecrest'])].join(' ') : supportedScopes.join(' ');
      const accessToken = await mint({ username: confidential.username, clientId: confidential.id, scope });
      return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope };
    },
    authorize: (params, sid) => flow.authorize(clientOf, params, sid),
    login: (params, credentials) => flow.login(clientOf, params, credentials),
    async userinfo(accessToken) {
      const refuse = (description: string) => new OAuthError('invalid_token', description);
      if (!accessToken) throw refuse('Missing bearer token.');
      let username: string;
      try {
        ({ username } = await provider.verify(accessToken, { minTtlS: 0 }));
      } catch {
        throw refuse('Token is invalid or expired.');
      }
      return { sub: username, preferred_username: username, ...personClaims(people.find(username)) };
    },
    async endSession(request) {
      const hint = await hintClaims(request.idTokenHint);
      const sids = [request.sid, typeof hint?.sid === 'string' ? hint.sid : undefined].filter(
        (s): s is string => s !== undefined,
      );
      const hinted = typeof hint?.aud === 'string' ? hint.aud : undefined;
      return flow.endSession(clientOf, {
        sids,
        clientId: request.clientId ?? hinted,
        postLogoutRedirectUri: request.postLogoutRedirectUri,
        state: request.state,
      });
    },
    sessionUser: (sid) => flow.sessionUser(sid),
    mint,
    async verify(token, verifyOptions = {}) {
      const least = verifyOptions.minTtlS ?? minTtl;
      const cached = verified.get(token);
      if (cached?.kid !== undefined && !knownKid(cached.kid)) throw new AuthError('unknown-key', { token });
      if (cached) {
        checkLifetime(cached.exp, token, least);
        return cached;
      }
      let header;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        throw new AuthError('malformed', { token });
      }
      if (header.kid !== undefined && !knownKid(header.kid) && header.alg === 'RS256') {
        throw new AuthError('unknown-key', { token });
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
        if (error instanceof joseErrors.JWTExpired) throw new AuthError('expired', { token });
        if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
          throw new AuthError('signature', { token });
        }
        if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') {
          throw new AuthError('issuer', { token });
        }
        throw new AuthError('malformed', { token });
      }
      const exp = payload.exp ?? 0;
      checkLifetime(exp, token, least);
      const username = payload[usernameClaim];
      if (typeof username !== 'string' || username === '') {
        throw new AuthError('claim-missing', { token, claim: usernameClaim });
      }
      const result = {
        username,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
        claims: payload,
        exp,
        kid: header.kid,
      };
      if (verified.size >= CACHE_LIMIT) verified.clear();
      verified.set(token, result);
      return result;
    },
  };
  return provider;
}
