import { Ajv2020 } from 'ajv/dist/2020.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadSpec, type Generation } from './load.ts';
import { requirements } from './requirements.ts';
import { createValidator } from './validate.ts';

// The reference pack lives in shared/ beside the clone (../shared/reference from the repo root),
// in a working tree and in CI alike. It is read, never copied into the project.
const referenceDir = fileURLToPath(new URL('../../shared/reference/', import.meta.url));
// Answers recorded from a real FirecREST v1.16.6 (tokens redacted), beside the reference pack.
const v1SamplesDir = fileURLToPath(new URL('../../shared/real-firecrest-v1/samples/', import.meta.url));
const upstreamFiles: Record<Generation, string> = {
  v1: `${referenceDir}firecrest-v1-openapi.yaml`,
  v2: `${referenceDir}firecrest-v2-openapi.json`,
};
const upstreamCounts: Record<Generation, number> = { v1: 51, v2: 35 };
const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * `METHOD /path` of every operation of a document. A trailing slash is dropped: v1's gateway
 * routes `/tasks/`, which upstream's description writes `/tasks`.
 */
function operationsOf(document: { paths?: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths ?? {})
    .flatMap(([path, item]) =>
      methods.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path.replace(/(?<=.)\/$/, '')}`),
    )
    .sort();
}

function readUpstream(generation: Generation) {
  const text = readFileSync(upstreamFiles[generation], 'utf8');
  return (generation === 'v1' ? parse(text) : JSON.parse(text)) as { paths?: Record<string, Record<string, unknown>> };
}

describe.each(['v1', 'v2'] as const)('the %s document', (generation) => {
  test(`names the ${upstreamCounts[generation]} operations of upstream's ${generation} description, each on its own path`, async (ctx) => {
    if (!existsSync(upstreamFiles[generation]))
      ctx.skip(
        `upstream's ${generation} description is not at ${upstreamFiles[generation]} (shared/ beside the clone)`,
      );
    const ours = operationsOf((await loadSpec(generation)).document as never);
    const theirs = operationsOf(readUpstream(generation));
    expect(theirs).toHaveLength(upstreamCounts[generation]);
    expect(ours).toEqual(theirs);
  });

  // The validator skips this check in every process that loads the document; here it is made once.
  test('every request and answer schema is a valid JSON Schema (2020-12)', async () => {
    const spec = await loadSpec(generation);
    const ajv = new Ajv2020({ strict: false });
    const media = (content: unknown) =>
      Object.values((content ?? {}) as Record<string, { schema?: object }>).flatMap((m) =>
        m.schema ? [m.schema] : [],
      );
    const schemas = spec.operations.flatMap((op) => [
      ...media((op.object.requestBody as { content?: unknown } | undefined)?.content),
      ...Object.values(op.object.responses ?? {}).flatMap((r) => media((r as { content?: unknown }).content)),
    ]);
    expect(schemas.length).toBeGreaterThan(spec.operations.length);
    const invalid = schemas.filter((schema) => !ajv.validateSchema(schema));
    expect(invalid.map(() => ajv.errorsText())).toEqual([]);
  });

  test('has no catch-all templates: every path parameter names a thing, not an operation', async () => {
    const spec = await loadSpec(generation);
    const catchAll = spec.operations.filter((op) => /\{(op|what|how|direction)\}/.test(op.path));
    expect(catchAll.map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  test('answers every operation with a documented success and a documented error', async () => {
    const spec = await loadSpec(generation);
    for (const op of spec.operations) {
      const statuses = Object.keys(op.object.responses ?? {});
      expect(
        statuses.some((s) => s.startsWith('2')),
        `${op.method} ${op.path} has no success`,
      ).toBe(true);
      expect(
        statuses.some((s) => s.startsWith('4')),
        `${op.method} ${op.path} has no error`,
      ).toBe(true);
    }
  });
});

interface Sample {
  readonly request: { readonly method: string; readonly path: string };
  readonly response: { readonly status: number; readonly headers: Record<string, string>; readonly body: unknown };
}

test('every answer recorded from a real v1.16.6 conforms to the v1 document', async (ctx) => {
  if (!existsSync(v1SamplesDir))
    ctx.skip(`the recorded v1 answers are not at ${v1SamplesDir} (shared/ beside the clone)`);
  const validator = createValidator(await loadSpec('v1'));
  const files = readdirSync(v1SamplesDir).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThan(0);
  const departures = files.flatMap((file) => {
    const { request, response } = JSON.parse(readFileSync(`${v1SamplesDir}${file}`, 'utf8')) as Sample;
    return validator
      .validateResponse({
        method: request.method,
        path: request.path,
        status: response.status,
        headers: new Headers(response.headers),
        body: response.body === '' ? undefined : response.body,
      })
      .map((d) => `${file}: ${d.where} ${d.message}`);
  });
  expect(departures).toEqual([]);
});

test("every requirement's operation is written as its document writes it", async () => {
  const specs = { v1: await loadSpec('v1'), v2: await loadSpec('v2') };
  // Requirements about the whole API (`*`), the token endpoint, presigned URLs, the issuer's own
  // endpoints (`{issuer}/...`) or the served document are not operations of the API's document.
  const beyondTheApi = (operation: string) => {
    const path = operation.split(' ')[1] ?? '';
    return operation === '*' || !path.startsWith('/') || /<[^>]+>/.test(operation) || path === '/openapi.json';
  };
  const unknown = requirements
    .filter((r) => !beyondTheApi(r.operation))
    .filter((r) => {
      const spec = specs[r.id.startsWith('V1-') ? 'v1' : 'v2'];
      return !spec.operations.some((op) => `${op.method} ${op.path}` === r.operation);
    })
    .map((r) => `${r.id}: ${r.operation}`);
  expect(unknown).toEqual([]);
});
