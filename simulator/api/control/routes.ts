import { Hono } from 'hono';
import { clockModes, type ClockMode } from '../../engines/clock/index.ts';
import { SimError } from '../../errors.ts';
import type { Fault } from '../../faults.ts';
import type { PopulateOptions, SimulatorContext } from '../../context.ts';
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
    const body = await readObject(c);
    if (typeof body.seed !== 'number' || !Number.isSafeInteger(body.seed)) {
      throw new SimError(400, '[_sim] seed: an integer is required');
    }
    control.seed(body.seed);
    return c.json(control.info());
  });
  app.get('/clock', (c) => c.json(control.clock()));
  app.post('/clock/advance', async (c) => {
    const body = await readObject(c);
    if (typeof body.seconds !== 'number' || !(body.seconds >= 0)) {
      throw new SimError(400, '[_sim] seconds: a non-negative number is required');
    }
    return c.json(control.advance(body.seconds));
  });
  app.put('/clock', async (c) => {
    const body = await readObject(c);
    if (!clockModes.includes(body.mode as ClockMode)) {
      throw new SimError(400, `[_sim] mode: one of ${clockModes.join(', ')} is required`);
    }
    try {
      return c.json(control.setClock(body.mode as ClockMode, typeof body.scale === 'number' ? body.scale : undefined));
    } catch (error) {
      throw asError(error);
    }
  });
  app.get('/journal', (c) =>
    c.json({ entries: control.journal().map((e) => ({ ...e, at: new Date(e.at).toISOString() })) }),
  );
  app.delete('/journal', (c) => {
    control.clearJournal();
    return c.body(null, 204);
  });
  app.post('/tokens', async (c) => {
    const body = await readObject(c);
    if (typeof body.username !== 'string' || body.username === '') {
      throw new SimError(400, '[_sim] username: a string is required');
    }
    if (body.ttl !== undefined && typeof body.ttl !== 'number')
      throw new SimError(400, '[_sim] ttl: a number of seconds');
    if (body.issuer !== undefined && typeof body.issuer !== 'string')
      throw new SimError(400, '[_sim] issuer: a string');
    const token = await control.mintToken({
      username: body.username,
      ...(typeof body.ttl === 'number' ? { ttlS: body.ttl } : {}),
      ...(typeof body.issuer === 'string' ? { issuer: body.issuer } : {}),
    });
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
    const body = await readObject(c);
    try {
      return c.json(control.populate(body as unknown as PopulateOptions), 201);
    } catch (error) {
      throw asError(error);
    }
  });
  app.delete('/faults', (c) => {
    control.clearFaults();
    return c.body(null, 204);
  });
  return app;
}
