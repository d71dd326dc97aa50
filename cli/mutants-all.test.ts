import { expect, test } from 'vitest';
import { formatMutantsReport, killRate, loadCatalogue, runMutants, type Mutant } from './mutants.ts';

// The suites graded by every mutant of the catalogue, as `npm run mutants` does it (in this
// process, so that the run is also measured for coverage): the clean site must pass every check
// (no false fail), at least 95 % of the mutants must be killed, and a fault that changes nothing
// must survive (no false kill). The summary is printed, so CI's log shows the kill rate and any
// survivor.

test('every mutant: the clean site passes, at least 95 % are killed, and a harmless fault is not', async () => {
  const catalogue = loadCatalogue();
  const harmless: Mutant = {
    id: 'harmless',
    description: 'removes a header no answer has',
    rule: 'V1-TASKS-001',
    profile: 'v1-tasks',
    faults: [{ path: '/v1/**', dropHeader: 'x-not-there' }],
  };
  const report = await runMutants({ mutants: [...catalogue, harmless], lanes: 2 });
  const graded = { ...report, outcomes: report.outcomes.filter((o) => o.id !== 'harmless') };
  console.log(formatMutantsReport(graded, 95));
  expect(report.cleanProblems).toEqual([]);
  expect(report.outcomes.find((o) => o.id === 'harmless')).toMatchObject({ killed: false, killers: [] });
  expect(graded.outcomes).toHaveLength(catalogue.length);
  expect(catalogue.length).toBeGreaterThanOrEqual(60);
  expect(killRate(graded.outcomes)).toBeGreaterThanOrEqual(95);
}, 600_000);
