import type { RunScope } from '../../spec/run-scope.ts';
import { optInProfiles } from '../../spec/run-scope.ts';
import type { TargetConfig } from './config.ts';

/**
 * What a run's configuration declares about the site, read the same way by the harness (which
 * skips) and the command line (its plan, progress count and verdict).
 */
export function scopeOf(target: TargetConfig, readOnly = false): RunScope {
  const remote = target.kind === 'remote';
  // A simulator (embedded, or one whose control plane the run may use) helps the opt-in checks.
  const simulator = !remote || Boolean(target.controlUrl);
  return {
    v1Url: !remote || Boolean(target.v1BaseUrl),
    v2Url: !remote || Boolean(target.baseUrl),
    readOnly: readOnly || Boolean(target.run?.readOnly),
    secondIdentity: !remote || Boolean(target.second),
    stagedTransfers: target.run?.transfer !== 'none',
    optIn: simulator ? optInProfiles : (target.run?.optIn ?? []),
    simulator,
    declaredSkips: target.run?.skips,
  };
}
