// OAuth's answers to the issuer's refusals: the status RFC 6749 §5.2 and RFC 6750 §3.1 give each
// error code, the challenge a client that authenticated (or a token that failed) is sent back.
import type { Context } from 'hono';
import type { OAuthError } from '../../engines/oidc/index.ts';
import type { AppEnv } from '../shared/env.ts';

export function answerOAuthError(error: OAuthError, c: Context<AppEnv>): Response {
  const unauthorized = error.error === 'invalid_client' || error.error === 'invalid_token';
  if (error.error === 'invalid_token') {
    c.header('www-authenticate', `Bearer error="invalid_token", error_description="${error.message}"`);
  } else if (error.basic) {
    c.header('www-authenticate', 'Basic realm="f7t-conformance"');
  }
  c.header('cache-control', 'no-store');
  return c.json({ error: error.error, error_description: error.message }, unauthorized ? 401 : 400);
}
