import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createVitest, type TestModule } from 'vitest/node';
import { createKeptThreads } from './kept-threads.ts';

// A kept thread serves run after run: one thread for all of them, the modules it loaded still
// loaded, and each run given its own provided values and its own outcome.

const dir = mkdtempSync(join(tmpdir(), 'kept-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'counter.ts'), 'export const loads = { count: 0 };\nloads.count++;\n');
writeFileSync(
  join(dir, 'probe.test.ts'),
  [
    "import { expect, inject, test } from 'vitest';",
    "import { loads } from './counter.ts';",
    "test('probe', () => {",
    '  (globalThis as { runs?: number }).runs = ((globalThis as { runs?: number }).runs ?? 0) + 1;',
    "  expect(inject('wanted' as never)).toBe('pass');",
    '  expect(loads.count).toBe(1);',
    '});',
    "test('runs', () => expect((globalThis as { runs?: number }).runs).toBeGreaterThan(0));",
  ].join('\n'),
);

test('runs share one thread and its modules, and each run gets its own provided values', async () => {
  const threads = createKeptThreads();
  const outcomes: string[][] = [];
  const vitest = await createVitest(
    'test',
    {
      root: dir,
      config: false,
      include: ['probe.test.ts'],
      watch: false,
      pool: threads,
      isolate: false,
      reporters: [
        {
          onTestRunEnd(modules: ReadonlyArray<TestModule>) {
            outcomes.push(modules.flatMap((m) => [...m.children.allTests()].map((t) => t.result().state)));
          },
        },
      ],
    },
    {},
  );
  try {
    const specs = await vitest.globTestSpecifications();
    for (const wanted of ['pass', 'fail', 'pass']) {
      vitest.getRootProject().provide('wanted' as never, wanted as never);
      await vitest.runTestSpecifications(specs);
    }
  } finally {
    await vitest.close();
    await threads.close();
  }
  expect(outcomes).toEqual([
    ['passed', 'passed'],
    ['failed', 'passed'],
    ['passed', 'passed'],
  ]);
  expect(threads.started()).toBe(1);
}, 60_000);
