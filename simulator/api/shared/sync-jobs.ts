import type { MiddlewareHandler } from 'hono';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from './env.ts';

/**
 * Jobs write files as site time passes: this brings them up to date before a route reads the file
 * system. Each generation mounts it on its file-system routes.
 */
export function syncJobs(sim: SimulatorContext): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    sim.state.scheduler.sync();
    await next();
  };
}
