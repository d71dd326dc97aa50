// How the site answers an error no generation claims: the FirecREST envelope for an HTTP error,
// and a 500 with the request id, logged with its stack, for anything else.
import type { Context } from 'hono';
import { isSimError, type SimError } from '../../errors.ts';
import type { AppEnv } from './env.ts';

/** The FirecREST error envelope. */
export function errorBody(
  c: Context<AppEnv>,
  message: string,
  extra: { errorType?: string; data?: unknown; causedBy?: unknown } = {},
) {
  return {
    errorType: extra.errorType ?? 'error',
    message,
    causedBy: extra.causedBy ?? null,
    data: extra.data ?? null,
    user: c.get('user')?.name ?? null,
  };
}

/** An HTTP error in the envelope, with the headers it carries. */
export function answerSimError(c: Context<AppEnv>, error: SimError): Response {
  for (const [k, v] of Object.entries(error.options.headers ?? {})) c.header(k, v);
  return c.json(errorBody(c, error.message, error.options), error.status as 400);
}

export function answerError(error: Error, c: Context<AppEnv>): Response {
  if (isSimError(error)) return answerSimError(c, error);
  const requestId = c.get('requestId');
  console.error(`[f7t-sim] ${c.req.method} ${c.req.path} -> 500 (request ${requestId})`, error);
  return c.json(errorBody(c, `Internal error; request id ${requestId}`), 500);
}
