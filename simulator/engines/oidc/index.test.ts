import { describe, expect, test } from 'vitest';
import { createIdentityProvider } from './index.ts';

const clients = [{ id: 'alice-client', secret: 's3cret', username: 'alice' }];
const request = (over: object = {}) => ({
  grantType: 'client_credentials',
  clientId: 'alice-client',
  clientSecret: 's3cret',
  scope: undefined,
  basic: false,
  ...over,
});

describe('identity provider', () => {
  test('issues verifiable tokens that carry the user', async () => {
    const idp = await createIdentityProvider({ issuer: 'http://x/auth', clients });
    const token = await idp.issueToken(request());
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    const verified = await idp.verify(token.access_token);
    expect(verified.username).toBe('alice');
    expect(verified.claims).toMatchObject({ iss: 'http://x/auth', aud: 'firecrest', sub: 'alice' });
    expect(typeof verified.claims.jti).toBe('string');
  });

  test('refuses bad clients and grants in OAuth terms', async () => {
    const idp = await createIdentityProvider({ issuer: 'http://x/auth', clients });
    await expect(idp.issueToken(request({ clientSecret: 'no' }))).rejects.toMatchObject({
      status: 401,
      error: 'invalid_client',
    });
    await expect(idp.issueToken(request({ grantType: 'password' }))).rejects.toMatchObject({
      status: 400,
      error: 'unsupported_grant_type',
    });
    await expect(idp.issueToken(request({ scope: 'admin' }))).rejects.toMatchObject({
      status: 400,
      error: 'invalid_scope',
    });
  });

  test('verifies as FirecREST does: expiry, minimum life, issuer, algorithm', async () => {
    let now = Date.UTC(2026, 0, 1);
    const idp = await createIdentityProvider({ issuer: 'http://x/auth', clients, wall: () => now });
    const token = await idp.mint({ username: 'alice', ttlS: 100 });
    await expect(idp.verify(token)).resolves.toMatchObject({ username: 'alice' });
    now += 80_000; // 20 s left: cached, but the lifetime is checked again
    await expect(idp.verify(token)).rejects.toMatchObject({
      status: 401,
      message: 'Access token expires too soon (less than 30s remaining).',
    });
    now += 30_000;
    await expect(idp.verify(token)).rejects.toMatchObject({ message: 'Access token expired' });
    const foreign = await idp.mint({ username: 'alice', issuer: 'http://elsewhere' });
    await expect(idp.verify(foreign)).rejects.toMatchObject({ message: 'Access token is invalid.' });
    const [, payload] = token.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await expect(idp.verify(none)).rejects.toMatchObject({ status: 401 });
    await expect(idp.verify('garbage')).rejects.toMatchObject({
      status: 401,
      options: { headers: { 'auth-token': 'garbage' } },
    });
  });
});
