import type { Level, Profile } from '../spec/requirements.ts';
import type { Outcome, RecordedExchange } from '../spec/results.ts';

// The whole record of a run, as results.json holds it and the HTML report shows it.

/** One check's outcome on one system. */
export interface CheckRecord {
  readonly requirement: string;
  readonly level: Level | undefined;
  readonly profile: Profile | undefined;
  /** The system the check ran on. */
  readonly system: string;
  readonly title: string;
  readonly file: string;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** Time the API took to answer the check's requests, waits aside. */
  readonly apiMs?: number;
  /** Time spent waiting for jobs and tasks to reach a state (queue wait), apart from API latency. */
  readonly waitMs?: number;
  /** Why it failed, warned, errored, deviated or was skipped (for a skip: the evidence). */
  readonly reason?: string;
  /** Requests and answers of the check, redacted: all of a check that did not pass, the last few otherwise. */
  readonly exchanges?: readonly RecordedExchange[];
  /** The operations of our spec the check sent requests to. */
  readonly operations?: readonly string[];
}

/** The verdict on a whole run. */
export type RunVerdictKind = 'PASS' | 'FAIL' | 'INCOMPLETE';
/** A profile's verdict; OUT-OF-SCOPE: the run's configuration left it out, so it is not certified. */
export type ProfileVerdictKind = RunVerdictKind | 'OUT-OF-SCOPE';

/** A profile on a system: certified (PASS) only when every MUST in it ran and passed. */
export interface ProfileVerdictRecord {
  readonly profile: Profile;
  readonly system: string;
  readonly verdict: ProfileVerdictKind;
  /** Why the profile is out of the run's scope (only with OUT-OF-SCOPE). */
  readonly outOfScope?: string;
  readonly mustTotal: number;
  readonly mustPassed: number;
  readonly mustFailed: readonly string[];
  readonly mustNotRun: readonly string[];
  /** SHOULDs of the profile that ran on this system, and how many of them passed. */
  readonly shouldRan: number;
  readonly shouldPassed: number;
  readonly shouldWarnings: readonly string[];
  readonly deviations: readonly string[];
}

/** One operation of our spec, and what the run's checks did with it. */
export interface CoverageRow {
  /** `v2 GET /status/{system_name}/nodes` */
  readonly operation: string;
  /** Requirements whose checks sent a request to it, in this run. */
  readonly requirements: readonly string[];
  /** Outcomes of those checks. */
  readonly outcomes: Readonly<Partial<Record<Outcome, number>>>;
}

/** Something the run created that is still on the site after cleanup. */
export interface Leftover {
  readonly kind: 'file' | 'job' | 'object' | 'task';
  readonly what: string;
  readonly system?: string;
  readonly note?: string;
}

export interface CleanupRecord {
  /** What the cleanup removed or cancelled, one line each. */
  readonly done: readonly string[];
  /** What the leftover scan found afterwards. */
  readonly leftovers: readonly Leftover[];
}

export interface RunReport {
  readonly tool: 'f7t-conformance';
  readonly version: string;
  readonly generatedAt: string;
  readonly runId: string;
  /** The site profile's name, when the run had one. */
  readonly site: string | null;
  /** What the run was pointed at, without secrets. */
  readonly target: Record<string, unknown>;
  readonly readOnly: boolean;
  readonly systems: readonly string[];
  readonly verdict: RunVerdictKind;
  /** The process's exit code and why (see the README's exit codes). */
  readonly exit: { readonly code: number; readonly reason: string };
  /** A certification run: an INCOMPLETE profile in scope exits 3. */
  readonly certify: boolean;
  /** The `--filter` the run had, when it had one. */
  readonly filter: string | null;
  readonly profiles: readonly ProfileVerdictRecord[];
  readonly counts: Readonly<Record<Outcome, number>>;
  /** Problems of the run itself that fail it (stale or expired deviation entries). */
  readonly problems: readonly string[];
  /** Errors outside any check (a suite file that failed to load, an unhandled rejection). */
  readonly runErrors: readonly string[];
  /** How many MUST checks ran (passed, failed or deviated). */
  readonly mustRan: number;
  /** Every operation of our two specs, and the checks that sent a request to it. */
  readonly coverage: readonly CoverageRow[];
  readonly timing: {
    readonly startedAt: string;
    readonly durationMs: number;
    /** Sum of the time the API took to answer. */
    readonly apiMs: number;
    /** Sum of the time spent waiting for jobs and tasks. */
    readonly waitMs: number;
    /** Wall time vitest took to start (configuration, plugins), over all systems. */
    readonly startupMs: number;
    /** Wall time of the suites' runs (modules, each file's set-up, the checks), over all systems. */
    readonly suitesMs: number;
    /** Summed over the suite files: preparing, importing and collecting each (files run side by side). */
    readonly preparationMs: number;
  };
  readonly cleanup: CleanupRecord | null;
  readonly results: readonly CheckRecord[];
}
