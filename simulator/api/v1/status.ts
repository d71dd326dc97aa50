import { Hono } from 'hono';
import type { SimulatorContext } from '../../context.ts';
import type { AppEnv } from '../shared/env.ts';
import { UTILITIES_MAX_FILE_SIZE } from './utilities.ts';

export const v1Services = ['certificator', 'tasks', 'utilities', 'storage', 'compute', 'reservations'] as const;

const service = (name: string) => ({
  description: 'server up & flask running',
  service: name,
  status: 'available',
  status_code: 200,
});
const system = (name: string) => ({ description: 'System ready', status: 'available', system: name });
const fsNames: Record<string, [string, string]> = {
  users: ['HOME', 'Users home filesystem'],
  scratch: ['SCRATCH', 'Scratch filesystem'],
  project: ['PROJECT', 'Project filesystem'],
  store: ['STORE', 'Store filesystem'],
  archive: ['ARCHIVE', 'Archive filesystem'],
  apps: ['APPS', 'Applications filesystem'],
};

export function createStatusRoutes(sim: SimulatorContext, appVersion: string) {
  const app = new Hono<AppEnv>();
  const systems = () => sim.state.site.systems;
  const filesystems = (name: string) =>
    (systems().find((s) => s.name === name)?.fileSystems ?? []).map((fs) => {
      const [label, description] = fsNames[fs.dataType] ?? [fs.dataType.toUpperCase(), 'Filesystem'];
      return { description, name: label, path: fs.path, status: 'available', status_code: 200 };
    });

  app.get('/services', (c) =>
    c.json({ description: 'List of services with status and description.', out: v1Services.map(service) }),
  );
  app.get('/services/:name', (c) => {
    const name = c.req.param('name');
    if (!(v1Services as readonly string[]).includes(name))
      return c.json({ description: 'Service does not exists' }, 404);
    return c.json(service(name));
  });
  app.get('/systems', (c) =>
    c.json({ description: 'List of systems with status and description.', out: systems().map((s) => system(s.name)) }),
  );
  app.get('/systems/:name', (c) => {
    const name = c.req.param('name');
    if (!systems().some((s) => s.name === name)) return c.json({ description: 'System does not exists.' }, 404);
    return c.json({ description: 'System information', out: system(name) });
  });
  app.get('/filesystems', (c) =>
    c.json({
      description: 'Filesystem information',
      out: Object.fromEntries(systems().map((s) => [s.name, filesystems(s.name)])),
    }),
  );
  app.get('/filesystems/:name', (c) => {
    const name = c.req.param('name');
    if (!systems().some((s) => s.name === name)) return c.json({ description: 'System does not exists.' }, 404);
    // Unlike the all-systems answer, one system's mounts are a list, with the system named in the words.
    return c.json({ description: `Filesystem information for system ${name}`, out: filesystems(name) });
  });
  app.get('/parameters', (c) => {
    const p = (name: string, value: unknown, description: string, unit = '') => ({ description, name, unit, value });
    return c.json({
      description: "Firecrest's parameters",
      out: {
        compute: [
          p('WORKLOAD_MANAGER', 'Slurm', 'Type of resource and workload manager used in compute microservice.'),
        ],
        general: [
          p('FIRECREST_VERSION', appVersion, 'FirecREST version.'),
          p('FIRECREST_BUILD', '', 'FirecREST build timestamp.'),
        ],
        storage: [
          p('OBJECT_STORAGE', 's3v4', 'Type of object storage, like `swift`, `s3v2` or `s3v4`.'),
          p('STORAGE_TEMPURL_EXP_TIME', '604800', 'Expiration time for temp URLs.', 'seconds'),
          p('STORAGE_MAX_FILE_SIZE', '5120', 'Maximum file size for temp URLs.', 'MB'),
          p(
            'FILESYSTEMS',
            systems().map((s) => ({ mounted: s.fileSystems.map((f) => f.path), system: s.name })),
            'Available filesystems through the API.',
          ),
        ],
        utilities: [
          p(
            'UTILITIES_MAX_FILE_SIZE',
            String(UTILITIES_MAX_FILE_SIZE / 1024 / 1024),
            'The maximum allowable file size for various operations of the utilities microservice.',
            'MB',
          ),
          p(
            'UTILITIES_TIMEOUT',
            '5',
            'Maximum time duration for executing the commands in the cluster for the utilities microservice.',
            'seconds',
          ),
        ],
      },
    });
  });
  return app;
}
