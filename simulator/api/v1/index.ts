import { Hono } from 'hono';
import { AuthError } from '../../engines/oidc/index.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import { syncJobs } from '../shared/sync-jobs.ts';
import { V1Error } from './errors.ts';
import { createComputeRoutes } from './compute.ts';
import { createReservationRoutes } from './reservations.ts';
import { createStatusRoutes } from './status.ts';
import { createStorageRoutes } from './storage.ts';
import { createTaskRoutes, listTasks } from './tasks.ts';
import { createUtilitiesRoutes } from './utilities.ts';

/** The version v1 reports in /status/parameters; pyfirecrest enables features by it. */
export const V1_VERSION = 'v1.16.6';

const v1AuthText = {
  missing: 'No Auth Header given',
  malformed: 'Bad header or JWT, general exception raised',
  signature: 'JWT token has invalid signature',
  expired: 'JWT token has expired',
  'too-soon': 'JWT token has expired',
  'unknown-key': 'JWT token has invalid signature',
  issuer: 'Bad header or JWT, general exception raised',
  'claim-missing': 'Bad header or JWT, general exception raised',
} as const;

/** FirecREST v1 under /v1: the gateway's routes to status, utilities, compute, storage and tasks. */
export function createV1Routes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw new V1Error(401, { description: v1AuthText.missing });
    const token = header.replace(/^Bearer /, '');
    let verified;
    try {
      // v1 (PyJWT) checks signature, algorithm and expiry; it keeps no minimum life.
      verified = await sim.idp.verify(token, { minTtlS: 0 });
    } catch (error) {
      if (error instanceof AuthError) throw new V1Error(401, { description: v1AuthText[error.reason] });
      throw new V1Error(401, { description: v1AuthText.malformed });
    }
    if (!verified.scopes.includes('firecrest')) {
      throw new V1Error(401, { description: "Scope 'firecrest' wasn't found in JWT" });
    }
    const user = sim.state.user(verified.username);
    if (!user) throw new V1Error(401, { description: `User '${verified.username}' has no account on this site` });
    c.set('user', user);
    return next();
  });

  app.use('/utilities/*', syncJobs(sim));
  app.use('/storage/*', syncJobs(sim));
  app.route('/status', createStatusRoutes(sim, V1_VERSION));
  app.route('/utilities', createUtilitiesRoutes(sim));
  app.route('/compute', createComputeRoutes(sim));
  app.route('/storage', createStorageRoutes(sim));
  app.route('/reservations', createReservationRoutes(sim));
  app.get('/tasks/', listTasks(sim));
  app.route('/tasks', createTaskRoutes(sim));
  // The gateway answers what it does not route with 400.
  app.all('*', (c) => c.json({ message: 'Invalid' }, 400));
  return app;
}
