import type { Requirement } from '../spec/requirements.ts';

// Which checks a run leaves out because of how it is set up, before it asks the site anything.
// `plan` prints these reasons; `check` leaves the same checks out of its progress count.

/** What the run's settings say about the site. */
export interface RunScope {
  readonly v1Url: boolean;
  readonly v2Url: boolean;
  readonly readOnly: boolean;
  readonly secondIdentity: boolean;
  readonly stagedTransfers: boolean;
}

/** The API generation a requirement needs, when the run has no URL for it. */
export function missingApi(req: Requirement, scope: RunScope): string | undefined {
  const v1 = req.profile.startsWith('v1-');
  if (v1 && !scope.v1Url) return 'the site profile gives no v1 URL (firecrest.v1)';
  if (!v1 && !scope.v2Url) return 'the site profile gives no v2 URL (firecrest.v2)';
  return undefined;
}

/** Why the run's mode or the site's declared shape leave the requirement out, if they do. */
export function ruledOutByScope(req: Requirement, scope: RunScope): string | undefined {
  if (scope.readOnly && req.writes) return '--read-only: the check would change something on the site';
  if (req.needsSecondIdentity && !scope.secondIdentity) return 'needs a second identity (identities[1])';
  if ((req.profile === 'transfer' || req.profile === 'workflow') && !scope.stagedTransfers)
    return 'the site profile says the site has no staged transfers (transfer.method: none)';
  return undefined;
}
