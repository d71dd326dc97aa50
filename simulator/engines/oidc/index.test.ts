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
    await expect(idp.issueToken(request({ clientSecret: 'no' }))).rejects.toMatchObject({ error: 'invalid_client' });
    await expect(idp.issueToken(request({ grantType: 'password' }))).rejects.toMatchObject({
      error: 'unsupported_grant_type',
    });
    await expect(idp.issueToken(request({ scope: 'admin' }))).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  test('verifies as FirecREST does: expiry, minimum life, issuer, algorithm', async () => {
    let now = Date.UTC(2026, 0, 1);
    const idp = await createIdentityProvider({ issuer: 'http://x/auth', clients, wall: () => now });
    const token = await idp.mint({ username: 'alice', ttlS: 100 });
    await expect(idp.verify(token)).resolves.toMatchObject({ username: 'alice' });
    now += 80_000; // 20 s left: cached, but the lifetime is checked again
    await expect(idp.verify(token)).rejects.toMatchObject({ reason: 'too-soon', minTtlS: 30, token });
    now += 30_000;
    await expect(idp.verify(token)).rejects.toMatchObject({ reason: 'expired' });
    const foreign = await idp.mint({ username: 'alice', issuer: 'http://elsewhere' });
    await expect(idp.verify(foreign)).rejects.toMatchObject({ reason: 'issuer' });
    const [, payload] = token.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await expect(idp.verify(none)).rejects.toMatchObject({ name: 'AuthError' });
    await expect(idp.verify('garbage')).rejects.toMatchObject({ reason: 'malformed', token: 'garbage' });
  });
});
