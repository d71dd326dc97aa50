import fc from 'fast-check';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Generation, LoadedSpec, Operation } from '../../spec/load.ts';

type Schema = OpenAPIV3_1.SchemaObject;
type Parameter = OpenAPIV3_1.ParameterObject;

/**
 * A value that names something of the site, resolved when the request is sent (the site is rebuilt
 * now and then, so ids are only known then): the caller's job, another user's, a task, a file.
 */
export const siteRefs = ['@job', '@otherJob', '@task', '@otherTask', '@file', '@otherFile', '@dir'] as const;
export type SiteRef = (typeof siteRefs)[number];

/** Who the request says it is: each kind of token a client, or an attacker, can send. */
export const tokenKinds = [
  'alice',
  'bob',
  'none',
  'empty-bearer',
  'garbage',
  'basic',
  'alg-none',
  'bad-signature',
  'expired',
  'unknown-user',
  'huge',
] as const;
export type TokenKind = (typeof tokenKinds)[number];

export interface GeneratedRequest {
  readonly generation: Generation;
  readonly operation: string;
  readonly method: string;
  /** The path with its parameters filled, each encoded or (traversal) raw. */
  readonly path: readonly (string | { readonly value: string; readonly raw: boolean })[];
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Readonly<Record<string, string>>;
  readonly token: TokenKind;
  /** JSON (serialised when sent), a raw text, a form, or nothing. */
  readonly body:
    | { readonly kind: 'json'; readonly value: unknown; readonly contentType: string }
    | { readonly kind: 'raw'; readonly text: string; readonly contentType: string | undefined }
    | { readonly kind: 'form'; readonly fields: Readonly<Record<string, string>>; readonly multipart: boolean }
    | { readonly kind: 'none' };
}

const hostileText = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../../etc/passwd',
    '/etc/shadow',
    '/home/alice/../bob',
    '/home/bob/secret',
    '/',
    '//',
    'a\u0000b',
    '\u0000',
    '\u001b[31m',
    '\r\nX-Injected: 1',
    '\u202egnp.exe',
    '\ud83d\ude00',
    '\uffff',
    'é',
    '$(reboot)',
    '; rm -rf /',
    "'",
    '"',
    '\\',
    '%2e%2e%2f',
    '%00',
    '-1',
    '0',
    '1e309',
    '99999999999999999999999999',
    'NaN',
    'null',
    'true',
    '*',
    '?',
    '#',
    'x'.repeat(300),
    `/home/alice/${'d/'.repeat(2100)}`,
    'a'.repeat(5000),
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1, 1.5, -0.5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A plausible value for a parameter or field, by its name: what a client means to send. */
function plausible(name: string): fc.Arbitrary<string> {
  const n = name.toLowerCase();
  if (n.includes('system') || n.includes('machine')) return fc.constantFrom('daint', 'eiger', 'DAINT', 'nosuch');
  if (n.includes('job')) return fc.constantFrom('@job', '@otherJob', '1', '4294967294');
  if (n.includes('task') || n === 'id') return fc.constantFrom('@task', '@otherTask');
  if (n.includes('path') || n === 'source' || n === 'target') {
    return fc.constantFrom('@file', '@otherFile', '@dir', '/home/alice', '/home/alice/new', '/tmp');
  }
  if (n.includes('account')) return fc.constantFrom('proj1', 'proj2', 'nobody');
  return fc.constantFrom('a', 'x', '1');
}

function valueOf(name: string): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: plausible(name) }, { weight: 2, arbitrary: hostileText });
}

/** A JSON value for a schema: often right, often wrong in type, range or shape. */
function fromSchema(schema: Schema | undefined, name: string, depth: number): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(hostileNumber, hostileText, fc.constantFrom(null, true, [], {}));
  if (!schema || depth > 3) return wrong;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let right: fc.Arbitrary<unknown>;
  if (schema.enum) right = fc.constantFrom(...(schema.enum as unknown[]));
  else if (type === 'object' || schema.properties) right = objectFrom(schema, depth);
  else if (type === 'array') {
    const items = (schema as OpenAPIV3_1.ArraySchemaObject).items as Schema | undefined;
    right = fc.array(fromSchema(items, name, depth + 1), { maxLength: 3 });
  } else if (type === 'integer' || type === 'number') right = hostileNumber;
  else if (type === 'boolean') right = fc.boolean();
  else if (schema.anyOf ?? schema.oneOf) {
    right = fc.oneof(...((schema.anyOf ?? schema.oneOf) as Schema[]).map((s) => fromSchema(s, name, depth + 1)));
  } else right = valueOf(name);
  return fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

function objectFrom(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {}) as [string, Schema][];
  const fields = Object.fromEntries(properties.map(([k, s]) => [k, fromSchema(s, k, depth + 1)]));
  const required = new Set(schema.required ?? []);
  // required fields are present most of the time, so that deeper checks are reached
  const record = fc.record(fields, {
    requiredKeys: properties.map(([k]) => k).filter((k) => required.has(k)),
  });
  const dropOne = record.chain((r) =>
    fc.constantFrom(...Object.keys(r), '').map((k) => Object.fromEntries(Object.entries(r).filter(([x]) => x !== k))),
  );
  const extra = fc.tuple(record, fc.dictionary(hostileText, fromSchema(undefined, '', depth + 1), { maxKeys: 2 }));
  return fc.oneof(
    { weight: 4, arbitrary: record },
    { weight: 1, arbitrary: dropOne },
    { weight: 1, arbitrary: extra.map(([r, e]) => ({ ...e, ...r })) },
  );
}

const badJson = fc.constantFrom(
  '{',
  '{"a":',
  'null',
  '[]',
  '"x"',
  '1e999',
  '\u0000',
  '{"a":1,"a":2}',
  '\ufeff{}',
  '['.repeat(5000),
  '{"path": "\ud800"}',
);
const oversized = fc.constantFrom(1024 * 1024 + 1, 2 * 1024 * 1024).map((n) => 'a'.repeat(n));
const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/json; charset=utf-16',
);

/** The field names of a (dereferenced) object schema. */
function propertiesOf(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Object.keys(properties ?? {});
}

function bodyFor(operation: Operation): fc.Arbitrary<GeneratedRequest['body']> {
  const content = (operation.object.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content ?? {};
  const raw = fc.oneof(
    fc.record({ kind: fc.constant('raw' as const), text: badJson, contentType: contentTypes }),
    fc.record({
      kind: fc.constant('raw' as const),
      text: hostileText,
      contentType: fc.option(contentTypes, { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('raw' as const), text: oversized, contentType: contentTypes }),
  );
  // the documents are dereferenced when loaded: no $ref is left
  const json = content['application/json']?.schema;
  const formType = content['multipart/form-data'] ?? content['application/x-www-form-urlencoded'];
  const form = formType?.schema;
  const arms: fc.WeightedArbitrary<GeneratedRequest['body']>[] = [{ weight: 1, arbitrary: raw }];
  if (json) {
    arms.push({
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('json' as const),
        value: fromSchema(json, 'body', 0),
        contentType: fc.constantFrom('application/json', 'application/json', 'text/plain'),
      }),
    });
  }
  if (form) {
    const names = propertiesOf(form);
    arms.push({
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('form' as const),
        fields: fc.record(Object.fromEntries(names.map((k) => [k, valueOf(k)])), {
          requiredKeys: [],
        }) as fc.Arbitrary<Record<string, string>>,
        multipart: fc.boolean(),
      }),
    });
  }
  if (!json && !form) arms.push({ weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) });
  return fc.oneof(...arms);
}

function parametersOf(spec: LoadedSpec, operation: Operation): Parameter[] {
  const item = spec.document.paths?.[operation.path];
  return [...(item?.parameters ?? []), ...(operation.object.parameters ?? [])] as Parameter[];
}

/** Requests for one operation: its path, query, headers and body, mostly plausible, often hostile. */
export function requestsFor(spec: LoadedSpec, operation: Operation): fc.Arbitrary<GeneratedRequest> {
  const parameters = parametersOf(spec, operation);
  const segments = operation.path.split(/(\{[^}]+\})/).filter((s) => s !== '');
  const path = fc.tuple(
    ...segments.map((segment) =>
      segment.startsWith('{')
        ? fc.record({ value: valueOf(segment.slice(1, -1)), raw: fc.nat(9).map((n) => n === 0) })
        : fc.constant(segment),
    ),
  );
  const queryParams = parameters.filter((p) => p.in === 'query');
  const query = fc
    .tuple(
      fc
        .subarray(queryParams)
        .chain((chosen) => fc.tuple(...chosen.map((p) => valueOf(p.name).map((v) => [p.name, v] as const)))),
      fc.array(fc.tuple(hostileText, hostileText), { maxLength: 1 }),
    )
    .map(([known, extra]) => [...known, ...extra] as const);
  const headerParams = parameters.filter((p) => p.in === 'header');
  const headers = fc
    .tuple(
      fc.tuple(
        ...headerParams.map((p) =>
          fc
            .option(
              plausible(p.name).map((v) => (v.startsWith('@') ? 'x' : v)),
              { freq: 6 },
            )
            .map((v) => [p.name, v] as const),
        ),
      ),
      fc.option(
        fc.constantFrom(['x-request-id', '../../x'], ['x-correlation-id', 'a'.repeat(300)], ['accept', '*/*;q=x']),
      ),
    )
    .map(([known, odd]) => {
      const out: Record<string, string> = {};
      for (const [k, v] of known) if (v !== null) out[k] = v;
      if (odd) out[odd[0]] = odd[1];
      return out;
    });
  const token = fc.oneof(
    { weight: 12, arbitrary: fc.constant<TokenKind>('alice') },
    { weight: 2, arbitrary: fc.constant<TokenKind>('bob') },
    { weight: 4, arbitrary: fc.constantFrom(...tokenKinds) },
  );
  return fc.record({
    generation: fc.constant(spec.generation),
    operation: fc.constant(operation.id),
    method: fc.oneof(
      { weight: 19, arbitrary: fc.constant(operation.method) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      },
    ),
    path,
    query,
    headers,
    token,
    body: bodyFor(operation),
  });
}

/** Requests for every operation of both documents, each operation as likely as another. */
export function hostileRequests(specs: readonly LoadedSpec[]): fc.Arbitrary<GeneratedRequest> {
  return fc.oneof(...specs.flatMap((spec) => spec.operations.map((op) => requestsFor(spec, op))));
}
