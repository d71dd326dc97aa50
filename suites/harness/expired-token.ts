import { decodeJwt } from 'jose';
import type { CheckContext } from './check-context.ts';
import { HarnessError } from './errors.ts';

/** Past a token's `exp`, a margin for the site's clock being behind the harness's. */
const EXPIRY_MARGIN_S = 5;

/**
 * A token of the site's issuer that has expired: the simulator mints one; otherwise the one the
 * site profile gives, or the token the run began with once it has expired, when the job budget
 * allows the wait. Without any, the check is skipped, naming the configuration that would give one.
 */
export async function expiredToken(t: CheckContext): Promise<string> {
  let expired = t.target.expiredToken;
  if (t.target.control) expired = await t.target.control.mintToken({ username: t.username, ttl: -60 });
  if (!expired && t.target.agingToken) {
    // The budget bounds the token's remaining life (as plan judges it); the margin comes on top.
    const exp = decodeJwt(t.target.agingToken).exp;
    const leftS = exp === undefined ? Number.POSITIVE_INFINITY : exp - Date.now() / 1000;
    if (leftS > t.target.jobBudgetS)
      return t.skip(
        `the site's tokens outlive the job budget (${exp === undefined ? 'no exp claim' : `this one for ${Math.round(leftS)} s more`}, budget ${t.target.jobBudgetS} s): give an expired token (expiredToken in the site profile, or --expired-token)`,
      );
    await t.pause(Math.max(0, leftS) + EXPIRY_MARGIN_S);
    expired = t.target.agingToken;
  }
  if (!expired)
    return t.skip('needs an expired token of the site issuer: expiredToken in the site profile, or --expired-token');
  const exp = decodeJwt(expired).exp ?? Number.POSITIVE_INFINITY;
  if (exp > Date.now() / 1000)
    throw new HarnessError(`the token given with --expired-token is valid until ${new Date(exp * 1000).toISOString()}`);
  return expired;
}
