import type { Person } from './browser.ts';

/** What ID tokens, access tokens of a browser login and userinfo say about a person. */
export function personClaims(person: Person | undefined): Record<string, unknown> {
  if (!person) return {};
  return {
    name: person.name,
    given_name: person.givenName,
    family_name: person.familyName,
    email: person.email,
    email_verified: true,
  };
}
