import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { EngineFaultKind, EngineFaults } from '../../../spec/faults.ts';
import { AuthError, type AuthFailure } from './errors.ts';
import type { IdentityProvider } from './index.ts';

/** The token check each refusal comes from, as an engine fault can switch it off. */
const checkOf: Record<AuthFailure, EngineFaultKind | undefined> = {
  missing: undefined,
  malformed: undefined,
  signature: 'oidc.signature-unchecked',
  'unknown-key': 'oidc.signature-unchecked',
  expired: 'oidc.expiry-unchecked',
  'too-soon': 'oidc.expiry-unchecked',
  issuer: 'oidc.issuer-unchecked',
  'claim-missing': undefined,
};

function skipped(faults: EngineFaults, reason: AuthFailure, token: string): boolean {
  const check = checkOf[reason];
  if (check) return faults.has(check);
  if (reason !== 'malformed') return false;
  // A library that decodes without verifying accepts alg none as it accepts any signature.
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return false;
  }
  return alg === 'none' && (faults.has('oidc.alg-none-accepted') || faults.has('oidc.signature-unchecked'));
}

/**
 * The identity provider as a site with a broken token check: a token the engine refuses for a
 * reason an injected fault switches off is taken at its word. The engine itself stays strict.
 */
export function withTokenFaults(idp: IdentityProvider, faults: EngineFaults): IdentityProvider {
  return {
    ...idp,
    async verify(token, options) {
      try {
        return await idp.verify(token, options);
      } catch (error) {
        if (!(error instanceof AuthError) || !skipped(faults, error.reason, token)) throw error;
        const claims = decodeJwt(token);
        const username = claims.preferred_username ?? claims.sub;
        if (typeof username !== 'string' || username === '') throw error;
        const scope = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
        return { username, scopes: scope, claims };
      }
    },
  };
}
