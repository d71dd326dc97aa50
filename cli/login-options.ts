import type { LoginShape, PublicClientShape } from '../fixtures/site-shape.ts';

// The `serve` options of the issuer's browser login. Each parser throws an Error that names the
// option and the form it takes; main turns it into a usage error.

const POSIX_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

function checkUri(option: string, uri: string): string {
  try {
    if (new URL(uri).protocol.startsWith('http')) return uri;
  } catch {
    // reported below
  }
  throw new Error(`${option}: '${uri}' is not an http(s) URL`);
}

/** `--user NAME:PASSWORD` */
export function parseLogin(text: string): LoginShape {
  const colon = text.indexOf(':');
  const username = text.slice(0, colon);
  const password = text.slice(colon + 1);
  if (colon < 1 || password === '') throw new Error(`--user takes NAME:PASSWORD, not '${text}'`);
  if (!POSIX_NAME.test(username)) throw new Error(`--user: '${username}' is not a POSIX user name`);
  return { username, password };
}

/** `--public-client ID` or `--public-client ID:REDIRECT_URI` (the URI's own colons are kept). */
export function parsePublicClient(text: string): PublicClientShape {
  const colon = text.indexOf(':');
  const id = colon < 0 ? text : text.slice(0, colon);
  if (!id) throw new Error(`--public-client takes ID[:REDIRECT_URI], not '${text}'`);
  return { id, redirectUris: colon < 0 ? [] : [checkUri('--public-client', text.slice(colon + 1))] };
}

/** `--redirect-uri ID=URI`, repeatable: a client's registered redirect URIs. */
export function parseRedirectUris(texts: readonly string[]): Record<string, string[]> {
  const byClient: Record<string, string[]> = {};
  for (const text of texts) {
    const equals = text.indexOf('=');
    if (equals < 1) throw new Error(`--redirect-uri takes ID=URI, not '${text}'`);
    const id = text.slice(0, equals);
    (byClient[id] ??= []).push(checkUri('--redirect-uri', text.slice(equals + 1)));
  }
  return byClient;
}

/** The passwords a site profile gives its identities (`password`), for the login page of `serve --site`. */
export function loginsOf(identities: readonly { username?: string; password?: string }[]): LoginShape[] {
  return identities.flatMap((i) => (i.username && i.password ? [{ username: i.username, password: i.password }] : []));
}
