import type { CheckRecord, CoverageRow } from './report.ts';

// Coverage of the API, measured from the requests a run's checks actually sent (the harness
// records each request's operation), never from what the catalogue declares.

/** One row per operation of our specs (`v1 GET /status/systems`, ...), in the order given. */
export function computeCoverage(operations: readonly string[], results: readonly CheckRecord[]): CoverageRow[] {
  return operations.map((operation) => {
    const sent = results.filter((r) => r.operations?.includes(operation));
    const outcomes: Partial<Record<CheckRecord['outcome'], number>> = {};
    for (const r of sent) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    return { operation, requirements: [...new Set(sent.map((r) => r.requirement))].sort(), outcomes };
  });
}

/** `v1: 51 of 51, v2: 35 of 35` */
export function coverageLine(rows: readonly CoverageRow[]): string {
  const generations = [...new Set(rows.map((r) => r.operation.split(' ')[0] ?? ''))];
  return generations
    .map((g) => {
      const mine = rows.filter((r) => r.operation.startsWith(`${g} `));
      return `${g}: ${mine.filter((r) => r.requirements.length > 0).length} of ${mine.length}`;
    })
    .join(', ');
}
