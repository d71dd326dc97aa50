import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { requirements } from '../spec/requirements.ts';

const suitesDir = fileURLToPath(new URL('.', import.meta.url));

function checksInSuites(): { id: string; file: string }[] {
  const files = readdirSync(suitesDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.spec.ts'));
  return files.flatMap((file) =>
    [...readFileSync(join(suitesDir, file), 'utf8').matchAll(/\bcheck\(\s*'([^']+)'/g)].map((m) => ({
      id: m[1] ?? '',
      file,
    })),
  );
}

test('every check names a requirement of the catalogue', () => {
  const known = new Set(requirements.map((r) => r.id));
  const unknown = checksInSuites().filter((c) => !known.has(c.id));
  expect(unknown).toEqual([]);
});

test('every MUST requirement has at least one check', () => {
  const checked = new Set(checksInSuites().map((c) => c.id));
  const unchecked = requirements.filter((r) => r.level === 'MUST' && !checked.has(r.id)).map((r) => r.id);
  expect(unchecked).toEqual([]);
});

test('requirement ids are unique and well formed', () => {
  const ids = requirements.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^V\d-[A-Z0-9-]+-\d{3}$/);
});
