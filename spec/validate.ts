import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { LoadedSpec, Operation } from './load.ts';

/** One thing wrong with a message; validation reports these instead of throwing. */
export interface Diagnostic {
  /** JSON pointer into the body (`/jobs/0/status`), or `status`, `header:<name>`, `body`. */
  readonly where: string;
  readonly message: string;
}

export interface ResponseToCheck {
  readonly method: string;
  /** Path relative to the generation's base URL, without query. */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, raw text, or undefined for an empty body. */
  readonly body: unknown;
}

export interface Validator {
  validateResponse(response: ResponseToCheck): Diagnostic[];
  /** The operation a request goes to, as `v2 GET /status/{system_name}/nodes`; undefined off the spec. */
  operationOf(method: string, path: string): string | undefined;
  /** Validates a request body against the operation's JSON schema. */
  validateRequestBody(operation: Operation, body: unknown): Diagnostic[];
}

type Responses = Record<string, OpenAPIV3_1.ResponseObject>;

function pickResponse(responses: Responses, status: number): OpenAPIV3_1.ResponseObject | undefined {
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

function toDiagnostics(errors: ErrorObject[] | null | undefined): Diagnostic[] {
  return (errors ?? []).map((e) => {
    if (e.keyword === 'required') {
      return { where: `${e.instancePath}/${String(e.params.missingProperty)}`, message: 'is required' };
    }
    const allowed = e.keyword === 'enum' ? ` (${JSON.stringify(e.params.allowedValues)})` : '';
    return { where: e.instancePath || '/', message: `${e.message ?? e.keyword}${allowed}` };
  });
}

/** How reports name an operation: generation, method and path template. */
export function operationKey(operation: Pick<Operation, 'generation' | 'method' | 'path'>): string {
  return `${operation.generation} ${operation.method} ${operation.path}`;
}

export function createValidator(spec: LoadedSpec): Validator {
  // The schemas are our own OpenAPI documents, checked as documents by spec/operations.test.ts:
  // checking each against the 2020-12 meta-schema again would compile that first, in every process.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats.default(ajv);
  const compiled = new WeakMap<object, ValidateFunction>();
  const compile = (schema: object): ValidateFunction => {
    let fn = compiled.get(schema);
    if (!fn) {
      fn = ajv.compile(schema);
      compiled.set(schema, fn);
    }
    return fn;
  };
  const check = (schema: object | undefined, value: unknown): Diagnostic[] => {
    if (!schema) return [];
    const fn = compile(schema);
    return fn(value) ? [] : toDiagnostics(fn.errors);
  };

  return {
    validateResponse(response) {
      const operation = spec.findOperation(response.method, response.path);
      if (!operation && response.status >= 400) {
        // An unknown route still answers in the error envelope.
        return check(spec.document.components?.schemas?.ErrorBody, response.body);
      }
      if (!operation) {
        return [
          { where: 'path', message: `${response.method} ${response.path} is not in the ${spec.generation} spec` },
        ];
      }
      const documented = pickResponse(operation.object.responses as Responses, response.status);
      if (!documented) {
        return [{ where: 'status', message: `status ${response.status} is not documented for ${operation.id}` }];
      }
      const diagnostics: Diagnostic[] = [];
      for (const [name, header] of Object.entries(documented.headers ?? {})) {
        if ((header as OpenAPIV3_1.HeaderObject).required && !response.headers.has(name)) {
          diagnostics.push({ where: `header:${name}`, message: `required header ${name} is missing` });
        }
      }
      const content = documented.content ?? {};
      const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
      // An operation may answer JSON or bytes; bytes are fine where a non-JSON type is documented.
      const media = content['application/json'];
      const otherTypeDocumented = Object.keys(content).some((t) => t !== 'application/json' && t === type);
      if (media?.schema && !otherTypeDocumented) {
        if (response.body === undefined || typeof response.body === 'string') {
          diagnostics.push({ where: 'body', message: 'expected a JSON body' });
        } else {
          diagnostics.push(...check(media.schema, response.body));
        }
      }
      return diagnostics;
    },
    operationOf(method, path) {
      const operation = spec.findOperation(method, path);
      return operation ? operationKey(operation) : undefined;
    },
    validateRequestBody(operation, body) {
      const request = operation.object.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
      return check(request?.content['application/json']?.schema, body);
    },
  };
}
