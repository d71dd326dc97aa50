// The control plane's scheduler and issuer operations: what an administrator (or an outage) does
// to a site, for client developers to script the failures their code must survive.
import { Hono } from 'hono';
import { nodeActions, partitionStates, type NodeAction, type PartitionState } from '../../engines/slurm/index.ts';
import { asRefusal, bodyOf, controlBounds, integer, refuse } from './inputs.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';

function oneOf<T extends string>(body: Record<string, unknown>, name: string, values: readonly T[]): T {
  const value = body[name];
  if (typeof value !== 'string' || !values.includes(value as T))
    throw refuse(`${name}: one of ${values.map((v) => `"${v}"`).join(', ')} is required`);
  return value as T;
}

export function createFailureRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  const { control } = sim;

  app.post('/nodes/:system/:node', async (c) => {
    const action = oneOf<NodeAction>(await bodyOf(c), 'state', nodeActions);
    const { system, node } = c.req.param();
    try {
      return c.json({ system, node, state: control.setNodeState(system, node, action) });
    } catch (error) {
      throw asRefusal(error);
    }
  });

  app.post('/partitions/:system/:partition', async (c) => {
    const body = await bodyOf(c);
    const state = oneOf<PartitionState>(
      { state: typeof body.state === 'string' ? body.state.toUpperCase() : body.state },
      'state',
      partitionStates,
    );
    const { system, partition } = c.req.param();
    try {
      control.setPartitionState(system, partition, state);
      return c.json({ system, partition, state });
    } catch (error) {
      throw asRefusal(error);
    }
  });

  app.post('/keys/rotate', async (c) => {
    const graceS = integer(await bodyOf(c), 'graceS', 0, controlBounds.maxGraceS) ?? 0;
    const { kid, retired, retiredAt } = await control.rotateSigningKey(graceS);
    return c.json({ kid, retired, retiredAt: new Date(retiredAt).toISOString() });
  });

  return app;
}
