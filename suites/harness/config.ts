import type { Fault } from '../../spec/faults.ts';

export type { RecordedExchange } from '../../spec/results.ts';

// What a run is pointed at. Serialisable: the CLI hands it to every test worker.

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Job settings a site requires of every job (from its site profile). */
export interface JobDefaults {
  readonly account?: string | undefined;
  readonly partition?: string | undefined;
  readonly reservation?: string | undefined;
  /** Slurm time string, e.g. `00:10:00`. */
  readonly timeLimit?: string | undefined;
}

/** How one run goes, whatever it is pointed at. */
export interface RunSettings {
  /** Everything the run makes is under `f7t-conformance-<runId>`; a random id when absent. */
  readonly runId?: string | undefined;
  /** A file the test workers append what they create to, one JSON line each, for the cleanup. */
  readonly ledger?: string | undefined;
  /** Run only the checks that change nothing on the site. */
  readonly readOnly?: boolean | undefined;
  readonly jobDefaults?: JobDefaults | undefined;
  /** Where run directories go instead of the user's home; `{username}` is replaced. */
  readonly scratch?: string | undefined;
  /** `none`: the site offers no staged (S3) transfers, so transfer checks are not applicable. */
  readonly transfer?: 's3' | 'none' | undefined;
  /** The most a single check may upload, in MiB (default 64). */
  readonly uploadBudgetMiB?: number | undefined;
  /** Partitions the site profile says the system has: the partitions check expects them listed. */
  readonly partitions?: readonly string[] | undefined;
  /** Requirement ids the site profile declares skipped, with the reason. */
  readonly skips?: Readonly<Record<string, string>> | undefined;
  /** Opt-in profiles the run checks as well (a simulator target checks them all). */
  readonly optIn?: readonly string[] | undefined;
}

export interface EmbeddedTargetConfig {
  readonly kind: 'embedded';
  readonly run?: RunSettings | undefined;
  /** The system to check; the site's first when absent. */
  readonly system?: string | undefined;
  readonly seed?: number;
  /** Faults the embedded simulator starts with: to prove that checks fail against a broken site. */
  readonly faults?: readonly Fault[];
}

export interface RemoteTargetConfig {
  readonly kind: 'remote';
  readonly run?: RunSettings | undefined;
  /** The v2 base URL, e.g. https://api.example.org/v2 or http://127.0.0.1:8000/v2. */
  readonly baseUrl: string;
  /** The v1 base URL (the gateway), when the site also runs FirecREST v1. */
  readonly v1BaseUrl?: string | undefined;
  readonly tokenUrl: string;
  readonly primary: ClientCredentials;
  readonly second?: ClientCredentials | undefined;
  readonly system?: string | undefined;
  /** The simulator's control plane, when the target is one: waits advance its clock. */
  readonly controlUrl?: string | undefined;
  /** Longest wait for a job to reach a state, in seconds. */
  readonly jobBudgetS?: number | undefined;
  /** A token the site's issuer signed that has expired since (a live site cannot mint one on request). */
  readonly expiredToken?: string | undefined;
  /**
   * A token of the site's issuer obtained when the run began: without an expired token, the
   * expired-token check waits for this one to expire when that fits in the job budget.
   */
  readonly agingToken?: string | undefined;
}

export type TargetConfig = EmbeddedTargetConfig | RemoteTargetConfig;

declare module 'vitest' {
  export interface ProvidedContext {
    target: TargetConfig;
  }
}
