import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { AuthorizationError, LoginFailed, OAuthError } from '../../engines/oidc/index.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import { errorPage, loggedOutPage, loginPage } from './pages.ts';

const SESSION_COOKIE = 'f7t_sim_session';

/** Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: each part form-urlencoded). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const part = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
  try {
    return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** The query and, on a POST, the form: OIDC lets both endpoints take either. */
async function parameters(c: Context<AppEnv>): Promise<Record<string, string>> {
  const params: Record<string, string> = { ...c.req.query() };
  const type = c.req.header('content-type') ?? '';
  if (c.req.method === 'POST' && type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(await c.req.text())) params[k] = v;
  }
  return params;
}

export function createOidcRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  const cookiePath = new URL(sim.idp.issuer).pathname;
  const noStore = (c: Context<AppEnv>) => c.header('cache-control', 'no-store');

  // Authorization and logout errors: a redirect to the client when its URI is trusted, else a page.
  app.onError((error, c) => {
    if (!(error instanceof AuthorizationError)) throw error;
    noStore(c);
    if (error.redirect) return c.redirect(error.redirect, 302);
    return c.html(errorPage(error.error, error.message), 400);
  });

  app.get('/.well-known/openid-configuration', (c) => c.json(sim.idp.discovery()));
  app.get('/certs', (c) => c.json(sim.idp.jwks()));
  app.get('/jwks', (c) => c.json(sim.idp.jwks()));

  app.on(['GET', 'POST'], '/authorize', async (c) => {
    const params = await parameters(c);
    noStore(c);
    const { username, password } = params;
    if (c.req.method === 'POST' && username !== undefined && password !== undefined) {
      try {
        const { location, sid } = sim.idp.login(params, { username, password });
        setCookie(c, SESSION_COOKIE, sid, { path: cookiePath, httpOnly: true, sameSite: 'Lax' });
        return c.redirect(location, 302);
      } catch (error) {
        if (!(error instanceof LoginFailed)) throw error;
        const outcome = sim.idp.authorize(params, undefined);
        if (outcome.kind !== 'login') throw error;
        const form = { site: sim.shape.name, clientId: outcome.client.id, params: outcome.params };
        return c.html(loginPage({ ...form, username, error: error.message }), 401);
      }
    }
    const outcome = sim.idp.authorize(params, getCookie(c, SESSION_COOKIE));
    if (outcome.kind === 'redirect') return c.redirect(outcome.location, 302);
    return c.html(loginPage({ site: sim.shape.name, clientId: outcome.client.id, params: outcome.params }));
  });

  app.post('/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError('invalid_request', 'The token request must be application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams(await c.req.text());
    const basic = basicCredentials(c.req.header('authorization'));
    const field = (name: string) => form.get(name) ?? undefined;
    const response = await sim.idp.issueToken({
      grantType: field('grant_type'),
      clientId: basic?.id ?? field('client_id'),
      clientSecret: basic?.secret ?? field('client_secret'),
      scope: field('scope'),
      basic: basic !== undefined,
      code: field('code'),
      redirectUri: field('redirect_uri'),
      codeVerifier: field('code_verifier'),
      refreshToken: field('refresh_token'),
    });
    c.header('cache-control', 'no-store');
    c.header('pragma', 'no-cache');
    return c.json(response);
  });

  app.on(['GET', 'POST'], '/userinfo', async (c) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    noStore(c);
    return c.json(await sim.idp.userinfo(bearer ?? (await parameters(c)).access_token));
  });

  app.on(['GET', 'POST'], '/logout', async (c) => {
    const params = await parameters(c);
    noStore(c);
    const { location } = await sim.idp.endSession({
      sid: getCookie(c, SESSION_COOKIE),
      idTokenHint: params.id_token_hint,
      clientId: params.client_id,
      postLogoutRedirectUri: params.post_logout_redirect_uri,
      state: params.state,
    });
    deleteCookie(c, SESSION_COOKIE, { path: cookiePath });
    if (location) return c.redirect(location, 302);
    return c.html(loggedOutPage());
  });
  return app;
}
