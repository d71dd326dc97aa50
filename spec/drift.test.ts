import { expect, test } from 'vitest';
import { compareDocuments, dereferenceDocument } from './drift.ts';
import { loadSpec } from './load.ts';

type Doc = Parameters<typeof compareDocuments>[0];

test('our own document has no drift from itself', async () => {
  const ours = (await loadSpec('v2')).document;
  expect(compareDocuments(ours, await dereferenceDocument(ours))).toEqual([]);
});

test('a missing operation, a missing field and a changed type are each found', async () => {
  const ours = (await loadSpec('v2')).document;
  const theirs = structuredClone(ours) as Doc & { paths: Record<string, Record<string, unknown>> };
  // Parameter names and a trailing slash do not count: a site may name them its own way.
  const jobs = theirs.paths['/compute/{system_name}/jobs/{job_id}'];
  delete theirs.paths['/compute/{system_name}/jobs/{job_id}'];
  theirs.paths['/compute/{system}/jobs/{id}/'] = jobs ?? {};
  delete theirs.paths['/compute/{system_name}/jobs/{job_id}/metadata'];
  const systems = JSON.parse(
    JSON.stringify(theirs.paths['/status/systems']).replace('"scheduler":{', '"sched":{'),
  ) as Record<string, unknown>;
  theirs.paths['/status/systems'] = systems;
  const findings = compareDocuments(ours, theirs);
  expect(findings).toContainEqual(
    expect.objectContaining({
      kind: 'operation-missing',
      operation: 'GET /compute/{system_name}/jobs/{job_id}/metadata',
    }),
  );
  expect(findings.some((f) => f.operation === 'GET /compute/{system_name}/jobs/{job_id}')).toBe(false);
  expect(findings.filter((f) => f.kind === 'field-missing').map((f) => f.field)).toEqual(
    expect.arrayContaining(['response.systems[].scheduler', 'response.systems[].scheduler.version']),
  );
  const ls = JSON.stringify(theirs.paths['/filesystem/{system_name}/ops/ls']);
  theirs.paths['/filesystem/{system_name}/ops/ls'] = JSON.parse(
    ls.replace(/"size":\{"type":"string"/, '"size":{"type":"integer"'),
  ) as Record<string, unknown>;
  expect(compareDocuments(ours, theirs)).toContainEqual(
    expect.objectContaining({ kind: 'type-differs', field: 'response.output[].size' }),
  );
});
