import { describe, expect, test } from 'vitest';
import { isAllowedPostLogoutUri, isAllowedRedirectUri, isLoopbackUri, withParams } from './redirect-uri.ts';

describe('redirect URI rules', () => {
  test('loopback: http on 127.0.0.1, localhost or [::1], any port, no fragment', () => {
    expect(isLoopbackUri('http://127.0.0.1:5173/cb')).toBe(true);
    expect(isLoopbackUri('http://localhost/cb')).toBe(true);
    expect(isLoopbackUri('http://[::1]:8080/')).toBe(true);
    expect(isLoopbackUri('https://127.0.0.1/cb')).toBe(false);
    expect(isLoopbackUri('http://127.0.0.1.evil.example/cb')).toBe(false);
    expect(isLoopbackUri('http://127.0.0.1/cb#x')).toBe(false);
    expect(isLoopbackUri('not a url')).toBe(false);
  });

  test('registered URIs match exactly; none registered: loopback only', () => {
    const registered = ['http://127.0.0.1:8300/callback'];
    expect(isAllowedRedirectUri(registered, 'http://127.0.0.1:8300/callback')).toBe(true);
    expect(isAllowedRedirectUri(registered, 'http://127.0.0.1:8301/callback')).toBe(false);
    expect(isAllowedRedirectUri(registered, 'http://127.0.0.1:8300/callback/')).toBe(false);
    expect(isAllowedRedirectUri([], 'http://localhost:9/cb')).toBe(true);
    expect(isAllowedRedirectUri([], 'https://portal.example/cb')).toBe(false);
  });

  test('after logout: a registered origin or loopback', () => {
    expect(isAllowedPostLogoutUri(['https://portal.example/cb'], 'https://portal.example/')).toBe(true);
    expect(isAllowedPostLogoutUri(['https://portal.example/cb'], 'https://other.example/')).toBe(false);
    expect(isAllowedPostLogoutUri([], 'http://127.0.0.1:8300/')).toBe(true);
  });

  test('parameters are added to a query the URI may already have', () => {
    expect(withParams('https://p.example/cb?x=1', { code: 'c', state: undefined })).toBe(
      'https://p.example/cb?x=1&code=c',
    );
  });
});
