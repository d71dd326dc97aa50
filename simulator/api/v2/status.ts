import { Hono } from 'hono';
import type { SimulatorContext } from '../../context.ts';
import { compressHostlist } from '../../engines/site/hostlist.ts';
import type { SystemSpec } from '../../engines/site/types.ts';
import type { AppEnv } from '../shared/env.ts';
import { MAX_PART_SIZE, STAGING_DAYS, URL_TTL_S } from '../shared/staging.ts';
import { currentUser, queryBool } from './request.ts';

const HEALTH_INTERVAL_S = 60;
export const MAX_OPS_FILE_SIZE = 5 * 1024 * 1024;

/** Health checks "run" every minute of site time; all services are healthy unless a fault says otherwise. */
function lastHealthCheck(sim: SimulatorContext): Date {
  const now = sim.state.clock.now();
  return new Date(Math.floor(now / (HEALTH_INTERVAL_S * 1000)) * HEALTH_INTERVAL_S * 1000);
}

export function liveness(sim: SimulatorContext) {
  const checked = lastHealthCheck(sim);
  return {
    healthcheckRuns: Object.fromEntries(sim.state.site.systems.map((s) => [s.name, checked.toISOString()])),
    lastUpdate: Math.floor((sim.state.clock.now() - checked.getTime()) / 1000),
  };
}

/** The sbatch directives transfer jobs get, as the system's configuration lists them. */
export function transferDirectives(system: SystemSpec): string[] {
  return ['#SBATCH --nodes=1', '#SBATCH --time=0-00:15:00', `#SBATCH --partition=${system.transferPartition}`];
}

function systemModel(sim: SimulatorContext, system: SystemSpec) {
  const checked = lastHealthCheck(sim).toISOString();
  const health = (serviceType: string, extra: Record<string, unknown> = {}) => ({
    serviceType,
    lastChecked: checked,
    latency: 0.05,
    healthy: true,
    message: null,
    ...extra,
  });
  return {
    name: system.name,
    ssh: {
      host: `${system.name}.sim.local`,
      port: 22,
      proxyHost: null,
      proxyPort: null,
      maxClients: 100,
      timeout: { connection: 5, login: 5, commandExecution: 5, idleTimeout: 60, keepAlive: 5 },
    },
    scheduler: {
      type: 'slurm',
      connectionMode: 'ssh',
      version: system.schedulerVersion,
      apiUrl: null,
      apiVersion: null,
      timeout: 10,
    },
    servicesHealth: [
      health('scheduler'),
      health('ssh'),
      ...system.fileSystems.map((fs) => health('filesystem', { path: fs.path })),
    ],
    probing: {
      services: { ssh: { timeout: 5 }, filesystem: { timeout: 5 }, scheduler: { timeout: 10 } },
      intervalCheck: HEALTH_INTERVAL_S,
    },
    lastHealthCheck: checked,
    fileSystems: system.fileSystems.map((fs) => ({
      path: fs.path,
      dataType: fs.dataType,
      defaultWorkDir: fs.defaultWorkDir ?? false,
    })),
    dataOperation: {
      datatransfer_jobs_directives: transferDirectives(system),
      max_ops_file_size: MAX_OPS_FILE_SIZE,
      data_transfer: {
        service_type: 's3',
        name: 's3',
        private_url: `${sim.publicUrl}/s3`,
        public_url: `${sim.publicUrl}/s3`,
        region: sim.s3.region,
        ttl: URL_TTL_S,
        tenant: null,
        multipart: { use_split: false, max_part_size: MAX_PART_SIZE, parallel_runs: 3, tmp_folder: 'tmp' },
        bucket_lifecycle_configuration: { days: STAGING_DAYS },
      },
    },
  };
}

export function createStatusRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  const spec = (name: string) => sim.state.scheduler.system(name);

  // The list changes only when a health check "runs": render it once per check and site.
  const rendered = new WeakMap<object, { checked: number; body: string }>();
  app.get('/systems', (c) => {
    const { site } = sim.state;
    const checked = lastHealthCheck(sim).getTime();
    let cached = rendered.get(site);
    if (cached?.checked !== checked) {
      cached = { checked, body: JSON.stringify({ systems: site.systems.map((s) => systemModel(sim, s)) }) };
      rendered.set(site, cached);
    }
    return c.body(cached.body, 200, { 'content-type': 'application/json' });
  });

  app.get('/:system/nodes', (c) => {
    const system = spec(c.req.param('system'));
    const states = sim.state.scheduler.nodeStates(system.name);
    return c.json({
      nodes: system.nodes.map((n) => {
        const state = states.get(n.name) ?? ['IDLE'];
        const allocated = state.includes('ALLOCATED');
        return {
          sockets: n.sockets,
          cores: n.cores,
          threads: n.threads,
          cpus: n.cpus,
          cpuLoad: allocated ? n.cpus * 0.9 : 0.01,
          freeMemory: allocated ? Math.floor(n.memoryMiB * 0.2) : n.memoryMiB - 2048,
          features: n.features.join(','),
          name: n.name,
          address: n.address,
          hostname: n.name,
          state: [...state],
          partitions: [...n.partitions],
          weight: 1,
          allocMemory: allocated ? n.memoryMiB : 0,
          allocCpus: allocated ? n.cpus : 0,
          idleCpus: allocated ? 0 : n.cpus,
        };
      }),
    });
  });

  app.get('/:system/partitions', (c) => {
    const system = spec(c.req.param('system'));
    const showHidden = queryBool(c, 'show_hidden');
    const states = sim.state.scheduler.partitionStates(system.name);
    return c.json({
      partitions: system.partitions
        .filter((p) => showHidden || !p.hidden)
        .map((p) => ({
          name: p.name,
          cpus: system.nodes.filter((n) => p.nodes.includes(n.name)).reduce((sum, n) => sum + n.cpus, 0),
          totalNodes: p.nodes.length,
          partition: states.get(p.name) ?? 'UP',
        })),
    });
  });

  app.get('/:system/reservations', (c) => {
    const system = spec(c.req.param('system'));
    const now = sim.state.clock.now() / 1000;
    return c.json({
      reservations: system.reservations.map((r) => ({
        name: r.name,
        nodeList: compressHostlist(r.nodes),
        startTime: r.start,
        endTime: r.end,
        features: r.features,
        state: r.start <= now && now < r.end ? 'active' : 'inactive',
      })),
    });
  });

  app.get('/:system/userinfo', (c) => {
    spec(c.req.param('system'));
    const user = currentUser(c);
    const id = (g: { name: string; gid: number }) => ({ id: String(g.gid), name: g.name });
    const primary = user.groups[0] ?? { name: user.name, gid: user.gid };
    return c.json({
      user: { id: String(user.uid), name: user.name },
      group: id(primary),
      groups: user.groups.map(id),
      accounts: user.accounts.map((name, i) => ({ name, default: i === 0 })),
    });
  });
  return app;
}
