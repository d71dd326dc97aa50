import { profiles, requirements, type Requirement } from '../spec/requirements.ts';
import { decodeJwt } from 'jose';
import { DEFAULT_JOB_BUDGET_S, describeError, requestToken } from '../suites/harness/target.ts';
import { profileOutOfScope, ruledOutByScope } from '../spec/run-scope.ts';
import { scopeOf } from '../suites/harness/scope.ts';
import { targetOf, type SiteProfile } from './site-profile.ts';

// `plan --site`: what a run would check, on which systems, and what it would skip and why. It
// asks the site only what a reader may: a token per identity and GETs of the systems lists.

export interface PlanOptions {
  readonly readOnly?: boolean;
}

/** What the plan learnt from the site's tokens. */
interface TokenFacts {
  /** Seconds a fresh token of the primary identity lives, when it says. */
  readonly lifetimeS: number | undefined;
}

interface Cell {
  run: number;
  skipped: Map<string, string[]>;
}

/** The checks that need an expired token of the site's issuer (they may wait for the run's first one). */
const expiredTokenChecks = ['V2-AUTH-EXPIRED-001', 'V1-AUTH-003'];

/** Why a requirement's checks would be skipped on this site, or undefined when they would run. */
function skipReason(
  req: Requirement,
  site: SiteProfile,
  systemListed: { readonly v1: boolean | undefined; readonly v2: boolean | undefined },
  options: PlanOptions,
  tokens: TokenFacts,
): string | undefined {
  const scope = scopeOf(targetOf(site), options.readOnly ?? false);
  const missing = profileOutOfScope(req.profile, scope);
  if (missing) return missing;
  const v1 = req.profile.startsWith('v1-');
  const listed = v1 ? systemListed.v1 : systemListed.v2;
  if (listed === false) return `the site does not list this system (${v1 ? 'v1' : 'v2'} GET /status/systems)`;
  const ruledOut = ruledOutByScope(req, scope);
  if (ruledOut) return ruledOut;
  // Without an expired token, the run waits for its first token to expire, if the budget allows.
  if (expiredTokenChecks.includes(req.id) && !site.expiredToken && !site.controlPlane) {
    if (tokens.lifetimeS === undefined || tokens.lifetimeS > (site.jobs?.budget ?? DEFAULT_JOB_BUDGET_S))
      return "the site's tokens outlive the job budget, and the profile gives no expired token (expiredToken)";
  }
  return undefined;
}

async function systemsOf(url: string | undefined, token: string, v1: boolean): Promise<string[] | string> {
  if (!url) return [];
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/status/systems`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status !== 200) return `GET /status/systems answered ${response.status}`;
    const body = (await response.json()) as { systems?: { name: string }[]; out?: { system: string }[] };
    return v1 ? (body.out ?? []).map((s) => s.system) : (body.systems ?? []).map((s) => s.name);
  } catch (error) {
    return `GET /status/systems failed: ${describeError(error)}`;
  }
}

/** What the site told the plan: how long its tokens live, and the systems each API lists. */
interface SiteFacts {
  readonly tokens: TokenFacts;
  readonly listedV2: readonly string[];
  readonly listedV1: readonly string[];
}

/** Asks the site only what a reader may: a token per identity and the systems lists. */
async function askSite(site: SiteProfile): Promise<SiteFacts | string> {
  let token: string;
  let tokens: TokenFacts;
  try {
    const [primary] = site.identities;
    token = (
      await requestToken((i, init) => fetch(i, init), site.auth.tokenUrl, primary ?? { clientId: '', clientSecret: '' })
    ).token;
    let exp: number | undefined;
    try {
      exp = decodeJwt(token).exp;
    } catch {
      exp = undefined; // an opaque token: its life cannot be read
    }
    tokens = { lifetimeS: exp === undefined ? undefined : Math.max(0, Math.round(exp - Date.now() / 1000)) };
    for (const other of site.identities.slice(1))
      await requestToken((i, init) => fetch(i, init), site.auth.tokenUrl, other);
  } catch (error) {
    return describeError(error);
  }
  const listedV2 = await systemsOf(site.firecrest.v2, token, false);
  if (typeof listedV2 === 'string') return `the site's v2 API cannot be asked: ${listedV2}`;
  const listedV1 = await systemsOf(site.firecrest.v1, token, true);
  if (typeof listedV1 === 'string') return `the site's v1 API cannot be asked: ${listedV1}`;
  return { tokens, listedV2, listedV1 };
}

/** What would run and what would be skipped, per profile and system, and every skip's reason. */
function planMatrix(site: SiteProfile, options: PlanOptions, facts: SiteFacts) {
  const systems = site.systems.map((s) => s.name);
  const cells = new Map<string, Cell>();
  const reasons = new Map<string, Set<string>>();
  const waitingChecks = new Set<string>();
  for (const system of systems) {
    const listed = {
      v2: site.firecrest.v2 ? facts.listedV2.includes(system) : undefined,
      v1: site.firecrest.v1 ? facts.listedV1.includes(system) : undefined,
    };
    for (const req of requirements) {
      const key = `${req.profile}@${system}`;
      const cell = cells.get(key) ?? { run: 0, skipped: new Map<string, string[]>() };
      cells.set(key, cell);
      const why = skipReason(req, site, listed, options, facts.tokens);
      if (!why) {
        if (expiredTokenChecks.includes(req.id)) waitingChecks.add(req.id);
        cell.run++;
        continue;
      }
      cell.skipped.set(why, [...(cell.skipped.get(why) ?? []), req.id]);
      reasons.set(why, (reasons.get(why) ?? new Set<string>()).add(`${req.id}@${system}`));
    }
  }
  return { systems, cells, reasons, waitingChecks };
}

const skippedIn = (cell: Cell | undefined) => [...(cell?.skipped.values() ?? [])].reduce((n, ids) => n + ids.length, 0);

function formatMatrix(systems: readonly string[], cells: ReadonlyMap<string, Cell>): string[] {
  const width = Math.max(...profiles.map((p) => p.length), 'profile'.length);
  const colWidth = Math.max(...systems.map((s) => s.length), 'run 99 / skip 99'.length);
  const lines = [`${'profile'.padEnd(width)}  ${systems.map((s) => s.padEnd(colWidth)).join('  ')}`];
  for (const profile of profiles) {
    const row = systems.map((system) => {
      const cell = cells.get(`${profile}@${system}`);
      const skipped = skippedIn(cell);
      return `run ${cell?.run ?? 0}${skipped ? ` / skip ${skipped}` : ''}`.padEnd(colWidth);
    });
    lines.push(`${profile.padEnd(width)}  ${row.join('  ')}`);
  }
  return lines;
}

/** Prints the plan; gives the exit code (0, or 2 when the site cannot be asked). */
export async function printPlan(
  site: SiteProfile,
  options: PlanOptions,
  write: (text: string) => void,
): Promise<number> {
  const facts = await askSite(site);
  if (typeof facts === 'string') {
    write(`plan: ${facts}\n`);
    return 2;
  }
  const { systems, cells, reasons, waitingChecks } = planMatrix(site, options, facts);
  const api = (url: string | undefined, listed: readonly string[]) =>
    `${url ?? '(none)'}${url ? ` lists ${listed.join(', ') || 'no system'}` : ''}`;
  const lines = [
    `Plan for site ${site.name}${options.readOnly ? ' (read-only)' : ''}`,
    `  v2: ${api(site.firecrest.v2, facts.listedV2)}`,
    `  v1: ${api(site.firecrest.v1, facts.listedV1)}`,
    `  identities: ${site.identities.map((i) => i.clientId).join(', ')}`,
    '',
    ...formatMatrix(systems, cells),
  ];
  const total = [...cells.values()].reduce((n, c) => n + c.run, 0);
  const skippedTotal = [...cells.values()].reduce((n, c) => n + skippedIn(c), 0);
  lines.push('', `${total} checks would run, ${skippedTotal} would be skipped.`);
  if (waitingChecks.size > 0 && !site.expiredToken && !site.controlPlane)
    lines.push(
      `${[...waitingChecks].join(' and ')} ${waitingChecks.size > 1 ? 'wait' : 'waits'} for the run's first token to expire (it lives ${facts.tokens.lifetimeS} s; an expiredToken in the profile saves the wait).`,
    );
  if (reasons.size > 0) {
    lines.push('Skipped, and why:');
    for (const [why, ids] of reasons) {
      const list = [...ids];
      lines.push(`  ${why}: ${list.length} (${list.slice(0, 6).join(', ')}${list.length > 6 ? ', ...' : ''})`);
    }
  }
  // A profile none of whose checks runs gets no verdict; one that runs with a MUST left out is INCOMPLETE.
  const mustSkipped = requirements.some(
    (r) =>
      r.level === 'MUST' &&
      systems.some((s) => {
        const cell = cells.get(`${r.profile}@${s}`);
        return cell && cell.run > 0 && [...cell.skipped.values()].some((ids) => ids.includes(r.id));
      }),
  );
  if (mustSkipped) lines.push('Profiles with a skipped MUST cannot be certified by this run (they end INCOMPLETE).');
  write(`${lines.join('\n')}\n`);
  return 0;
}
