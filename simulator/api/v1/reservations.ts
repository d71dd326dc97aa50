import { Hono, type Context } from 'hono';
import { SlurmError } from '../../engines/slurm/index.ts';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import { slurmText, V1Error } from './errors.ts';
import { caller, checkInput, form, machine, v1Time } from './request.ts';

const parseTime = (text: string) => {
  const ms = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
};

/**
 * v1's reservation service (a site tool behind it on a real system): users make, change and
 * remove reservations of nodes of a type; jobs can then run in them. The gateway marks it
 * deprecated.
 */
export function createReservationRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    await next();
    c.header('Deprecation', '@1711111630');
    c.header('Sunset', 'Only suppoerted until v2.0');
  });

  const refuse = (error: unknown, what: string, name: string): never => {
    if (error instanceof SlurmError)
      throw new V1Error(
        400,
        { error: `Error ${what} reservation ${name}`, description: slurmText(error) },
        { 'X-Error': slurmText(error) },
      );
    throw error;
  };

  const fields = async (c: Context<AppEnv>, description: string) => {
    const f = await form(c);
    const count = Number(checkInput(f.numberOfNodes, 'numberOfNodes', description));
    const start = parseTime(checkInput(f.starttime, 'starttime', description));
    const end = parseTime(checkInput(f.endtime, 'endtime', description));
    if (!Number.isInteger(count) || count < 1)
      throw new V1Error(400, { error: description, description: "'numberOfNodes' is not a positive integer" });
    if (start === undefined || end === undefined)
      throw new V1Error(400, { error: description, description: 'Error: invalid start time reservation' });
    return { f, count, start, end, feature: checkInput(f.nodeType, 'nodeType', description) };
  };

  app.get('/', (c) => {
    const system = machine(sim, c, 'Error listing reservations');
    caller(c);
    const now = sim.state.clock.now() / 1000;
    return c.json({
      success: sim.state.scheduler.reservations(system.name).map((r) => ({
        rsvname: r.name,
        status: r.start <= now && now < r.end ? 'ACTIVE' : 'INACTIVE',
        starttime: v1Time(r.start * 1000),
        endtime: v1Time(r.end * 1000),
        nodes: r.nodes.join(','),
      })),
    });
  });

  app.post('/', async (c) => {
    const system = machine(sim, c, 'Error creating reservation');
    const { user } = caller(c);
    const { f, count, start, end, feature } = await fields(c, 'Error creating reservation');
    const name = checkInput(f.reservation, 'reservation', 'Error creating reservation');
    const account = checkInput(f.account, 'account', 'Error creating reservation');
    try {
      sim.state.scheduler.reserve(system.name, user, { name, account, nodeCount: count, feature, start, end });
    } catch (error) {
      refuse(error, 'creating', name);
    }
    return c.json({ success: `Reservation created: ${name}` }, 201);
  });

  app.put('/:name', async (c) => {
    const system = machine(sim, c, 'Error updating reservation');
    const { user } = caller(c);
    const name = c.req.param('name');
    const { count, start, end, feature } = await fields(c, 'Error updating reservation');
    try {
      sim.state.scheduler.reserve(system.name, user, {
        name,
        account: undefined,
        nodeCount: count,
        feature,
        start,
        end,
        update: true,
      });
    } catch (error) {
      refuse(error, 'updating', name);
    }
    return c.json({ success: `Reservation ${name} updated` });
  });

  app.delete('/:name', (c) => {
    const system = machine(sim, c, 'Error deleting reservation');
    const { user } = caller(c);
    const name = c.req.param('name');
    try {
      sim.state.scheduler.unreserve(system.name, user, name);
    } catch (error) {
      refuse(error, 'deleting', name);
    }
    return c.body(null, 204);
  });
  return app;
}
