/**
 * The issuer's refusals as facts: OAuth's error code or the reason a token was refused, with what
 * it was about. No HTTP status and no API generation's wording: api/oidc answers OAuth's errors,
 * and each generation answers a refused bearer token in its own errors module.
 */

/** OAuth's error codes (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1). */
export type OAuthCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'unsupported_response_type'
  | 'login_required';

/** An error of the token or userinfo endpoint, answered in OAuth's shape `{error, error_description}`. */
export class OAuthError extends Error {
  readonly error: OAuthCode;
  /** The client authenticated with HTTP Basic: the answer challenges it the same way. */
  readonly basic: boolean;

  constructor(error: OAuthCode, description: string, facts: { basic?: boolean } = {}) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.basic = facts.basic ?? false;
  }
}

/** Why a token was refused; each API generation words its answer from this. */
export type AuthFailure =
  'missing' | 'malformed' | 'signature' | 'expired' | 'too-soon' | 'unknown-key' | 'issuer' | 'claim-missing';

export class AuthError extends Error {
  readonly reason: AuthFailure;
  /** The token presented, if any. */
  readonly token: string | undefined;
  /** The least lifetime a token must have left (too-soon), in seconds. */
  readonly minTtlS: number | undefined;
  /** The claim that should name the user (claim-missing). */
  readonly claim: string | undefined;

  constructor(reason: AuthFailure, facts: { token?: string; minTtlS?: number; claim?: string } = {}) {
    super(`token refused: ${reason}${facts.claim ? ` (${facts.claim})` : ''}`);
    this.name = 'AuthError';
    this.reason = reason;
    this.token = facts.token;
    this.minTtlS = facts.minTtlS;
    this.claim = facts.claim;
  }
}

/**
 * An error of the authorization or logout endpoint. With `redirect` the client learns of it at its
 * redirect URI (RFC 6749 §4.1.2.1); without, the redirect URI itself is in doubt and the browser
 * is shown an error page instead, never sent anywhere.
 */
export class AuthorizationError extends Error {
  readonly error: OAuthCode;
  readonly redirect: string | undefined;

  constructor(error: OAuthCode, description: string, redirect?: string) {
    super(description);
    this.name = 'AuthorizationError';
    this.error = error;
    this.redirect = redirect;
  }
}

/** A login form posted with a wrong user name or password: the form is shown again. */
export class LoginFailed extends Error {
  constructor() {
    super('Invalid username or password.');
    this.name = 'LoginFailed';
  }
}
