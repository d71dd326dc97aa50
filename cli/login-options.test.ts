import { describe, expect, test } from 'vitest';
import { loginsOf, parseLogin, parsePublicClient, parseRedirectUris } from './login-options.ts';

describe('serve options of the browser login', () => {
  test('--user NAME:PASSWORD keeps colons in the password', () => {
    expect(parseLogin('carol:pa:ss')).toEqual({ username: 'carol', password: 'pa:ss' });
    expect(() => parseLogin('carol')).toThrow('--user takes NAME:PASSWORD');
    expect(() => parseLogin('Carol:x')).toThrow('not a POSIX user name');
  });

  test('--public-client ID[:REDIRECT_URI]', () => {
    expect(parsePublicClient('web:http://127.0.0.1:5173/cb')).toEqual({
      id: 'web',
      redirectUris: ['http://127.0.0.1:5173/cb'],
    });
    expect(parsePublicClient('web')).toEqual({ id: 'web', redirectUris: [] });
    expect(() => parsePublicClient('web:nope')).toThrow('is not an http(s) URL');
  });

  test('--redirect-uri ID=URI, repeatable', () => {
    expect(parseRedirectUris(['a=https://x.example/cb', 'a=https://y.example/cb', 'b=http://127.0.0.1/'])).toEqual({
      a: ['https://x.example/cb', 'https://y.example/cb'],
      b: ['http://127.0.0.1/'],
    });
    expect(() => parseRedirectUris(['https://x.example/cb'])).toThrow('--redirect-uri takes ID=URI');
  });

  test("a site profile's identities give their passwords", () => {
    expect(loginsOf([{ username: 'alice', password: 'pw' }, { username: 'bob' }, { password: 'orphan' }])).toEqual([
      { username: 'alice', password: 'pw' },
    ]);
  });
});
