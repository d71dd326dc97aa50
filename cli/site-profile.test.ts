import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { findRequirement } from '../spec/requirements.ts';
import { profileOutOfScope, skipReason } from '../spec/run-scope.ts';
import { scopeOf } from '../suites/harness/scope.ts';
import { readSiteProfile, targetOf } from './site-profile.ts';

const base = `name: test-site
firecrest: { v2: 'https://api.example.org/v2' }
auth: { tokenUrl: 'https://auth.example.org/token' }
identities: [{ clientId: a, clientSecret: b }]
systems: [{ name: daint }]
`;

function profileFile(extra: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'f7t-profile-')), 'site.yaml');
  writeFileSync(path, base + extra);
  return path;
}

const requirement = (id: string) => {
  const found = findRequirement(id);
  if (!found) throw new Error(`no ${id}`);
  return found;
};

test('a skip listed in the profile skips that check with the profile reason; others keep running', () => {
  const profile = readSiteProfile(
    profileFile(
      "skip:\n  - { id: V1-RESERVATIONS-001, reason: 'no rsvmgmt here' }\n  - { id: V2-DRIFT-001, reason: 'no document' }\n",
    ),
  );
  const scope = scopeOf(targetOf(profile));
  expect(skipReason(requirement('V2-DRIFT-001'), scope)).toBe('declared skipped in the site profile: no document');
  expect(skipReason(requirement('V2-STATUS-NODES-001'), scope)).toBeUndefined();
  // No v1 URL: the v1 profiles are out of scope, which says so whatever else is declared.
  expect(skipReason(requirement('V1-RESERVATIONS-001'), scope)).toMatch(/no v1 URL/);
});

test('opt-in profiles are out of scope on a live site unless the profile asks for them', () => {
  const live = scopeOf(targetOf(readSiteProfile(profileFile(''))));
  expect(profileOutOfScope('oidc-browser', live)).toMatch(/opt-in/);
  expect(profileOutOfScope('compute', live)).toBeUndefined();
  const asked = scopeOf(targetOf(readSiteProfile(profileFile('profiles: [oidc-browser]\ncertify: true\n'))));
  expect(profileOutOfScope('oidc-browser', asked)).toBeUndefined();
  // Asked for on a live site: discovery is checked; the login checks cannot drive its login page.
  expect(skipReason(requirement('V2-OIDC-BROWSER-DISCOVERY-001'), asked)).toBeUndefined();
  expect(skipReason(requirement('V2-OIDC-BROWSER-CODE-001'), asked)).toMatch(/login page cannot be driven/);
  expect(skipReason(requirement('V2-OIDC-BROWSER-CODE-001'), scopeOf({ kind: 'embedded' }))).toBeUndefined();
  expect(readSiteProfile(profileFile('certify: true\n')).certify).toBe(true);
  // The simulator helps the opt-in checks: a run against it checks them without being asked.
  expect(profileOutOfScope('oidc-browser', scopeOf({ kind: 'embedded' }))).toBeUndefined();
});

test('a skip needs a known requirement id and a reason; an unknown opt-in profile is refused', () => {
  expect(() => readSiteProfile(profileFile('skip: [{ id: V2-NO-SUCH-001, reason: r }]\n'))).toThrow(
    /skip: 'V2-NO-SUCH-001' is not a requirement id/,
  );
  expect(() => readSiteProfile(profileFile('skip: [{ id: V2-DRIFT-001 }]\n'))).toThrow(
    /skip\.0: must have required property 'reason'/,
  );
  expect(() => readSiteProfile(profileFile('profiles: [compute]\n'))).toThrow(/profiles\.0/);
});

test('load: allowed with its bounds is read; allowed without bounds or with bad values is refused by field', () => {
  expect(readSiteProfile(profileFile('')).load).toBeUndefined();
  expect(
    readSiteProfile(
      profileFile('load: { allowed: true, maxUsers: 20, maxRequestsPerSecond: 12.5, errorRateThreshold: 0.01 }\n'),
    ).load,
  ).toEqual({ allowed: true, maxUsers: 20, maxRequestsPerSecond: 12.5, errorRateThreshold: 0.01 });
  expect(readSiteProfile(profileFile('load: { allowed: false }\n')).load).toEqual({ allowed: false });
  expect(() => readSiteProfile(profileFile('load: { allowed: true }\n'))).toThrow(
    /load: must have required property 'maxUsers'; load: must have required property 'maxRequestsPerSecond'$/,
  );
  expect(() => readSiteProfile(profileFile('load: { maxUsers: 5 }\n'))).toThrow(
    /load: must have required property 'allowed'/,
  );
  expect(() =>
    readSiteProfile(profileFile('load: { allowed: true, maxUsers: 0, maxRequestsPerSecond: 10 }\n')),
  ).toThrow(/load\.maxUsers: must be >= 1/);
  expect(() =>
    readSiteProfile(profileFile('load: { allowed: true, maxUsers: 2.5, maxRequestsPerSecond: 10 }\n')),
  ).toThrow(/load\.maxUsers: must be integer/);
  expect(() => readSiteProfile(profileFile('load: { allowed: true, maxUsers: 5, maxRequestsPerSecond: 0 }\n'))).toThrow(
    /load\.maxRequestsPerSecond: must be > 0/,
  );
  expect(() =>
    readSiteProfile(
      profileFile('load: { allowed: true, maxUsers: 5, maxRequestsPerSecond: 5, errorRateThreshold: 5 }\n'),
    ),
  ).toThrow(/load\.errorRateThreshold: must be <= 1/);
  expect(() => readSiteProfile(profileFile("load: { allowed: 'yes' }\n"))).toThrow(/load\.allowed: must be boolean/);
  expect(() => readSiteProfile(profileFile('load: { allowed: false, users: 3 }\n'))).toThrow(
    /load: must NOT have additional properties 'users'/,
  );
});
