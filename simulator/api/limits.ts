import type { MiddlewareHandler } from 'hono';
export { MAX_SCRIPT_BYTES } from '../engines/slurm/script.ts';
import { MAX_SCRIPT_BYTES, parseScriptYielding, type ParsedScript } from '../engines/slurm/script.ts';
import { slurmErrors } from '../engines/slurm/errors.ts';
import { SimError } from '../errors.ts';
import { V1Error } from './v1/errors.ts';

/** FirecREST's synchronous file limit (v2 `max_ops_file_size`, v1 `UTILITIES_MAX_FILE_SIZE`): 5 MB. */
export const MAX_SMALL_FILE_BYTES = 5 * 1024 * 1024;
/** What multipart framing and a JSON encoding may add around a payload. */
const FRAMING = 64 * 1024;
/**
 * The longest request target (path and query) uvicorn reads: a real 2.5.6 site answered a target
 * of 65,529 bytes and refused one of 65,538 with a text/plain 400 and a closed connection.
 */
export const MAX_URL_BYTES = 65_530;
/** Any other request body. Real FirecREST has no limit; see the README's differences. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface BodyRule {
  readonly method: string;
  readonly pattern: RegExp;
  readonly maxBytes: number;
  /** The site's refusal, in its generation's shape. */
  readonly refuse: () => Error;
}

const v2TooLarge = (what: string) => () => new SimError(413, `${what} is too large.`);

/** sbatch's refusal of a script over `max_script_size`, as the scheduler engine words it. */
const scriptTooLarge = () => slurmErrors.submitRejected('Pathname of a file, directory or other parameter too long');

/** The bodies that may be larger than the default, each with the real site's refusal. */
export const bodyRules: readonly BodyRule[] = [
  {
    method: 'POST',
    pattern: /^\/v2\/filesystem\/[^/]+\/ops\/upload$/,
    maxBytes: MAX_SMALL_FILE_BYTES + FRAMING,
    refuse: v2TooLarge('File to upload'),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/utilities\/upload$/,
    // Flask's MAX_CONTENT_LENGTH counts the whole body, framing included
    maxBytes: MAX_SMALL_FILE_BYTES,
    refuse: () =>
      new V1Error(413, { description: `Failed to upload file. The file is over ${MAX_SMALL_FILE_BYTES} bytes` }),
  },
  // A script travels JSON-encoded: each newline or quote takes two bytes.
  {
    method: 'POST',
    pattern: /^\/v2\/compute\/[^/]+\/jobs$/,
    maxBytes: 2 * MAX_SCRIPT_BYTES + FRAMING,
    refuse: scriptTooLarge,
  },
  {
    method: 'POST',
    pattern: /^\/v1\/compute\/jobs\/upload$/,
    maxBytes: MAX_SMALL_FILE_BYTES,
    refuse: () =>
      new V1Error(413, {
        description: `Failed to upload batch script. The file is over ${MAX_SMALL_FILE_BYTES / 1024 / 1024} MB`,
      }),
  },
];

function generationOf(path: string): 'v1' | 'v2' {
  return path.startsWith('/v1/') ? 'v1' : 'v2';
}

function defaultRefusal(path: string, what: string, limit: number): Error {
  const text = `${what} is over the limit of ${limit} bytes`;
  return generationOf(path) === 'v1'
    ? new V1Error(413, { description: 'Request refused', error: text })
    : new SimError(413, `${text}.`);
}

/**
 * Reads a body while counting: past `maxBytes` it stops reading and refuses, so an oversized
 * chunked body is never held whole. A declared Content-Length over the limit is refused unread.
 */
async function readBounded(request: Request, maxBytes: number, refuse: () => Error): Promise<Uint8Array | null> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    throw refuse();
  }
  if (!request.body) return null;
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw refuse();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The site's limits, before any route reads the request: URL length, then the body, read as it
 * streams. S3 keeps its own rules (its parts are large by design).
 */
export function limits(): MiddlewareHandler {
  return async (c, next) => {
    const { url, method } = c.req;
    const path = c.req.path;
    // The request target (path and query) is what follows the origin: no URL object on every request.
    const target = url.length - url.indexOf('/', url.indexOf('://') + 3);
    if (target > MAX_URL_BYTES) {
      // uvicorn answers before FirecREST (or v1's gateway) sees the request: plain text, either generation
      return c.text('Invalid HTTP request received.', 400, { connection: 'close' });
    }
    // GET and HEAD carry no body; asking the request for one would build a second Request.
    if (method === 'GET' || method === 'HEAD' || path.startsWith('/s3/')) return next();
    const raw = c.req.raw;
    if (!raw.body) return next();
    // The default refusal is on the connection too: the client may still be sending.
    const rule = bodyRules.find((r) => r.method === method && r.pattern.test(path));
    const maxBytes = rule?.maxBytes ?? MAX_BODY_BYTES;
    const refuse = () => {
      c.header('connection', 'close');
      return rule ? rule.refuse() : defaultRefusal(path, 'The request body', maxBytes);
    };
    const body = await readBounded(raw, maxBytes, refuse);
    c.req.raw = new Request(raw, { body });
    return next();
  };
}

/** An inline script parsed without blocking, when it is within sbatch's limit (else sbatch refuses it). */
export async function parseWithinLimit(script: unknown): Promise<ParsedScript | undefined> {
  if (typeof script !== 'string' || Buffer.byteLength(script) > MAX_SCRIPT_BYTES) return undefined;
  return parseScriptYielding(script);
}
