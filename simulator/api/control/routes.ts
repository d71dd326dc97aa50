import { Hono } from 'hono';
import type { Fault } from '../../faults.ts';
import type { SimulatorContext } from '../../context.ts';
import { createFailureRoutes } from './failures.ts';
import { advanceOf, asRefusal, bodyOf, clockOf, populateJobsOf, populateOf, seedOf, tokenOf } from './inputs.ts';
import type { AppEnv } from '../shared/env.ts';

/** The control plane: reset, seed, clock, journal, tokens and faults, for tests and demos. */
export function createControlRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  const { control } = sim;
  app.get('/', (c) => c.json({ ...control.info(), clock: control.clock() }));
  app.post('/reset', (c) => {
    control.reset();
    return c.json(control.info());
  });
  app.post('/seed', async (c) => {
    control.seed(seedOf(await bodyOf(c)));
    return c.json(control.info());
  });
  app.get('/clock', (c) => c.json(control.clock()));
  app.post('/clock/advance', async (c) => {
    const seconds = advanceOf(await bodyOf(c), control.clock().now);
    return c.json(control.advance(seconds));
  });
  app.put('/clock', async (c) => {
    const { mode, scale } = clockOf(await bodyOf(c));
    return c.json(control.setClock(mode, scale));
  });
  app.get('/journal', (c) =>
    c.json({ entries: control.journal().map((e) => ({ ...e, at: new Date(e.at).toISOString() })) }),
  );
  app.delete('/journal', (c) => {
    control.clearJournal();
    return c.body(null, 204);
  });
  app.post('/tokens', async (c) => {
    const token = await control.mintToken(tokenOf(await bodyOf(c)));
    return c.json({ access_token: token, token_type: 'Bearer' });
  });
  app.post('/faults', async (c) => {
    const body = await bodyOf(c);
    try {
      return c.json({ id: control.injectFault(body as unknown as Fault) }, 201);
    } catch (error) {
      throw asRefusal(error);
    }
  });
  app.post('/files', async (c) => {
    const options = populateOf(await bodyOf(c));
    try {
      return c.json(control.populate(options), 201);
    } catch (error) {
      throw asRefusal(error);
    }
  });
  app.post('/jobs', async (c) => {
    const options = populateJobsOf(await bodyOf(c));
    try {
      return c.json(control.populateJobs(options), 201);
    } catch (error) {
      throw asRefusal(error);
    }
  });
  app.delete('/faults', (c) => {
    control.clearFaults();
    return c.body(null, 204);
  });
  app.route('/', createFailureRoutes(sim));
  return app;
}
