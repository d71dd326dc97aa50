import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { OAuthError } from '../engines/oidc/index.ts';
import {
  alterBytes,
  answersInPlace,
  rewritesAnswer,
  appliesTo,
  matchFaults,
  rewriteJson,
  strikes,
  type ActiveFault,
} from '../faults.ts';
import type { SimulatorContext } from '../context.ts';
import { answerError, errorBody } from './shared/answer.ts';
import { everyAnswerHeader, type AppEnv } from './shared/env.ts';
import { createControlRoutes } from './control/routes.ts';
import { limits } from './limits.ts';
import { answerOAuthError } from './oidc/errors.ts';
import { createOidcRoutes } from './oidc/routes.ts';
import { s3FaultAnswer } from './s3/fault.ts';
import { createS3Routes } from './s3/routes.ts';
import { answerV1Error } from './v1/errors.ts';
import { createV1Routes } from './v1/index.ts';
import { answerV2Error } from './v2/errors.ts';
import { createV2Routes } from './v2/index.ts';

/** The answer a fault gives in place of the site's: its body, or an error envelope naming it. */
function answerOf(c: Context<AppEnv>, fault: ActiveFault): Response {
  if (fault.s3Error) return s3FaultAnswer(fault.s3Error, c.req.path, c.get('requestId'));
  const status = fault.status ?? 500;
  if (typeof fault.body === 'string')
    return c.body(fault.body, status as 500, { 'content-type': fault.contentType ?? 'text/html' });
  return c.json(fault.body ?? errorBody(c, `Injected fault ${fault.id}`), status as 500);
}

/**
 * The site's answer as a fault changes it: status, JSON fields, bytes, headers. A dropped header
 * also leaves Node's response, where the headers every answer carries wait (see `everyAnswerHeader`).
 */
async function rewrite(c: Context<AppEnv>, res: Response, fault: ActiveFault): Promise<Response> {
  const headers = new Headers(res.headers);
  let body: ConstructorParameters<typeof Response>[0] = res.body;
  const json = headers.get('content-type')?.includes('json') ?? false;
  if (json && rewritesJson(fault)) {
    const text = await res.text();
    body = text === '' ? text : JSON.stringify(rewriteJson(JSON.parse(text) as unknown, fault));
  } else if (fault.alterBody) {
    body = alterBytes(new Uint8Array(await res.arrayBuffer()), fault.alterBody) as Uint8Array<ArrayBuffer>;
  }
  if (body !== res.body) headers.delete('content-length');
  if (fault.dropHeader) {
    headers.delete(fault.dropHeader);
    c.env?.outgoing?.removeHeader(fault.dropHeader);
  }
  if (fault.setHeader) headers.set(fault.setHeader.name, fault.setHeader.value);
  const status = fault.replaceStatus ?? res.status;
  // A 204 or 304 has no body; one that had a body before loses it.
  return new Response(status === 204 || status === 304 ? null : body, { status, headers });
}

const rewritesJson = (f: ActiveFault) =>
  Boolean(f.dropField ?? f.renameField ?? f.setField ?? f.retypeField ?? f.dropItem ?? f.duplicateItem);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A fault that only delays the site's answer. */
const delaysOnly = (f: ActiveFault) => !answersInPlace(f) && !rewritesAnswer(f);
/** Judged before the site answers: it names no user and no status of the answer. */
const judgedFirst = (f: ActiveFault) => f.user === undefined && f.onStatus === undefined;

const ID = /^[0-9a-f]{32}$|^[0-9a-f-]{36}$/i;

/**
 * Request ids as FirecREST shows them, a UUID 4 in 32 hex digits (version digit 4, variant digit
 * 8): a random part drawn once for this app and a count, unique without drawing random bytes on
 * every request.
 */
function requestIds(): () => string {
  const random = randomBytes(8).toString('hex');
  const prefix = `${random.slice(0, 12)}4${random.slice(13)}8`;
  let count = 0;
  return () => prefix + (++count).toString(16).padStart(15, '0');
}

export function createApp(sim: SimulatorContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const nextRequestId = requestIds();

  app.use(async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given && ID.test(given) ? given : nextRequestId();
    c.set('requestId', requestId);
    const correlation = c.req.header('x-correlation-id');
    // Headers set before the handler are applied as the answer is built, which costs less than
    // changing a finished Response.
    everyAnswerHeader(c, 'x-request-id', requestId);
    everyAnswerHeader(c, 'x-correlation-id', correlation && ID.test(correlation) ? correlation : requestId);
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

  app.use(limits());

  app.use(async (c, next) => {
    if (sim.faults.length === 0) return next();
    if (c.req.path.startsWith('/_sim')) return next();
    const matched = matchFaults(sim.faults, c.req.method, new URL(c.req.url));
    if (matched.length === 0) return next();
    // Each fault draws (and uses a time) once per request, when it is judged.
    for (const fault of matched.filter((f) => delaysOnly(f) && judgedFirst(f)))
      if (strikes(fault)) await sleep(fault.delayMs ?? 0);
    const inPlace = matched.find((f) => answersInPlace(f) && judgedFirst(f) && strikes(f));
    if (inPlace) {
      if (inPlace.delayMs) await sleep(inPlace.delayMs);
      c.res = answerOf(c, inPlace);
      return;
    }
    await next();
    for (const fault of matched) {
      if (judgedFirst(fault) && (answersInPlace(fault) || delaysOnly(fault))) continue;
      if (!appliesTo(fault, c.get('user')?.name, c.res.status) || !strikes(fault)) continue;
      if (fault.delayMs) await sleep(fault.delayMs);
      if (delaysOnly(fault)) continue;
      const changed = answersInPlace(fault) ? answerOf(c, fault) : await rewrite(c, c.res, fault);
      // Hono copies the old answer's headers onto a new one; a rewrite decides them itself.
      c.res = undefined;
      c.res = changed;
    }
  });

  app.route('/auth', createOidcRoutes(sim));
  app.route('/s3', createS3Routes({ store: () => sim.state.objects, credentials: sim.s3, faults: sim.engineFaults }));
  app.route('/v1', createV1Routes(sim));
  app.route('/v2', createV2Routes(sim));
  if (sim.options.controlPlane) app.route('/_sim', createControlRoutes(sim));

  app.notFound((c) => c.json(errorBody(c, 'Not Found'), 404));
  // Each generation answers its errors, the engines' included, in its own errors module; errors
  // of the site-wide middleware (limits) reach them too.
  app.onError((error, c) => {
    const path = c.req.path;
    if (path === '/v1' || path.startsWith('/v1/')) return answerV1Error(error, c);
    if (path === '/v2' || path.startsWith('/v2/')) return answerV2Error(error, c);
    if (error instanceof OAuthError) return answerOAuthError(error, c);
    return answerError(error, c);
  });
  return app;
}
