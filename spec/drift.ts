import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';

// Drift: where a site's own OpenAPI document departs from ours. Only what our spec holds is
// compared (operations, the fields of request bodies and successful answers, and their types);
// what the site documents beyond it is no drift.

export interface DriftFinding {
  readonly kind: 'operation-missing' | 'field-missing' | 'type-differs';
  /** `METHOD /path` as our spec writes it. */
  readonly operation: string;
  /** The field, e.g. `response.jobs[].status.state`, for field findings. */
  readonly field?: string;
  readonly detail: string;
}

type Schema = OpenAPIV3_1.SchemaObject;
const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
const MAX_DEPTH = 4;

/** Path templates compare without their parameter names or a trailing slash. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '') || '/';

function typesOf(schema: Schema): Set<string> {
  const found = new Set<string>();
  const add = (s: Schema) => {
    const t = s.type;
    for (const one of Array.isArray(t) ? t : t ? [t] : []) if (one !== 'null') found.add(one);
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) add(branch);
  };
  add(schema);
  return found;
}

/** Every field of a schema to a few levels, with its types: `jobs[].status.state` -> {string}. */
function fieldsOf(schema: Schema | undefined, prefix = '', depth = 0, out = new Map<string, Set<string>>()) {
  if (!schema || depth > MAX_DEPTH) return out;
  const branches = [schema, ...((schema.anyOf ?? []) as Schema[]), ...((schema.oneOf ?? []) as Schema[])];
  for (const s of [...branches, ...((schema.allOf ?? []) as Schema[])]) {
    for (const [name, sub] of Object.entries(s.properties ?? {})) {
      const field = prefix ? `${prefix}.${name}` : name;
      const types = out.get(field) ?? new Set<string>();
      for (const t of typesOf(sub)) types.add(t);
      out.set(field, types);
      fieldsOf(sub, field, depth + 1, out);
    }
    const items = (s as { items?: Schema }).items;
    if (items && typeof items === 'object') fieldsOf(items, `${prefix}[]`, depth + 1, out);
  }
  return out;
}

function jsonSchema(content: Record<string, OpenAPIV3_1.MediaTypeObject> | undefined): Schema | undefined {
  const media = Object.entries(content ?? {}).find(([type]) => type.includes('json'))?.[1];
  return media?.schema;
}

function successSchema(op: OpenAPIV3_1.OperationObject): Schema | undefined {
  const code = Object.keys(op.responses ?? {})
    .filter((c) => /^2\d\d$/.test(c))
    .sort()[0];
  const response = code ? (op.responses?.[code] as OpenAPIV3_1.ResponseObject | undefined) : undefined;
  return jsonSchema(response?.content);
}

function compareFields(
  where: string,
  ours: Schema | undefined,
  theirs: Schema | undefined,
  operation: string,
): DriftFinding[] {
  if (!ours || !theirs) return [];
  const mine = fieldsOf(ours);
  const site = fieldsOf(theirs);
  const findings: DriftFinding[] = [];
  for (const [field, types] of mine) {
    const other = site.get(field);
    if (!other) {
      findings.push({
        kind: 'field-missing',
        operation,
        field: `${where}.${field}`,
        detail: 'not in the site document',
      });
      continue;
    }
    if (
      types.size > 0 &&
      other.size > 0 &&
      ![...types].some((t) => other.has(t) || (t === 'integer' && other.has('number')))
    )
      findings.push({
        kind: 'type-differs',
        operation,
        field: `${where}.${field}`,
        detail: `ours ${[...types].join('|')}, the site's ${[...other].join('|')}`,
      });
  }
  return findings;
}

/** Dereferences a document (a copy: the parser resolves in place). */
export async function dereferenceDocument(document: unknown): Promise<OpenAPIV3_1.Document> {
  return (await SwaggerParser.dereference(structuredClone(document) as OpenAPIV3_1.Document)) as OpenAPIV3_1.Document;
}

/** Where `theirs` (a site's document, dereferenced) departs from `ours` (dereferenced). */
export function compareDocuments(ours: OpenAPIV3_1.Document, theirs: OpenAPIV3_1.Document): DriftFinding[] {
  const index = new Map<string, OpenAPIV3_1.OperationObject>();
  for (const [path, item] of Object.entries(theirs.paths ?? {}))
    for (const method of methods) {
      const op = item?.[method];
      if (op) index.set(`${method.toUpperCase()} ${shape(path)}`, op);
    }
  const findings: DriftFinding[] = [];
  for (const [path, item] of Object.entries(ours.paths ?? {})) {
    for (const method of methods) {
      const op = item?.[method];
      if (!op) continue;
      const operation = `${method.toUpperCase()} ${path}`;
      const other = index.get(`${method.toUpperCase()} ${shape(path)}`);
      if (!other) {
        findings.push({ kind: 'operation-missing', operation, detail: 'not in the site document' });
        continue;
      }
      const body = (x: OpenAPIV3_1.OperationObject) =>
        jsonSchema((x.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content);
      findings.push(...compareFields('request', body(op), body(other), operation));
      findings.push(...compareFields('response', successSchema(op), successSchema(other), operation));
    }
  }
  return findings;
}

export function describeFinding(f: DriftFinding): string {
  return `${f.operation}${f.field ? ` ${f.field}` : ''}: ${f.detail}`;
}
