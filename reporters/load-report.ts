// The record of one `f7t-conformance load` run: load.json is this record, and the console summary
// and load.html are functions of it, so the three cannot disagree.

export interface OperationLoad {
  /** The OpenAPI operation, as the spec writes it: `GET /compute/{system_name}/jobs/{job_id}`. */
  readonly operation: string;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
  /** Every status the site answered, by code (`network` when no answer came). */
  readonly statuses: Readonly<Record<string, number>>;
  /** The answers the workflow did not expect, by status. */
  readonly errors: Readonly<Record<string, number>>;
  /** Answers that depart from the operation's schema in our spec. */
  readonly nonConforming: number;
}

export interface LoadError {
  readonly operation: string;
  readonly status: string;
  readonly count: number;
  /** The first such answer, redacted and cut short. */
  readonly example: string;
}

export interface LoadReport {
  readonly tool: 'f7t-conformance load';
  readonly startedAt: string;
  readonly target: {
    readonly kind: 'embedded' | 'site';
    /** The site profile's name, for a site. */
    readonly site?: string | undefined;
    readonly baseUrl: string;
    readonly system: string;
  };
  readonly settings: {
    readonly users: number;
    readonly durationS: number;
    readonly requests?: number | undefined;
    readonly rate?: number | undefined;
    readonly maxErrorRate: number;
    readonly pollIntervalS: number;
  };
  /** What the site profile allows, and what was lowered to fit it. */
  readonly limits?:
    | {
        readonly maxUsers: number;
        readonly maxRequestsPerSecond: number;
        readonly clamped: readonly string[];
      }
    | undefined;
  readonly elapsedS: number;
  readonly stoppedBy: 'duration' | 'requests' | 'interrupt';
  readonly totals: {
    readonly requests: number;
    readonly errors: number;
    readonly errorRate: number;
    /** Requests a second over the whole run (cleanup included). */
    readonly throughput: number;
    /** Workflow rounds every user finished (submit to rm). */
    readonly iterations: number;
    readonly cleanupRequests: number;
  };
  readonly operations: readonly OperationLoad[];
  readonly errors: readonly LoadError[];
  readonly exit: { readonly code: number; readonly reason: string };
}

/** The q-quantile (0..1) of ascending values, nearest rank; 0 when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

/** Milliseconds as reports print them: one decimal under 10 ms, whole above. */
export function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 2)} %`;
}
