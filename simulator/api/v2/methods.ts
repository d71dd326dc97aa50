import type { MiddlewareHandler } from 'hono';
import type { LoadedSpec } from '../../../spec/load.ts';
import { SimError } from '../../errors.ts';

/**
 * Starlette routes before any dependency runs: a known path with another method is a 405 even
 * without a token. A real 2.5.6 site answered `DELETE /filesystem/daint/ops/mkdir` and an
 * unauthenticated `PUT /compute/daint/jobs` with 405 `Method Not Allowed`, `allow: POST`, user null.
 */
export function methodNotAllowed(spec: LoadedSpec, prefix: string): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path.slice(prefix.length);
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    // The common case, a documented method, costs one lookup; the other methods only on a miss.
    if (spec.findOperation(method, path)) return next();
    const known = spec.operations.filter((op) => op.matcher.test(path));
    if (known.length === 0) return next();
    // Starlette names the methods of the first route whose path matches; FastAPI has one route a method.
    throw new SimError(405, 'Method Not Allowed', { headers: { allow: known[0]?.method ?? 'GET' } });
  };
}
