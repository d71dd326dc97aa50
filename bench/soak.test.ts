import { expect, test } from 'vitest';
import { formatLoadReport, rssGrowth, runLoad } from './soak.ts';

// Issue 14, item 5. Over loopback HTTP, in this process.
test('concurrent writers of every kind lose nothing: files, listings, job and task ids', async () => {
  const report = await runLoad({ workers: 12, iterations: 15, clean: false });
  console.log(formatLoadReport(report));
  expect(report.errors).toEqual([]);
  expect(report.iterations).toBe(12 * 15);
  expect(report.jobIds).toBe(12 * 3);
}, 60_000);

// A constant load of 40 rounds (about 300 requests) a second, which leaves the other tests of the
// run most of the machine; `npm run soak` keeps 100 rounds a second for ten minutes.
test('a one-minute soak at constant load: no error, RSS flat within 10 % after warm-up', async () => {
  const report = await runLoad({
    workers: 4,
    durationS: 60,
    clean: true,
    sampleEveryS: 5,
    jobEvery: 100,
    roundsPerSecond: 40,
  });
  console.log(`soak 60 s: ${formatLoadReport(report)}`);
  expect(report.errors).toEqual([]);
  // The load was there: at least half the paced rounds ran (the other tests of the run share the
  // machine; a site that stalled would fall far short).
  expect(report.iterations).toBeGreaterThan(40 * 60 * 0.5);
  expect(Math.abs(rssGrowth(report.rss))).toBeLessThanOrEqual(10);
}, 120_000);
