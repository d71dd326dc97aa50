/** The rules for where the issuer may send a browser back to, after a login or a logout. */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

/** `http://127.0.0.1`, `http://localhost` or `http://[::1]` on any port (RFC 8252 §7.3), no fragment. */
export function isLoopbackUri(uri: string): boolean {
  const url = parse(uri);
  return url !== undefined && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && url.hash === '';
}

/**
 * A registered redirect URI must match exactly; a client that registered none may use any
 * loopback URI, so a portal in development can run on a free port.
 */
export function isAllowedRedirectUri(registered: readonly string[], uri: string): boolean {
  return registered.length > 0 ? registered.includes(uri) : isLoopbackUri(uri);
}

/** After a logout: a URI on a registered redirect URI's origin, or a loopback one. */
export function isAllowedPostLogoutUri(registered: readonly string[], uri: string): boolean {
  const url = parse(uri);
  if (!url || url.hash !== '') return false;
  if (isLoopbackUri(uri)) return true;
  return registered.some((r) => parse(r)?.origin === url.origin);
}

/** `uri` with the parameters added to its query (a registered URI may carry one already). */
export function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}
