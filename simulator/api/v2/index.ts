import { Hono } from 'hono';
import { AuthError } from '../../engines/oidc/errors.ts';
import { SimError } from '../../errors.ts';
import type { SimulatorContext } from '../../context.ts';
import { everyAnswerHeader, type AppEnv } from '../shared/env.ts';
import { syncJobs } from '../shared/sync-jobs.ts';
import { createComputeRoutes } from './compute.ts';
import { methodNotAllowed } from './methods.ts';
import { createOpsRoutes } from './filesystem/ops.ts';
import { createStagedRoutes } from './filesystem/staged.ts';
import { createTransferRoutes } from './filesystem/transfer.ts';
import { createStatusRoutes, liveness } from './status.ts';

const SPACE = /\s/;

/** The token of `Bearer <token>` (any case, spaces around), read by slicing rather than a capturing pattern. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8) return undefined;
  if (header.slice(0, 6).toLowerCase() !== 'bearer' || !SPACE.test(header[6] ?? '')) return undefined;
  const token = header.slice(7).trim();
  return token === '' || SPACE.test(token) ? undefined : token;
}

export function createV2Routes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    everyAnswerHeader(c, 'F7T-AppVersion', sim.state.site.appVersion);
    everyAnswerHeader(c, 'F7T-Timestamp', String(Date.now() / 1000));
    await next();
  });

  app.use(methodNotAllowed(sim.spec, '/v2'));

  // The routes FirecREST serves without a token: liveness and its own API document (ours here).
  app.get('/openapi.json', (c) => c.json(sim.spec.document));
  app.get('/status/liveness/', (c) => c.json(liveness(sim)));
  app.get('/status/liveness', (c) => c.json(liveness(sim)));

  app.use(async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw new AuthError('missing');
    const verified = await sim.idp.verify(token);
    const user = sim.state.user(verified.username);
    // DEVIATION: upstream fails later over SSH with a 500; a clear 403 says what is wrong.
    if (!user) {
      throw new SimError(403, `User '${verified.username}' has no account on this site.`);
    }
    c.set('user', user);
    everyAnswerHeader(c, 'F7T-AuthUsername', user.name);
    return next();
  });

  app.use('/filesystem/*', syncJobs(sim));
  app.route('/status', createStatusRoutes(sim));
  app.route('/compute', createComputeRoutes(sim));
  app.route('/filesystem', createOpsRoutes(sim));
  app.route('/filesystem', createTransferRoutes(sim));
  app.route('/filesystem', createStagedRoutes(sim, sim.publicUrl));
  return app;
}
