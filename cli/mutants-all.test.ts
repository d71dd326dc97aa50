import { expect, test } from 'vitest';
import { runCli } from './run-cli.ts';

// The suites graded by every mutant of the catalogue, as `npm run mutants` does it: the clean site
// must pass every check (no false fail) and at least 95 % of the mutants must be killed. The
// summary is printed, so CI's log shows the kill rate and any survivor.

test('npm run mutants: the clean site passes and at least 95 % of the mutants are killed', async () => {
  const result = await runCli(['mutants', '--threshold', '95'], { timeoutMs: 600_000 });
  console.log(result.stdout.trim());
  expect(result.stdout).toMatch(/clean run: \d+ checks, all passed/);
  const [, killed = '0', total = '0'] = /mutants: (\d+)\/(\d+) killed/.exec(result.stdout) ?? [];
  expect(Number(total)).toBeGreaterThanOrEqual(60);
  expect(Number(killed) / Number(total)).toBeGreaterThanOrEqual(0.95);
  expect(result.code, result.stderr).toBe(0);
}, 660_000);
