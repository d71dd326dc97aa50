import { createHash, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { beforeAll, describe, expect, test } from 'vitest';
import { createSimulator, type Simulator } from '../../index.ts';

// The issuer's browser login, driven as a browser and as curl would (raw HTTP), and as a stock OIDC
// library does (openid-client). Everything runs in-process through `sim.fetch`.

const BASE = 'http://127.0.0.1:8000';
const PORTAL = 'http://127.0.0.1:8300/callback';
let sim: Simulator;

beforeAll(async () => {
  sim = await createSimulator({ publicUrl: BASE, redirectUris: { 'alice-client': ['https://portal.example/cb'] } });
});

const call = (path: string, init?: RequestInit) => sim.fetch(new Request(new URL(path, BASE), init));
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};
const authorization = (over: Record<string, string> = {}) => ({
  client_id: 'portal',
  redirect_uri: PORTAL,
  response_type: 'code',
  scope: 'openid profile',
  state: 'st-1',
  code_challenge_method: 'S256',
  ...over,
});

/** Posts the login form as a browser would; answers the redirect and the session cookie. */
async function logIn(params: Record<string, string>, username = 'alice', password = `${username}-password`) {
  const response = await call('/auth/authorize', form({ ...params, username, password }));
  const location = response.headers.get('location');
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  return { response, location: location ? new URL(location) : undefined, cookie };
}

async function codeFor(params: Record<string, string>) {
  const { location } = await logIn(params);
  return location?.searchParams.get('code') ?? '';
}

const exchange = (fields: Record<string, string>) =>
  call('/auth/token', form({ grant_type: 'authorization_code', client_id: 'portal', redirect_uri: PORTAL, ...fields }));
const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('browser login by hand (what curl does)', () => {
  test('authorize shows a form, the form logs in, the code and verifier give a token that works on /v2', async () => {
    const { verifier, challenge } = pkce();
    const params = authorization({ nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256', foo: 'x' });
    const page = await call(`/auth/authorize?${new URLSearchParams(params).toString()}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="password"');
    expect(html).toContain(`name="code_challenge" value="${challenge}"`);
    expect(html).not.toContain('name="foo"'); // unknown parameters are ignored

    const { location } = await logIn(params);
    expect(`${location?.origin ?? ''}${location?.pathname ?? ''}`).toBe(PORTAL);
    expect(location?.searchParams.get('state')).toBe('st-1');
    expect(location?.searchParams.get('iss')).toBe(`${BASE}/auth`);
    const response = await exchange({ code: location?.searchParams.get('code') ?? '', code_verifier: verifier });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, string | number>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    expect(typeof tokens.refresh_token).toBe('string');
    const access = claimsOf(String(tokens.access_token));
    expect(access).toMatchObject({ preferred_username: 'alice', sub: 'alice', client_id: 'portal' });
    expect(String(access.scope).split(' ')).toContain('firecrest');
    expect(claimsOf(String(tokens.id_token))).toMatchObject({ aud: 'portal', nonce: 'n-1', sub: 'alice' });

    const bearer = { authorization: `Bearer ${String(tokens.access_token)}` };
    expect((await call('/v2/status/systems', { headers: bearer })).status).toBe(200);
    const info = (await (await call('/v2/status/daint/userinfo', { headers: bearer })).json()) as {
      user: { name: string };
      groups: { name: string }[];
    };
    expect(info.user.name).toBe('alice');
    // Every group but the user's own is an account a job may be charged to.
    for (const group of info.groups.filter((g) => g.name !== 'alice')) {
      const job = { name: 'g', account: group.name, workingDirectory: '/home/alice', script: '#!/bin/bash\ntrue\n' };
      const submitted = await call('/v2/compute/daint/jobs', {
        method: 'POST',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ job }),
      });
      expect(submitted.status, group.name).toBe(201);
    }
  });

  test('the standard scopes are accepted, unknown ones ignored; firecrest is always granted', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(
      authorization({ scope: 'openid profile email offline_access weird', code_challenge: challenge }),
    );
    const tokens = (await (await exchange({ code, code_verifier: verifier })).json()) as { scope: string };
    expect(tokens.scope.split(' ').sort()).toEqual(['email', 'firecrest', 'offline_access', 'openid', 'profile']);
  });

  test('a wrong password shows the form again', async () => {
    const { response, location } = await logIn(authorization({ code_challenge: pkce().challenge }), 'alice', 'nope');
    expect(response.status).toBe(401);
    expect(location).toBeUndefined();
    expect(await response.text()).toContain('Invalid username or password.');
  });
});

describe('refusals', () => {
  test('a redirect URI that is not allowed gets an error page, never a redirect', async () => {
    for (const [client, uri] of [
      ['portal', 'http://127.0.0.1:9999/callback'], // portal registered another one: exact match
      ['bob-client', 'https://evil.example/cb'], // registered none: loopback only
      ['alice-client', 'http://127.0.0.1:8300/callback'], // registered https://portal.example/cb
      ['nobody', PORTAL],
    ] as const) {
      const query = new URLSearchParams(authorization({ client_id: client, redirect_uri: uri, code_challenge: 'x' }));
      const response = await call(`/auth/authorize?${query.toString()}`);
      expect(response.status, `${client} ${uri}`).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toContain('text/html');
    }
  });

  test('a public client without PKCE hears invalid_request at its redirect URI', async () => {
    const response = await call(`/auth/authorize?${new URLSearchParams(authorization()).toString()}`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('st-1');
  });

  test('a wrong or missing verifier, and a reused code, are invalid_grant', async () => {
    const { verifier, challenge } = pkce();
    const wrong = await exchange({
      code: await codeFor(authorization({ code_challenge: challenge })),
      code_verifier: pkce().verifier,
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const missing = await exchange({ code: await codeFor(authorization({ code_challenge: challenge })) });
    expect(await missing.json()).toMatchObject({ error: 'invalid_grant' });

    const code = await codeFor(authorization({ code_challenge: challenge }));
    const first = (await (await exchange({ code, code_verifier: verifier })).json()) as { refresh_token: string };
    const again = await exchange({ code, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    // The replay revoked what the code gave.
    const refreshed = await call(
      '/auth/token',
      form({ grant_type: 'refresh_token', client_id: 'portal', refresh_token: first.refresh_token }),
    );
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
  });

  test('the token endpoint authenticates clients: a wrong secret is invalid_client, a public client gets no client_credentials', async () => {
    const bad = await call(
      '/auth/token',
      form({ grant_type: 'authorization_code', client_id: 'alice-client', client_secret: 'no', code: 'x' }),
    );
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
    const cc = await call('/auth/token', form({ grant_type: 'client_credentials', client_id: 'portal' }));
    expect(await cc.json()).toMatchObject({ error: 'unauthorized_client' });
  });
});

describe('with openid-client', () => {
  const options = {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: (url: string, init: RequestInit) => call(url, init),
  };
  const issuer = new URL(`${BASE}/auth`);

  /** The browser's part: open the authorization URL and post the login form. */
  async function browse(url: URL, username: string) {
    const params = Object.fromEntries(url.searchParams);
    const { location } = await logIn(params, username);
    if (!location) throw new Error('no redirect after the login');
    return location;
  }

  test('a public client: PKCE login, ID token, userinfo, refresh with rotation, logout', async () => {
    const config = await oidc.discovery(issuer, 'portal', undefined, oidc.None(), options);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: PORTAL,
      scope: 'openid profile email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const tokens = await oidc.authorizationCodeGrant(config, await browse(url, 'bob'), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'bob', preferred_username: 'bob' });
    const info = await oidc.fetchUserInfo(config, tokens.access_token, 'bob');
    expect(Object.keys(info).sort()).toEqual(
      expect.arrayContaining(['sub', 'preferred_username', 'name', 'given_name', 'family_name', 'email']),
    );

    const next = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(claimsOf(next.access_token).preferred_username).toBe('bob');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    const logout = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: 'http://127.0.0.1:8300/',
      state: 'bye',
    });
    const out = await call(logout.href);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('http://127.0.0.1:8300/?state=bye');
  });

  test.each([
    ['client_secret_basic', oidc.ClientSecretBasic('bob-secret')],
    ['client_secret_post', oidc.ClientSecretPost('bob-secret')],
  ])('a confidential client (%s) logs a person in without PKCE on an unregistered loopback URI', async (_, auth) => {
    const config = await oidc.discovery(issuer, 'bob-client', undefined, auth, options);
    const redirect = 'http://localhost:43123/cb';
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid', state });
    const tokens = await oidc.authorizationCodeGrant(config, await browse(url, 'alice'), { expectedState: state });
    // The person who logged in, never the client's own user.
    expect(claimsOf(tokens.access_token)).toMatchObject({ preferred_username: 'alice', client_id: 'bob-client' });
  });
});

describe('sessions and logout', () => {
  test('a session logs in again without the form; a bare GET on logout ends it', async () => {
    const { cookie } = await logIn(authorization({ code_challenge: pkce().challenge }));
    const query = new URLSearchParams(authorization({ code_challenge: pkce().challenge })).toString();
    const again = await call(`/auth/authorize?${query}`, { headers: { cookie: cookie ?? '' } });
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();

    const out = await call('/auth/logout', { headers: { cookie: cookie ?? '' } });
    expect(out.status).toBe(200);
    expect(await out.text()).toContain('signed out');
    const after = await call(`/auth/authorize?${query}`, { headers: { cookie: cookie ?? '' } });
    expect(after.status).toBe(200); // the form again
    const evil = await call('/auth/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F');
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();
  });

  test('discovery names every endpoint', async () => {
    const doc = (await (await call('/auth/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      authorization_endpoint: `${BASE}/auth/authorize`,
      token_endpoint: `${BASE}/auth/token`,
      userinfo_endpoint: `${BASE}/auth/userinfo`,
      end_session_endpoint: `${BASE}/auth/logout`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
  });
});
