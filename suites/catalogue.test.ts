import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { createVitest } from 'vitest/node';
import { requirementIdOf, requirements } from '../spec/requirements.ts';

// The catalogue is the registry of checks: one record per requirement, and one check per record.
// Every consumer (the progress count, plan, the verdict, the reports) reads the catalogue; this
// test holds the suites to it, as vitest itself collects them (no reading of source text).

const root = fileURLToPath(new URL('..', import.meta.url));

async function collectedChecks(): Promise<{ id: string | undefined; name: string; file: string }[]> {
  const vitest = await createVitest(
    'test',
    {
      root,
      config: false,
      include: ['suites/**/*.spec.ts'],
      watch: false,
      reporters: [],
      provide: { target: { kind: 'embedded' } },
    },
    {},
  );
  try {
    const { testModules, unhandledErrors } = await vitest.collect();
    expect(unhandledErrors).toEqual([]);
    return testModules.flatMap((m) =>
      [...m.children.allTests()].map((t) => ({ id: requirementIdOf(t.name), name: t.name, file: m.moduleId })),
    );
  } finally {
    await vitest.close();
  }
}

test('every check names a requirement, and every requirement has exactly one check', async () => {
  const checks = await collectedChecks();
  const known = new Set(requirements.map((r) => r.id));
  expect(checks.filter((c) => !c.id || !known.has(c.id)).map((c) => c.name)).toEqual([]);
  const counts = new Map<string, number>();
  for (const c of checks) if (c.id) counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
  expect(requirements.filter((r) => counts.get(r.id) !== 1).map((r) => `${r.id}: ${counts.get(r.id) ?? 0}`)).toEqual(
    [],
  );
}, 60_000);

test('requirement ids are unique and well formed', () => {
  const ids = requirements.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^V\d-[A-Z0-9-]+-\d{3}$/);
});
