// The fences of `npm run lint` are tested, since flat-config options replace rather than merge and a
// fence can stop applying without a sound: files with forbidden imports are written into the
// folders they break, in the repository (so the real eslint.config.js applies), and each must be
// reported; a two-file import cycle must fail the cycle check the lint script runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const folder = `__fence-fixture-${process.pid}`;

/** Fixture files by path from the repository root, each with the import it must not make. */
const violations: Record<string, string> = {
  [`simulator/engines/${folder}/hono.ts`]: "import { Hono } from 'hono';\nexport const app = new Hono();\n",
  [`simulator/engines/${folder}/hono-sub.ts`]: "export type { Context } from 'hono/tiny';\n",
  [`simulator/engines/${folder}/cli.ts`]: "export { main } from '../../../cli/main.ts';\n",
  [`simulator/engines/${folder}/suites.ts`]: "export type { Target } from '../../../suites/harness/target.ts';\n",
  [`simulator/engines/${folder}/api.ts`]: "export { createApp } from '../../api/app.ts';\n",
  [`simulator/engines/${folder}/http-error.ts`]: "export { SimError } from '../../errors.ts';\n",
  [`simulator/${folder}/reporters.ts`]: "export * from '../../reporters/index.ts';\n",
  [`suites/${folder}/internals.ts`]: "export { createFileSystem } from '../../simulator/engines/fs/index.ts';\n",
  [`suites/${folder}/factory.ts`]: "export { createSimulator } from '../../simulator/index.ts';\n",
  [`reporters/${folder}/suites.ts`]: "export * from '../../suites/harness/index.ts';\n",
  [`spec/${folder}/simulator.ts`]: "export { createSimulator } from '../../simulator/index.ts';\n",
  [`fixtures/${folder}/spec.ts`]: "export * from '../../spec/load.ts';\n",
  [`examples/${folder}/spec.ts`]: "export * from '../../spec/load.ts';\n",
};
/** Imports the fences allow, so a fence that forbids everything fails too. */
const allowed: Record<string, string> = {
  [`simulator/engines/${folder}/ok.ts`]: "export type { EngineFaults } from '../../../spec/faults.ts';\n",
  [`simulator/engines/${folder}/own-errors.ts`]: "export { FsError } from '../fs/errors.ts';\n",
  [`suites/${folder}/ok.ts`]: "export * from '../../spec/load.ts';\n",
};
const cycle: Record<string, string> = {
  [`tools/${folder}/a.ts`]: "import { b } from './b.ts';\nexport const a = (): number => b() + 1;\n",
  [`tools/${folder}/b.ts`]: "import { a } from './a.ts';\nexport const b = (): number => a() - 1;\n",
};
const dirs = ['simulator/engines', 'simulator', 'suites', 'reporters', 'spec', 'fixtures', 'examples', 'tools'];

// Only the fence rule runs, and without type information: it reads import specifiers, nothing more,
// and a type-aware program of the whole repository would take most of a minute.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});
const fenceErrors = (results: ESLint.LintResult[]) =>
  new Map(
    results.map((r) => [
      r.filePath.slice(root.length + 1),
      r.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.fatal),
    ]),
  );

beforeAll(() => {
  for (const [path, text] of Object.entries({ ...violations, ...allowed, ...cycle })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(join(root, dir, folder), { recursive: true, force: true });
});

describe('import fences', () => {
  test('every forbidden import is reported, in every folder', async () => {
    const errors = fenceErrors(await eslint.lintFiles(Object.keys(violations)));
    for (const path of Object.keys(violations)) {
      expect(
        errors.get(path)?.map((m) => m.ruleId),
        path,
      ).toEqual(['no-restricted-imports']);
    }
  });

  test('allowed imports are not reported', async () => {
    const errors = fenceErrors(await eslint.lintFiles(Object.keys(allowed)));
    for (const path of Object.keys(allowed)) expect(errors.get(path), path).toEqual([]);
  });

  test('the in-process target may import the simulator factory and nothing else of it', async () => {
    const lint = async (text: string) =>
      fenceErrors(await eslint.lintText(text, { filePath: join(root, 'suites/harness/embedded-target.ts') }));
    const factory = await lint("export { createSimulator } from '../../simulator/index.ts';\n");
    expect([...factory.values()].flat()).toEqual([]);
    const internal = await lint("export { createFileSystem } from '../../simulator/engines/fs/index.ts';\n");
    expect([...internal.values()].flat().map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
  });

  test('the lint script fails on an import cycle', () => {
    const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { lint: string } })
      .scripts.lint;
    const command = script.split('&&').find((part) => part.trim().startsWith('dpdm '));
    expect(command, 'npm run lint runs dpdm').toBeDefined();
    // The script's own flags, on the fixture folder instead of the whole repository.
    const args = (command ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map((arg) => (arg === "'**/*.ts'" ? `tools/${folder}/*.ts` : arg));
    const bin = createRequire(import.meta.url).resolve('dpdm/lib/bin/dpdm.js');
    const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`tools/${folder}/[ab]\\.ts -> tools/${folder}/[ab]\\.ts`));
  });
});
