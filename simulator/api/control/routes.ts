import { Hono } from 'hono';
import { SimError } from '../../errors.ts';
import type { Fault } from '../../faults.ts';
import type { SimulatorContext } from '../../context.ts';
import { createFailureRoutes } from './failures.ts';
import { advanceOf, clockOf, populateOf, seedOf, tokenOf } from './inputs.ts';
import type { AppEnv } from '../shared/env.ts';

async function readObject(c: { req: { text(): Promise<string> } }): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SimError(400, '[_sim] the body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SimError(400, '[_sim] the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

const asError = (error: unknown) =>
  new SimError(400, `[_sim] ${error instanceof Error ? error.message : String(error)}`);

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
    control.seed(seedOf(await readObject(c)));
    return c.json(control.info());
  });
  app.get('/clock', (c) => c.json(control.clock()));
  app.post('/clock/advance', async (c) => {
    const seconds = advanceOf(await readObject(c), control.clock().now);
    return c.json(control.advance(seconds));
  });
  app.put('/clock', async (c) => {
    const { mode, scale } = clockOf(await readObject(c));
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
    const token = await control.mintToken(tokenOf(await readObject(c)));
    return c.json({ access_token: token, token_type: 'Bearer' });
  });
  app.post('/faults', async (c) => {
    const body = await readObject(c);
    try {
      return c.json({ id: control.injectFault(body as unknown as Fault) }, 201);
    } catch (error) {
      throw asError(error);
    }
  });
  app.post('/files', async (c) => {
    const options = populateOf(await readObject(c));
    try {
      return c.json(control.populate(options), 201);
    } catch (error) {
      throw asError(error);
    }
  });
  app.delete('/faults', (c) => {
    control.clearFaults();
    return c.body(null, 204);
  });
  app.route('/', createFailureRoutes(sim));
  return app;
}
