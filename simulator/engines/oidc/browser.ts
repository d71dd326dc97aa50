import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthorizationError, LoginFailed, OAuthError, type OAuthCode } from './errors.ts';
import { isAllowedPostLogoutUri, isAllowedRedirectUri, withParams } from './redirect-uri.ts';

/** A client as the browser flow sees it: public clients have no secret and must use PKCE. */
export interface BrowserClient {
  readonly id: string;
  readonly isPublic: boolean;
  readonly redirectUris: readonly string[];
}

/** A person who can log in, as the userinfo endpoint and ID tokens describe them. */
export interface Person {
  readonly username: string;
  readonly name: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly email: string;
}

/** The site's users and their passwords; read at each login, so a reset site is seen. */
export interface PersonDirectory {
  find(username: string): Person | undefined;
  checkPassword(username: string, password: string): boolean;
}

/** What a code or refresh token stands for. */
interface Grant {
  readonly username: string;
  readonly clientId: string;
  readonly scope: string;
  readonly sid: string;
  readonly authTime: number;
  readonly nonce: string | undefined;
}

interface PendingCode extends Grant {
  readonly redirectUri: string;
  readonly challenge: string | undefined;
  readonly expiresAt: number;
}

interface RefreshGrant extends Grant {
  readonly family: string;
  readonly expiresAt: number;
}

export interface IssuedTokens {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
  readonly refresh_expires_in?: number;
  readonly id_token?: string;
}

export interface BrowserFlowOptions {
  readonly issuer: string;
  readonly wall: () => number;
  readonly tokenTtlS: number;
  readonly people: PersonDirectory;
  /** Signs the access token and, when `openid` was asked for, the ID token of a grant. */
  readonly sign: (grant: Grant & { readonly person: Person | undefined }) => Promise<{
    accessToken: string;
    idToken: string | undefined;
  }>;
}

/** The parameters of an authorization request, as the query or form carried them. */
export type AuthorizationParams = Readonly<Record<string, string | undefined>>;

export type AuthorizeOutcome =
  | { readonly kind: 'login'; readonly client: BrowserClient; readonly params: Record<string, string> }
  | { readonly kind: 'redirect'; readonly location: string };

/** The scopes a browser login understands; OIDC says to ignore the others. */
export const browserScopes = ['openid', 'profile', 'email', 'offline_access', 'firecrest'] as const;
/** Every access token carries these, whatever was asked: FirecREST v1 requires `firecrest`. */
const ALWAYS = ['firecrest'];
const CODE_TTL_MS = 60_000;
const REFRESH_TTL_S = 8 * 3600;
const LIMIT = 10_000;
/** The authorization parameters the login form carries back; the rest are ignored (OIDC Core 3.1.2.1). */
const CARRIED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
] as const;

const opaque = () => randomBytes(32).toString('base64url');
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Keeps a map from growing without bound in a long-lived simulator. */
function remember<K, V>(map: Map<K, V>, key: K, value: V) {
  if (map.size >= LIMIT) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

/**
 * The authorization code flow (RFC 6749 §4.1 with PKCE, RFC 7636), browser sessions, refresh tokens
 * with rotation, and logout. Holds its state itself; nothing here knows HTTP.
 */
export function createBrowserFlow(options: BrowserFlowOptions) {
  const sessions = new Map<string, { username: string; authTime: number }>();
  const codes = new Map<string, PendingCode>();
  /** Codes already exchanged, with the refresh family they started: a replay revokes it (RFC 6749 §4.1.2). */
  const usedCodes = new Map<string, string | undefined>();
  const refreshTokens = new Map<string, RefreshGrant>();
  /** Refresh tokens already rotated away, by family: a replay revokes the family. */
  const rotated = new Map<string, string>();
  const now = () => options.wall();

  /** Validates what can be validated before anyone logs in; throws when the request is unusable. */
  function validate(clientOf: (id: string) => BrowserClient | undefined, params: AuthorizationParams) {
    const clientId = params.client_id;
    const client = clientId ? clientOf(clientId) : undefined;
    if (!client) throw new AuthorizationError('invalid_client', `Unknown client '${clientId ?? ''}'.`);
    const redirectUri = params.redirect_uri;
    if (!redirectUri) throw new AuthorizationError('invalid_request', 'Missing parameter: redirect_uri.');
    if (!isAllowedRedirectUri(client.redirectUris, redirectUri)) {
      throw new AuthorizationError(
        'invalid_request',
        `Invalid redirect_uri '${redirectUri}' for client '${client.id}': ` +
          (client.redirectUris.length > 0
            ? `registered are ${client.redirectUris.join(', ')}.`
            : 'a client without registered URIs may use loopback ones only (http://127.0.0.1:PORT/...).'),
      );
    }
    // From here on the client hears of errors at its redirect URI.
    const fail = (error: OAuthCode, description: string) =>
      new AuthorizationError(
        error,
        description,
        withParams(redirectUri, { error, error_description: description, state: params.state, iss: options.issuer }),
      );
    if (params.response_type !== 'code') {
      throw fail('unsupported_response_type', `Unsupported response_type '${params.response_type ?? ''}'; use code.`);
    }
    const challenge = params.code_challenge;
    const method = params.code_challenge_method ?? (challenge ? 'plain' : undefined);
    if (challenge && method !== 'S256') throw fail('invalid_request', 'Only code_challenge_method S256 is supported.');
    if (challenge && !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      throw fail('invalid_request', 'code_challenge must be a base64url SHA-256 digest.');
    }
    if (!challenge && client.isPublic) {
      throw fail('invalid_request', 'PKCE is required for public clients: send code_challenge (S256).');
    }
    const asked = (params.scope ?? '').split(' ').filter((s) => (browserScopes as readonly string[]).includes(s));
    const scope = [...new Set([...asked, ...ALWAYS])].join(' ');
    const carried: Record<string, string> = {};
    for (const name of CARRIED) {
      const value = params[name];
      if (value !== undefined) carried[name] = value;
    }
    return { client, redirectUri, challenge, scope, fail, carried };
  }

  function issueCode(request: ReturnType<typeof validate>, params: AuthorizationParams, sid: string) {
    const session = sessions.get(sid);
    if (!session) throw request.fail('login_required', 'The session ended.');
    const code = opaque();
    remember(codes, code, {
      username: session.username,
      clientId: request.client.id,
      scope: request.scope,
      sid,
      authTime: session.authTime,
      nonce: params.nonce,
      redirectUri: request.redirectUri,
      challenge: request.challenge,
      expiresAt: now() + CODE_TTL_MS,
    });
    return withParams(request.redirectUri, { code, state: params.state, iss: options.issuer });
  }

  async function grantTokens(grant: Grant, family: string): Promise<IssuedTokens> {
    const { accessToken, idToken } = await options.sign({ ...grant, person: options.people.find(grant.username) });
    const refreshToken = opaque();
    remember(refreshTokens, refreshToken, { ...grant, family, expiresAt: now() + REFRESH_TTL_S * 1000 });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: options.tokenTtlS,
      scope: grant.scope,
      refresh_token: refreshToken,
      refresh_expires_in: REFRESH_TTL_S,
      ...(idToken === undefined ? {} : { id_token: idToken }),
    };
  }

  function revokeFamily(family: string | undefined) {
    if (family === undefined) return;
    for (const [token, grant] of refreshTokens) if (grant.family === family) refreshTokens.delete(token);
  }

  return {
    /** GET (or POST without credentials) on the authorization endpoint. */
    authorize(
      clientOf: (id: string) => BrowserClient | undefined,
      params: AuthorizationParams,
      sid: string | undefined,
    ): AuthorizeOutcome {
      const request = validate(clientOf, params);
      const prompt = (params.prompt ?? '').split(' ');
      const session = sid === undefined ? undefined : sessions.get(sid);
      if (session && sid !== undefined && !prompt.includes('login')) {
        return { kind: 'redirect', location: issueCode(request, params, sid) };
      }
      if (prompt.includes('none')) throw request.fail('login_required', 'No one is logged in.');
      return { kind: 'login', client: request.client, params: request.carried };
    },

    /** The login form posted: a new session and the redirect with a code. */
    login(
      clientOf: (id: string) => BrowserClient | undefined,
      params: AuthorizationParams,
      credentials: { username: string; password: string },
    ): { location: string; sid: string } {
      const request = validate(clientOf, params);
      const { username, password } = credentials;
      if (!options.people.find(username) || !options.people.checkPassword(username, password)) throw new LoginFailed();
      const sid = opaque();
      remember(sessions, sid, { username, authTime: Math.floor(now() / 1000) });
      return { location: issueCode(request, params, sid), sid };
    },

    /** `grant_type=authorization_code`, the client already authenticated. */
    async exchangeCode(
      client: BrowserClient,
      form: { code?: string | undefined; redirectUri?: string | undefined; codeVerifier?: string | undefined },
    ): Promise<IssuedTokens> {
      if (!form.code) throw new OAuthError('invalid_request', 'Missing form parameter: code.');
      if (usedCodes.has(form.code)) {
        revokeFamily(usedCodes.get(form.code));
        throw new OAuthError('invalid_grant', 'Code already used; the tokens issued for it are revoked.');
      }
      const pending = codes.get(form.code);
      codes.delete(form.code);
      if (!pending || pending.expiresAt <= now()) {
        throw new OAuthError('invalid_grant', 'Code not valid (unknown or expired).');
      }
      if (pending.clientId !== client.id) throw new OAuthError('invalid_grant', 'Code was issued to another client.');
      if (form.redirectUri !== pending.redirectUri) {
        throw new OAuthError('invalid_grant', 'redirect_uri differs from the one of the authorization request.');
      }
      if (pending.challenge === undefined) {
        if (form.codeVerifier !== undefined) {
          throw new OAuthError('invalid_grant', 'code_verifier sent, but the authorization had no code_challenge.');
        }
      } else if (form.codeVerifier === undefined) {
        throw new OAuthError('invalid_grant', 'PKCE code_verifier is missing.');
      } else if (!sameText(sha256(form.codeVerifier), pending.challenge)) {
        throw new OAuthError('invalid_grant', 'PKCE verification failed: code_verifier does not match.');
      }
      if (!sessions.has(pending.sid)) throw new OAuthError('invalid_grant', 'The session ended.');
      const family = opaque();
      usedCodes.set(form.code, family);
      if (usedCodes.size > LIMIT) usedCodes.delete(usedCodes.keys().next().value as string);
      return grantTokens(pending, family);
    },

    /** `grant_type=refresh_token`: each refresh token works once and answers a new one. */
    async refresh(client: BrowserClient, refreshToken: string | undefined): Promise<IssuedTokens> {
      if (!refreshToken) throw new OAuthError('invalid_request', 'Missing form parameter: refresh_token.');
      const replayed = rotated.get(refreshToken);
      if (replayed !== undefined) {
        revokeFamily(replayed);
        throw new OAuthError('invalid_grant', 'Refresh token already used; its successors are revoked.');
      }
      const grant = refreshTokens.get(refreshToken);
      if (!grant || grant.expiresAt <= now()) throw new OAuthError('invalid_grant', 'Invalid refresh token.');
      if (grant.clientId !== client.id) {
        throw new OAuthError('invalid_grant', 'Refresh token was issued to another client.');
      }
      if (!sessions.has(grant.sid)) throw new OAuthError('invalid_grant', 'Session not active.');
      refreshTokens.delete(refreshToken);
      remember(rotated, refreshToken, grant.family);
      return grantTokens({ ...grant, nonce: undefined }, grant.family);
    },

    /**
     * RP-initiated logout: ends the browser's session (and the one the ID token names), revokes
     * its refresh tokens, and says where to send the browser, if anywhere.
     */
    endSession(
      clientOf: (id: string) => BrowserClient | undefined,
      request: {
        sids: readonly string[];
        clientId: string | undefined;
        postLogoutRedirectUri: string | undefined;
        state: string | undefined;
      },
    ): { location: string | undefined } {
      const uri = request.postLogoutRedirectUri;
      const client = request.clientId === undefined ? undefined : clientOf(request.clientId);
      if (uri !== undefined && !isAllowedPostLogoutUri(client?.redirectUris ?? [], uri)) {
        throw new AuthorizationError('invalid_request', `Invalid post_logout_redirect_uri '${uri}'.`);
      }
      for (const sid of request.sids) {
        sessions.delete(sid);
        for (const [token, grant] of refreshTokens) if (grant.sid === sid) refreshTokens.delete(token);
      }
      return { location: uri === undefined ? undefined : withParams(uri, { state: request.state }) };
    },

    /** The user name of a live session, for pages that greet them. */
    sessionUser: (sid: string | undefined) => (sid === undefined ? undefined : sessions.get(sid)?.username),
  };
}

export type BrowserFlow = ReturnType<typeof createBrowserFlow>;
