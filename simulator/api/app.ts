import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { isSimError } from '../errors.ts';
import { OAuthError } from '../engines/oidc/index.ts';
import type { User } from '../engines/site/types.ts';
import { dropField, matchFault } from '../faults.ts';
import type { SimulatorContext } from '../index.ts';
import { createControlRoutes } from './control/routes.ts';
import { createOidcRoutes } from './oidc/routes.ts';
import { createS3Routes } from './s3/routes.ts';
import { V1Error } from './v1/errors.ts';
import { createV1Routes } from './v1/index.ts';
import { createV2Routes } from './v2/index.ts';

export interface AppEnv {
  Variables: {
    user: User | undefined;
    requestId: string;
  };
}

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

const ID = /^[0-9a-f]{32}$|^[0-9a-f-]{36}$/i;

export function createApp(sim: SimulatorContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given && ID.test(given) ? given : randomUUID().replaceAll('-', '');
    c.set('requestId', requestId);
    const correlation = c.req.header('x-correlation-id');
    // Headers set before the handler are applied as the answer is built, which costs less than
    // changing a finished Response.
    c.header('x-request-id', requestId);
    c.header('x-correlation-id', correlation && ID.test(correlation) ? correlation : requestId);
    await next();
    const path = c.req.path;
    if (!path.startsWith('/_sim')) {
      const url = c.req.url;
      const q = url.indexOf('?');
      sim.journal.record({
        at: Date.now(),
        method: c.req.method,
        path,
        query: q < 0 ? '' : url.slice(q),
        status: c.res.status,
        user: c.get('user')?.name ?? null,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    }
  });

  app.use(async (c, next) => {
    if (sim.faults.length === 0) return next();
    const path = c.req.path;
    if (path.startsWith('/_sim')) return next();
    const fault = matchFault(sim.faults, c.req.method, path);
    if (!fault) return next();
    fault.remaining--;
    if (fault.status !== undefined) {
      c.res = c.json(fault.body ?? errorBody(c, `Injected fault ${fault.id}`), fault.status as 500);
      return;
    }
    await next();
    if (fault.dropField && c.res.headers.get('content-type')?.includes('json')) {
      const body: unknown = await c.res.clone().json();
      const headers = new Headers(c.res.headers);
      headers.delete('content-length');
      c.res = new Response(JSON.stringify(dropField(body, fault.dropField)), { status: c.res.status, headers });
    }
  });

  app.route('/auth', createOidcRoutes(sim));
  app.route('/s3', createS3Routes({ store: () => sim.state.objects, credentials: sim.s3 }));
  app.route('/v1', createV1Routes(sim));
  app.route('/v2', createV2Routes(sim));
  if (sim.options.controlPlane) app.route('/_sim', createControlRoutes(sim));

  app.notFound((c) => c.json(errorBody(c, 'Not Found'), 404));
  app.onError((error, c) => {
    if (error instanceof V1Error) {
      for (const [k, v] of Object.entries(error.options.headers ?? {})) c.header(k, v);
      return c.json(error.body, error.status as 400);
    }
    if (error instanceof OAuthError) {
      for (const [k, v] of Object.entries(error.options.headers ?? {})) c.header(k, v);
      c.header('cache-control', 'no-store');
      return c.json({ error: error.error, error_description: error.message }, error.status as 400);
    }
    if (isSimError(error)) {
      for (const [k, v] of Object.entries(error.options.headers ?? {})) c.header(k, v);
      return c.json(errorBody(c, error.message, error.options), error.status as 400);
    }
    const requestId = c.get('requestId');
    console.error(`[f7t-sim] ${c.req.method} ${c.req.path} -> 500 (request ${requestId})`, error);
    return c.json(errorBody(c, `Internal error; request id ${requestId}`), 500);
  });
  return app;
}
