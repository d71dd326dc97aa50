import * as oidc from 'openid-client';

// The portal's OIDC client: authorization code with PKCE through openid-client, refresh before a
// token runs out, and RP-initiated logout. The issuer is discovered on first use, so the portal
// may start before the site does.

export interface AuthOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** A confidential client's secret; without it the portal is a public client (PKCE). */
  readonly clientSecret: string | undefined;
  /** Where the issuer sends the browser back, e.g. `http://127.0.0.1:8300/callback`. */
  readonly redirectUri: string;
  /** Where the issuer sends the browser after a logout. */
  readonly postLogoutUri: string;
  readonly scope: string;
}

/** What a login leaves with the portal's session. */
export interface Tokens {
  accessToken: string;
  refreshToken: string | undefined;
  idToken: string | undefined;
  /** Epoch ms. */
  expiresAt: number;
  username: string;
}

/** What the browser carries between /login and /callback (kept server-side, keyed by a cookie). */
export interface PendingLogin {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

export function createAuth(options: AuthOptions) {
  let discovered: Promise<oidc.Configuration> | undefined;
  const config = () => {
    const insecure = new URL(options.issuer).protocol === 'http:';
    discovered ??= oidc
      .discovery(
        new URL(options.issuer),
        options.clientId,
        undefined,
        options.clientSecret ? oidc.ClientSecretBasic(options.clientSecret) : oidc.None(),
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };
  const keep = (answer: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, username: string): Tokens => ({
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    idToken: answer.id_token,
    expiresAt: Date.now() + (answer.expiresIn() ?? 60) * 1000,
    username,
  });

  return {
    async start(): Promise<{ url: URL; pending: PendingLogin }> {
      const pending = {
        verifier: oidc.randomPKCECodeVerifier(),
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
      };
      const url = oidc.buildAuthorizationUrl(await config(), {
        redirect_uri: options.redirectUri,
        scope: options.scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url, pending };
    },

    async finish(callbackUrl: URL, pending: PendingLogin): Promise<Tokens> {
      const answer = await oidc.authorizationCodeGrant(await config(), callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      });
      const claims = answer.claims();
      const username = claims?.preferred_username ?? claims?.sub;
      if (typeof username !== 'string') throw new Error('the ID token names no user');
      return keep(answer, username);
    },

    /** A token with at least a minute left (FirecREST refuses tokens about to expire). */
    async fresh(tokens: Tokens): Promise<Tokens> {
      if (tokens.expiresAt - Date.now() > 60_000 || !tokens.refreshToken) return tokens;
      const answer = await oidc.refreshTokenGrant(await config(), tokens.refreshToken);
      return { ...keep(answer, tokens.username), idToken: answer.id_token ?? tokens.idToken };
    },

    async logoutUrl(tokens: Tokens | undefined): Promise<URL> {
      return oidc.buildEndSessionUrl(await config(), {
        post_logout_redirect_uri: options.postLogoutUri,
        ...(tokens?.idToken ? { id_token_hint: tokens.idToken } : {}),
      });
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
