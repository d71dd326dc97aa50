import type { Requirement } from './requirements.ts';

// Which checks a run leaves out because of how it is set up, and why. One module, read by the
// harness (which skips the check with the reason), `plan` (which prints the reasons), `check`
// (its progress count) and the verdict (which lists profiles out of scope). A skip comes only
// from here: from what the run's configuration declares, never from what the site answered.

/** Profiles a live run checks only when they are asked for: their checks need the simulator's help. */
export const optInProfiles: readonly string[] = ['oidc-browser'];

/** What the run's configuration says about the site. */
export interface RunScope {
  readonly v1Url: boolean;
  readonly v2Url: boolean;
  readonly readOnly: boolean;
  readonly secondIdentity: boolean;
  readonly stagedTransfers: boolean;
  /** Opt-in profiles the run was asked to check (a simulator target checks them all). */
  readonly optIn?: readonly string[] | undefined;
  /** Requirement ids the site profile declares skipped, with its reason. */
  readonly declaredSkips?: Readonly<Record<string, string>> | undefined;
  /** The target is a simulator (embedded, or with its control plane): its login page can be driven. */
  readonly simulator?: boolean | undefined;
}

/** Why a whole profile is out of the run's scope (no URL for its generation, opt-in not chosen). */
export function profileOutOfScope(profile: string, scope: RunScope): string | undefined {
  const v1 = profile.startsWith('v1-');
  if (v1 && !scope.v1Url) return 'the run has no v1 URL (--v1-target, or firecrest.v1 in the site profile)';
  if (!v1 && !scope.v2Url) return 'the run has no v2 URL (--target, or firecrest.v2 in the site profile)';
  if (optInProfiles.includes(profile) && !(scope.optIn ?? []).includes(profile))
    return `the ${profile} profile is opt-in (--profile ${profile}, or profiles: [${profile}] in the site profile)`;
  return undefined;
}

/** Why the run's mode or the site's declared shape leave a requirement's checks out, if they do. */
export function ruledOutByScope(req: Requirement, scope: RunScope): string | undefined {
  if (scope.readOnly && req.writes) return '--read-only: the check would change something on the site';
  if (req.needsSecondIdentity && !scope.secondIdentity)
    return 'needs a second identity (--second-client-id, or identities[1] in the site profile)';
  if ((req.profile === 'transfer' || req.profile === 'workflow') && !scope.stagedTransfers)
    return 'the site profile says the site has no staged transfers (transfer.method: none)';
  if (req.needsLoginPage && !scope.simulator)
    return "logs in through the simulator's login page; a centre's login page cannot be driven by a test (run it against serve with --control-url, or --embedded)";
  const declared = scope.declaredSkips?.[req.id];
  if (declared !== undefined) return `declared skipped in the site profile: ${declared}`;
  return undefined;
}

/** The reason the configuration leaves a requirement's checks out, or undefined when they run. */
export function skipReason(req: Requirement, scope: RunScope): string | undefined {
  return profileOutOfScope(req.profile, scope) ?? ruledOutByScope(req, scope);
}
