// What a run records per check; the suites write it into each test's metadata and the reporters
// read it back. It lives here because both sides depend on spec/ only.

/** A request and its answer as the reports show them, with tokens and secrets redacted. */
export interface RecordedExchange {
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: Record<string, string>;
  readonly requestBody?: string;
  readonly status: number;
  readonly responseHeaders: Record<string, string>;
  readonly responseBody: string;
  readonly diagnostics: readonly string[];
  readonly durationMs: number;
  /** The operation of our spec the request went to (`v2 GET /status/systems`), when it went to one. */
  readonly operation?: string;
}

/**
 * `fail`: a MUST broken; `warn`: a SHOULD broken; `skip`: not applicable, with the evidence;
 * `error`: the harness or the infrastructure failed (never counted against the site);
 * `deviation`: a failure the site declared (with a reason) in its deviations file.
 */
export const outcomes = ['pass', 'fail', 'warn', 'skip', 'error', 'deviation'] as const;
export type Outcome = (typeof outcomes)[number];

declare module '@vitest/runner' {
  interface TaskMeta {
    requirement?: string;
    /** `error` when the harness or the infrastructure failed rather than the site. */
    outcome?: 'error';
    exchanges?: RecordedExchange[];
    /** Every operation of our spec the check sent a request to (coverage is measured from these). */
    operations?: string[];
    /** Time the API took to answer this check's requests, waits aside (ms). */
    apiMs?: number;
    /** Time this check waited for jobs or tasks to reach a state (ms). */
    waitMs?: number;
  }
}
