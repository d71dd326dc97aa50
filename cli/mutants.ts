import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createVitest, type Reporter, type TestModule, type Vitest } from 'vitest/node';
import { mutantRecords, type MutantRecord } from '../fixtures/mutants.ts';
import type { Fault } from '../spec/faults.ts';
import { ResultCollector } from '../reporters/collect.ts';
import type { CheckRecord } from '../reporters/report.ts';
import { findRequirement, requirementIdOf, type Profile } from '../spec/requirements.ts';
import { compileFault } from '../simulator/faults.ts';
import type { TargetConfig } from '../suites/harness/config.ts';
import { createKeptThreads, type KeptThreads } from './kept-threads.ts';

// The suites graded by mutants: the clean embedded site must pass, and each mutant (a realistic
// bug, injected as faults) must make at least one check of its profile fail.

export interface Mutant {
  readonly id: string;
  readonly description: string;
  readonly rule: string;
  readonly profile: Profile;
  readonly faults: readonly Fault[];
}

/** A catalogue record checked: its rule exists and is of its profile, and its faults compile. */
export function loadMutant(record: MutantRecord): Mutant {
  const requirement = findRequirement(record.rule);
  if (!requirement) throw new TypeError(`mutant ${record.id}: no requirement ${record.rule}`);
  if (requirement.profile !== record.profile)
    throw new TypeError(
      `mutant ${record.id}: ${record.rule} is of profile ${requirement.profile}, not ${record.profile}`,
    );
  if (record.faults.length === 0) throw new TypeError(`mutant ${record.id}: no fault`);
  const faults = record.faults as readonly Fault[];
  for (const fault of faults) {
    try {
      compileFault(fault, 0);
    } catch (error) {
      throw new TypeError(`mutant ${record.id}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { ...record, profile: requirement.profile, faults };
}

/** The whole catalogue, checked. */
export const loadCatalogue = (): Mutant[] => mutantRecords.map(loadMutant);

/** A check's outcome in one run, as the reports record it. */
type Check = Pick<CheckRecord, 'requirement' | 'title' | 'file' | 'outcome' | 'profile'> & { reason?: string };

/** A check of the clean run: where it is, and the requests it made (method and path). */
export interface CleanCheck {
  readonly name: string;
  readonly testId: string;
  readonly moduleId: string;
  readonly profile: Profile | undefined;
  readonly requests: readonly { readonly method: string; readonly path: string }[];
}

export interface MutantOutcome {
  readonly id: string;
  readonly rule: string;
  readonly profile: Profile;
  readonly description: string;
  readonly killed: boolean;
  /** The checks that caught it: `REQUIREMENT title (outcome)`. */
  readonly killers: readonly string[];
  /** How many checks ran against it. */
  readonly checks: number;
  readonly durationMs: number;
}

export interface MutantsReport {
  /** Checks of the clean run that did not pass (must be none). */
  readonly cleanProblems: readonly string[];
  readonly cleanChecks: number;
  readonly outcomes: readonly MutantOutcome[];
  readonly wallMs: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** A check that did not pass: a failure, an error or a SHOULD's warning. */
const broke = (c: Check) => c.outcome === 'fail' || c.outcome === 'error' || c.outcome === 'warn';
const label = (c: Check) => `${c.requirement} ${c.title} (${c.outcome})`;
const nameOf = (c: Check) => `${c.requirement} ${c.title}`;

/** Requests of a check: its spec operations (`v2 GET /status/{system_name}/nodes`) as paths, and the URLs it kept. */
function requestsOf(meta: { operations?: readonly string[]; exchanges?: readonly { method: string; url: string }[] }) {
  const requests: { method: string; path: string }[] = [];
  for (const op of meta.operations ?? []) {
    const [generation, method, template] = op.split(' ');
    if (generation && method && template)
      requests.push({ method, path: `/${generation}${template.replace(/\{[^}]+\}/g, 'x')}` });
  }
  for (const e of meta.exchanges ?? []) {
    try {
      requests.push({ method: e.method, path: new URL(e.url).pathname });
    } catch {
      // not a URL: nothing to match
    }
  }
  return requests;
}

/** Records where each check is and what it asked, for choosing the checks a mutant can affect. */
class CheckMap implements Reporter {
  checks: CleanCheck[] = [];
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    this.checks = [];
    for (const module of modules)
      for (const test of module.children.allTests()) {
        const requirement = requirementIdOf(test.name);
        this.checks.push({
          name: test.name,
          testId: test.id,
          moduleId: module.moduleId,
          profile: requirement ? findRequirement(requirement)?.profile : undefined,
          requests: requestsOf(test.meta()),
        });
      }
  }
}

/**
 * The checks a mutant can affect: of its profile, those that sent a request one of its faults
 * matches. An engine fault, or a fault no check's request matches (the token endpoint, the
 * object store), can affect every check of the profile.
 */
export function affectedChecks(mutant: Mutant, clean: readonly CleanCheck[]): CleanCheck[] {
  const mine = clean.filter((c) => c.profile === mutant.profile);
  if (mutant.faults.some((f) => f.engine !== undefined)) return mine;
  const compiled = mutant.faults.map((f, i) => compileFault(f, i));
  const hit = mine.filter((c) =>
    c.requests.some((r) =>
      compiled.some((f) => f.matcher?.test(r.path) && (!f.method || f.method.toUpperCase() === r.method.toUpperCase())),
    ),
  );
  return hit.length > 0 ? hit : mine;
}

/** The spec files that hold a profile's checks, as the clean run found them. */
export function filesFor(profile: Profile, clean: readonly CleanCheck[]): string[] {
  return [...new Set(clean.filter((c) => c.profile === profile).map((c) => c.moduleId))].sort();
}

/**
 * Whether the checks caught a mutant: one of those that ran failed, errored or warned, or one
 * that passed on the clean site did not pass now (a skip leaves the profile uncertified).
 */
export function classify(clean: readonly Check[], mutated: readonly Check[], chosen: ReadonlySet<string>) {
  const killers = mutated.filter((c) => chosen.has(nameOf(c)) && broke(c)).map(label);
  const now = new Map(mutated.map((c) => [nameOf(c), c]));
  for (const c of clean) {
    const name = nameOf(c);
    const after = now.get(name);
    if (chosen.has(name) && c.outcome === 'pass' && after?.outcome !== 'pass' && !(after && broke(after)))
      killers.push(`${name} (${after?.outcome ?? 'not run'})`);
  }
  return { killed: killers.length > 0, killers };
}

interface Lane {
  readonly vitest: Vitest;
  readonly collector: ResultCollector;
  readonly map: CheckMap;
  readonly threads: KeptThreads;
}

async function createLane(): Promise<Lane> {
  const collector = new ResultCollector({ root, system: '' });
  const map = new CheckMap();
  const threads = createKeptThreads();
  const vitest = await createVitest(
    'test',
    {
      root,
      config: false,
      include: ['suites/**/*.spec.ts'],
      watch: false,
      provide: { target: { kind: 'embedded' } },
      reporters: [collector, map],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      // Threads kept between runs keep their modules: a mutant costs its checks, not a start-up.
      pool: threads,
      isolate: false,
    },
    {},
  );
  return { vitest, collector, map, threads };
}

async function runChecks(lane: Lane, checks: readonly CleanCheck[] | undefined, faults: Mutant['faults']) {
  const target: TargetConfig = { kind: 'embedded', faults: [...faults] };
  const project = lane.vitest.getRootProject();
  project.provide('target', target);
  const specs = checks
    ? [...new Set(checks.map((c) => c.moduleId))].map((moduleId) =>
        project.createSpecification(moduleId, {
          testIds: checks.filter((c) => c.moduleId === moduleId).map((c) => c.testId),
        }),
      )
    : await lane.vitest.globTestSpecifications();
  lane.collector.results = [];
  await lane.vitest.runTestSpecifications(specs);
  return lane.collector.results;
}

export interface MutantsOptions {
  readonly mutants?: readonly Mutant[];
  /** Mutants run side by side, each lane in its own Vitest (default 2, for two cores). */
  readonly lanes?: number;
  /** Progress, one line a mutant. */
  readonly progress?: (line: string) => void;
}

/**
 * Runs the suites once clean, then once per mutant on the checks it can affect; a mutant those
 * checks miss runs again against every check of its profile before it counts as a survivor.
 */
export async function runMutants(options: MutantsOptions = {}): Promise<MutantsReport> {
  const started = Date.now();
  const chosen = options.mutants ?? loadCatalogue();
  const queue = [...chosen];
  const lanes: Lane[] = [];
  try {
    const first = await createLane();
    lanes.push(first);
    const more = Array.from({ length: Math.max(0, (options.lanes ?? 2) - 1) }, () => createLane());
    const clean = await runChecks(first, undefined, []);
    const cleanMap = first.map.checks;
    lanes.push(...(await Promise.all(more)));
    const cleanProblems = [...clean.filter(broke).map(label), ...first.collector.runErrors];
    const outcomes: MutantOutcome[] = [];
    const work = async (lane: Lane) => {
      for (let mutant = queue.shift(); mutant; mutant = queue.shift()) {
        const at = Date.now();
        let chosen = affectedChecks(mutant, cleanMap);
        let verdict = classify(clean, await runChecks(lane, chosen, mutant.faults), new Set(chosen.map((c) => c.name)));
        const whole = cleanMap.filter((c) => c.profile === mutant.profile);
        if (!verdict.killed && chosen.length < whole.length) {
          chosen = whole;
          verdict = classify(clean, await runChecks(lane, chosen, mutant.faults), new Set(chosen.map((c) => c.name)));
        }
        const { id, rule, profile, description } = mutant;
        const durationMs = Date.now() - at;
        outcomes.push({ id, rule, profile, description, ...verdict, checks: chosen.length, durationMs });
        options.progress?.(
          `${verdict.killed ? 'killed  ' : 'SURVIVED'} ${id} (${chosen.length} checks, ${durationMs} ms)`,
        );
      }
    };
    if (cleanProblems.length === 0) await Promise.all(lanes.map(work));
    const order = new Map(chosen.map((m, i) => [m.id, i]));
    outcomes.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return { cleanProblems, cleanChecks: clean.length, outcomes, wallMs: Date.now() - started };
  } finally {
    await Promise.all(lanes.map(async (l) => (await l.vitest.close(), await l.threads.close())));
  }
}

/** The kill rate in percent, to one decimal. */
export const killRate = (outcomes: readonly MutantOutcome[]) =>
  outcomes.length === 0 ? 0 : Math.round((outcomes.filter((o) => o.killed).length / outcomes.length) * 1000) / 10;

export function formatMutantsReport(report: MutantsReport, threshold: number): string {
  const lines: string[] = [];
  if (report.cleanProblems.length > 0) {
    lines.push(`the clean site does not pass (${report.cleanProblems.length} check(s)): no mutant was run`);
    for (const p of report.cleanProblems) lines.push(`  ${p}`);
    return lines.join('\n');
  }
  const survivors = report.outcomes.filter((o) => !o.killed);
  const profiles = [...new Set(report.outcomes.map((o) => o.profile))];
  lines.push(`clean run: ${report.cleanChecks} checks, all passed`);
  lines.push('per profile:');
  for (const p of profiles) {
    const here = report.outcomes.filter((o) => o.profile === p);
    lines.push(`  ${p}: ${here.filter((o) => o.killed).length}/${here.length} killed`);
  }
  if (survivors.length > 0) {
    lines.push('survivors (gaps in the suites):');
    for (const s of survivors) lines.push(`  ${s.id} breaks ${s.rule} [${s.profile}]: ${s.description}`);
  }
  const rate = killRate(report.outcomes);
  const killed = report.outcomes.length - survivors.length;
  lines.push(
    `mutants: ${killed}/${report.outcomes.length} killed (${rate} %, threshold ${threshold} %) in ${(report.wallMs / 1000).toFixed(1)} s: ${rate >= threshold ? 'PASS' : 'FAIL'}`,
  );
  return lines.join('\n');
}

/**
 * `f7t-conformance mutants [--only ID,...] [--threshold 95] [--json FILE] [--verbose]`. Exit: 0
 * when the clean site passes and the kill rate reaches the threshold, 1 when it does not, 2 when
 * the clean site fails (the suites are broken, not graded).
 */
export async function mutantsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      only: { type: 'string' },
      threshold: { type: 'string', default: '95' },
      json: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      lanes: { type: 'string', default: '2' },
    },
  });
  const threshold = Number(values.threshold);
  const refuse = (problem: string) => {
    process.stderr.write(`f7t-conformance mutants: ${problem}\n`);
    return 2;
  };
  if (!(threshold >= 0 && threshold <= 100)) return refuse('--threshold takes a percentage');
  const wanted = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const catalogue = loadCatalogue();
  const unknown = wanted?.filter((id) => !catalogue.some((m) => m.id === id)) ?? [];
  if (unknown.length > 0) return refuse(`--only: no mutant ${unknown.join(', ')}`);
  const chosen = wanted ? catalogue.filter((m) => wanted.includes(m.id)) : catalogue;
  process.stderr.write(`running the suites clean, then against ${chosen.length} mutant(s)...\n`);
  const report = await runMutants({
    mutants: chosen,
    lanes: Math.max(1, Number(values.lanes) || 1),
    progress: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  if (values.verbose)
    for (const o of report.outcomes.filter((o) => o.killed))
      process.stdout.write(`${o.id}: killed by ${o.killers.slice(0, 3).join('; ')}\n`);
  process.stdout.write(`${formatMutantsReport(report, threshold)}\n`);
  if (report.cleanProblems.length > 0) return 2;
  return killRate(report.outcomes) >= threshold ? 0 : 1;
}
