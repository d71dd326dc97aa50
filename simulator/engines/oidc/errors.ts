import { SimError } from '../../errors.ts';

/** An error of the token endpoint, answered in OAuth's shape `{error, error_description}`. */
export class OAuthError extends SimError {
  readonly error: string;

  constructor(status: number, error: string, description: string, headers?: Record<string, string>) {
    super(status, description, headers ? { headers } : {});
    this.name = 'OAuthError';
    this.error = error;
  }
}

/** How FirecREST words its 401s; clients and operators match on these texts. */
export const authMessages = {
  missing: 'Not authenticated',
  invalid: 'Access token is invalid.',
  expired: 'Access token expired',
  unknownKey: "Token's public key not found.",
  tooSoon: (minTtl: number) => `Access token expires too soon (less than ${minTtl}s remaining).`,
  claimMissing: (claim: string) => `Authentication token '${claim}' claim is missing`,
} as const;

/** Why a token was refused; each API generation words its 401 from this. */
export type AuthFailure = 'missing' | 'malformed' | 'signature' | 'expired' | 'too-soon' | 'unknown-key' | 'issuer';

export class AuthError extends SimError {
  readonly reason: AuthFailure;

  constructor(reason: AuthFailure, message: string, token?: string) {
    // FirecREST echoes the presented token back in an `auth-token` header on its 401s.
    super(
      401,
      message,
      token === undefined ? { headers: { 'www-authenticate': 'Bearer' } } : { headers: { 'auth-token': token } },
    );
    this.name = 'AuthError';
    this.reason = reason;
  }
}

/**
 * An error of the authorization or logout endpoint. With `redirect` the client learns of it at its
 * redirect URI (RFC 6749 §4.1.2.1); without, the redirect URI itself is in doubt and the browser
 * is shown an error page instead, never sent anywhere.
 */
export class AuthorizationError extends SimError {
  readonly error: string;
  readonly redirect: string | undefined;

  constructor(error: string, description: string, redirect?: string) {
    super(400, description);
    this.name = 'AuthorizationError';
    this.error = error;
    this.redirect = redirect;
  }
}

/** A login form posted with a wrong user name or password: the form is shown again. */
export class LoginFailed extends SimError {
  constructor() {
    super(401, 'Invalid username or password.');
    this.name = 'LoginFailed';
  }
}
