import { parseArgs } from 'node:util';
import { CI_FUZZ_COUNT, CI_FUZZ_SEED, formatFuzzReport, runFuzz } from '../simulator/fuzz/index.ts';

/**
 * `f7t-conformance fuzz [--fuzz-seed N] [--count N]`: hostile requests generated from both OpenAPI
 * documents against an in-process simulator. Exit 0 when every property held, 1 with the shrunk
 * counterexample otherwise, 2 for bad arguments.
 */
export async function fuzzCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'fuzz-seed': { type: 'string' }, count: { type: 'string' } },
  });
  const seed = Number(values['fuzz-seed'] ?? CI_FUZZ_SEED);
  const count = Number(values.count ?? CI_FUZZ_COUNT);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(count) || count < 1 || count > 10_000_000) {
    process.stderr.write('f7t-conformance: fuzz takes --fuzz-seed INTEGER and --count 1..10000000\n');
    return 2;
  }
  const started = performance.now();
  const report = await runFuzz({ seed, count });
  process.stdout.write(`${formatFuzzReport(report)}\n  ${Math.round(performance.now() - started)} ms\n`);
  return report.failure === undefined ? 0 : 1;
}
