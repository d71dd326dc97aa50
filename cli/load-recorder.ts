import { quantile, type LoadError, type OperationLoad } from '../reporters/load-report.ts';

// What the simulated users saw, by operation: every latency (a run of an hour at a few hundred
// requests a second is a few million numbers, which an array holds), statuses and errors.

interface OperationTally {
  readonly durations: number[];
  readonly statuses: Map<string, number>;
  readonly errors: Map<string, number>;
  nonConforming: number;
}

export interface Sample {
  readonly operation: string;
  readonly ms: number;
  /** The HTTP status, `network` when no answer came, or what the workflow found wrong (`job FAILED`). */
  readonly status: string;
  readonly ok: boolean;
  /** Evidence of a failure (already redacted by the caller). */
  readonly example?: string | undefined;
  readonly nonConforming?: boolean;
  readonly cleanup?: boolean;
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const round = (ms: number) => Math.round(ms * 10) / 10;

export function createRecorder() {
  const tallies = new Map<string, OperationTally>();
  const examples = new Map<string, string>();
  let requests = 0;
  let errors = 0;
  let cleanupRequests = 0;
  return {
    record(sample: Sample): void {
      let tally = tallies.get(sample.operation);
      if (!tally) {
        tally = { durations: [], statuses: new Map(), errors: new Map(), nonConforming: 0 };
        tallies.set(sample.operation, tally);
      }
      // A finding about an answer already counted (a job that ended FAILED) is an error, not a request.
      const isRequest = !sample.status.startsWith('job ') && sample.status !== 'content';
      if (isRequest) {
        requests += 1;
        if (sample.cleanup) cleanupRequests += 1;
        tally.durations.push(sample.ms);
        bump(tally.statuses, sample.status);
      }
      if (sample.nonConforming) tally.nonConforming += 1;
      if (sample.ok) return;
      errors += 1;
      bump(tally.errors, sample.status);
      const key = `${sample.operation}\n${sample.status}`;
      if (!examples.has(key)) examples.set(key, sample.example ?? '');
    },
    get requests() {
      return requests;
    },
    summary() {
      const operations: OperationLoad[] = [...tallies.entries()].map(([operation, t]) => {
        const sorted = [...t.durations].sort((a, b) => a - b);
        const total = sorted.reduce((sum, ms) => sum + ms, 0);
        return {
          operation,
          count: sorted.length,
          p50Ms: round(quantile(sorted, 0.5)),
          p99Ms: round(quantile(sorted, 0.99)),
          meanMs: round(sorted.length ? total / sorted.length : 0),
          maxMs: round(sorted.at(-1) ?? 0),
          statuses: Object.fromEntries(t.statuses),
          errors: Object.fromEntries(t.errors),
          nonConforming: t.nonConforming,
        };
      });
      const errorList: LoadError[] = operations.flatMap((o) =>
        Object.entries(o.errors).map(([status, count]) => ({
          operation: o.operation,
          status,
          count,
          example: examples.get(`${o.operation}\n${status}`) ?? '',
        })),
      );
      return { operations, errors: errorList, requests, errorCount: errors, cleanupRequests };
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;
