import type { Validator } from '../../spec/validate.ts';
import type { RecordedExchange } from './config.ts';
import { HarnessError } from './errors.ts';
import { redactHeaders, redactText } from '../../spec/redact.ts';
import { describeError, type Identity, type Target } from './target.ts';

export interface Exchange<T = unknown> {
  readonly method: string;
  /** Path relative to the v2 base URL, without query. */
  readonly path: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text; undefined when empty. */
  readonly body: T;
  readonly text: string;
  readonly bytes: Uint8Array;
  /** Where the answer departs from our spec (empty when it conforms). */
  readonly diagnostics: readonly string[];
}

export type Auth = Identity | 'none' | { readonly bearer: string } | { readonly authorization: string };

export interface RequestOptions {
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly json?: unknown;
  /** A raw body, sent as is (for malformed-input checks). */
  readonly body?: string;
  /** A multipart/form-data body. */
  readonly form?: FormData;
  /** Extra headers (e.g. to change X-Machine-Name). */
  readonly headers?: Record<string, string>;
  /** Default headers to leave out (e.g. X-Machine-Name). */
  readonly omitHeaders?: readonly string[];
  readonly contentType?: string;
  readonly auth?: Auth;
}

export interface Client {
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<Exchange<T>>;
  get<T = unknown>(path: string, options?: RequestOptions): Promise<Exchange<T>>;
  post<T = unknown>(path: string, options?: RequestOptions): Promise<Exchange<T>>;
  put<T = unknown>(path: string, options?: RequestOptions): Promise<Exchange<T>>;
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<Exchange<T>>;
}

const MAX_RECORDED_BODY = 4000;

export interface ClientOptions {
  /** The API's base URL; the target's v2 base URL when absent. */
  readonly baseUrl?: string;
  /** Headers sent with every request (v1's X-Machine-Name). */
  readonly headers?: Record<string, string>;
  /** Sees every request before it is sent (path relative to the base URL); may refuse it by throwing. */
  readonly guard?: (method: string, path: string) => void;
  /** May rewrite a request's options before it is sent (the site's job settings). */
  readonly prepare?: (method: string, path: string, options: RequestOptions) => Promise<RequestOptions>;
  /** Sees every answer (path relative to the base URL, parsed body). */
  readonly observe?: (method: string, path: string, status: number, body: unknown) => void;
}

/** The parsed JSON of an answer that says it is JSON, else its text; undefined when empty. */
function parseBody(text: string, headers: Headers): unknown {
  if (text === '') return undefined;
  if (!(headers.get('content-type') ?? '').includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A request and its answer as the reports keep them: redacted, bodies cut short. */
function recorded(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string | FormData | undefined,
  response: Response,
  text: string,
): Omit<RecordedExchange, 'diagnostics' | 'durationMs' | 'operation'> {
  const requestBody =
    body === undefined
      ? {}
      : {
          requestBody:
            typeof body === 'string' ? redactText(body).slice(0, MAX_RECORDED_BODY) : '<multipart/form-data>',
        };
  return {
    method,
    url: url.toString(),
    requestHeaders: redactHeaders(headers),
    ...requestBody,
    status: response.status,
    responseHeaders: redactHeaders(response.headers),
    responseBody: redactText(text).slice(0, MAX_RECORDED_BODY),
  };
}

/** An HTTP client for one identity; every answer is validated against our spec and recorded. */
export function createClient(
  target: Target,
  validator: Validator,
  identity: Identity,
  log: RecordedExchange[],
  clientOptions: ClientOptions = {},
): Client {
  const baseUrl = clientOptions.baseUrl ?? target.baseUrl;
  const request = async <T>(method: string, path: string, given: RequestOptions = {}): Promise<Exchange<T>> => {
    clientOptions.guard?.(method, path);
    const options = clientOptions.prepare ? await clientOptions.prepare(method, path, given) : given;
    const url = new URL(`${baseUrl}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...clientOptions.headers, ...options.headers };
    for (const name of options.omitHeaders ?? []) delete headers[name];
    const auth = options.auth ?? identity;
    if (typeof auth === 'object' && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
    else if (typeof auth === 'object' && 'authorization' in auth) headers.authorization = auth.authorization;
    else if (auth !== 'none') headers.authorization = `Bearer ${await auth.token()}`;
    let body: string | FormData | undefined;
    if (options.form !== undefined) {
      body = options.form;
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.body !== undefined) {
      body = options.body;
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const started = performance.now();
    let response: Response;
    try {
      response = await target.fetch(url.toString(), { method, headers, ...(body === undefined ? {} : { body }) });
    } catch (error) {
      throw new HarnessError(`[${method}] ${url.pathname} could not be sent: ${describeError(error)}`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const durationMs = Math.round(performance.now() - started);
    const parsed = parseBody(text, response.headers);
    const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
    const relative = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || '/' : url.pathname;
    const operation = validator.operationOf(method, relative);
    const diagnostics = validator
      .validateResponse({ method, path: relative, status: response.status, headers: response.headers, body: parsed })
      .map((d) => `${d.where}: ${d.message}`);
    log.push({
      ...recorded(method, url, headers, body, response, text),
      diagnostics,
      durationMs,
      ...(operation === undefined ? {} : { operation }),
    });
    clientOptions.observe?.(method, relative, response.status, parsed);
    return {
      method,
      path: relative,
      url: url.toString(),
      status: response.status,
      headers: response.headers,
      body: parsed as T,
      text,
      bytes,
      diagnostics,
    };
  };
  return {
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, options) => request('POST', path, options),
    put: (path, options) => request('PUT', path, options),
    delete: (path, options) => request('DELETE', path, options),
  };
}
