export { formatFuzzReport, runFuzz, type FuzzOptions, type FuzzReport } from './run.ts';
export { quirks, partialOnFailure, type Quirk } from './quirks.ts';

/** The seed CI runs with; `f7t-conformance fuzz --fuzz-seed N` runs others. */
export const CI_FUZZ_SEED = 14;
export const CI_FUZZ_COUNT = 10_000;
