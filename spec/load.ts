import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';

export const generations = ['v1', 'v2'] as const;
export type Generation = (typeof generations)[number];

const documentUrls: Record<Generation, URL> = {
  v1: new URL('./v1/openapi.yaml', import.meta.url),
  v2: new URL('./v2/openapi.yaml', import.meta.url),
};

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = Uppercase<(typeof methods)[number]>;

export interface Operation {
  readonly generation: Generation;
  readonly id: string;
  readonly method: HttpMethod;
  /** The path template as the document writes it, e.g. `/compute/{system_name}/jobs`. */
  readonly path: string;
  readonly matcher: RegExp;
  readonly object: OpenAPIV3_1.OperationObject;
}

export interface LoadedSpec {
  readonly generation: Generation;
  readonly document: OpenAPIV3_1.Document;
  readonly operations: readonly Operation[];
  /** The operation a request goes to, by method and a path relative to the base URL. */
  findOperation(method: string, path: string): Operation | undefined;
  getOperation(id: string): Operation;
}

function toMatcher(template: string): RegExp {
  const escaped = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}$`);
}

async function load(generation: Generation): Promise<LoadedSpec> {
  const document = (await SwaggerParser.dereference(documentUrls[generation].pathname)) as OpenAPIV3_1.Document;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of methods) {
      const object = item?.[method];
      if (!object) continue;
      operations.push({
        generation,
        id: object.operationId ?? `${method} ${path}`,
        method: method.toUpperCase() as HttpMethod,
        path,
        matcher: toMatcher(path),
        object,
      });
    }
  }
  // Literal segments win over parameters (`/status/liveness/` before `/status/{system_name}/...`).
  operations.sort((a, b) => a.path.split('{').length - b.path.split('{').length);
  const byId = new Map(operations.map((op) => [op.id, op]));
  return {
    generation,
    document,
    operations,
    findOperation(method, path) {
      const upper = method.toUpperCase();
      return operations.find((op) => op.method === upper && op.matcher.test(path));
    },
    getOperation(id) {
      const op = byId.get(id);
      if (!op) throw new Error(`[spec] no operation ${id} in the ${generation} document`);
      return op;
    },
  };
}

// The documents are read-only data: each is parsed once per process and shared.
const loaded = new Map<Generation, Promise<LoadedSpec>>();

export function loadSpec(generation: Generation): Promise<LoadedSpec> {
  let spec = loaded.get(generation);
  if (!spec) {
    spec = load(generation);
    loaded.set(generation, spec);
  }
  return spec;
}
