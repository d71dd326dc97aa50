// npm run bench [name...]: every benchmark (or the named ones), one after the other in one process.
// Each prints its figures with their goals as it ends; all of them go to reports/bench.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchFilesystem } from './filesystem.ts';
import { formatFigure, meetsGoal, type Figure } from './figures.ts';
import { benchHttp } from './http.ts';
import { benchJobs } from './jobs.ts';
import { benchLimits } from './limits.ts';
import { benchStaging } from './staging.ts';

const benches: Record<string, () => Promise<Figure[] | void>> = {
  http: benchHttp,
  filesystem: benchFilesystem,
  staging: benchStaging,
  limits: benchLimits,
  jobs: benchJobs,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const figures: Figure[] = [];
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`== ${name}`);
  const measured = (await bench()) ?? [];
  for (const figure of measured) console.log(formatFigure(figure));
  figures.push(...measured);
  console.log('');
}
const below = figures.filter((f) => meetsGoal(f) === false);
const goals = figures.filter((f) => meetsGoal(f) !== undefined);
console.log(
  below.length === 0
    ? `all ${goals.length} goals ok`
    : `${below.length} of ${goals.length} goals BELOW GOAL: ${below.map((f) => f.id).join(', ')}`,
);
if (below.length > 0) console.log('where the time goes, and why: README.md, "Benchmarks", "Where the time goes"');
mkdirSync('reports', { recursive: true });
writeFileSync(
  'reports/bench.json',
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      figures: figures.map((f) => ({ ...f, ok: meetsGoal(f) })),
    },
    null,
    2,
  )}\n`,
);
console.log('figures written to reports/bench.json');
process.exit(0);
