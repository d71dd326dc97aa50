import { ROOT } from '../simulator/engines/fs/index.ts';
import { runCli, type CliOptions } from './run-cli.ts';
import { startServer, type ServeConfig, type RunningSimulator } from './serve.ts';

// What the tests and benches that start `serve` on a port share: the simulator started as `serve`
// starts it (live, no control plane, unless told otherwise), a site profile for it, and an
// inventory of what a run could leave on it.

export function profileText(origin: string): string {
  return [
    'name: live-test',
    'firecrest:',
    `  v2: ${origin}/v2`,
    `  v1: ${origin}/v1`,
    'auth:',
    `  tokenUrl: ${origin}/auth/token`,
    'identities:',
    '  - { clientId: alice-client, clientSecret: alice-secret, username: alice }',
    '  - { clientId: bob-client, clientSecret: bob-secret, username: bob }',
    'systems:',
    '  - { name: daint, partitions: [normal, debug] }',
    'scratch: /scratch/{username}',
    'jobs: { partition: normal, budget: 120 }',
    'transfer:',
    '  s3:',
    `    endpoint: ${origin}/s3`,
    '    accessKeyId: f7t-sim-access-key',
    '    secretAccessKey: f7t-sim-secret-key',
    '',
  ].join('\n');
}

/** A simulator on a free port of this machine, live (no control plane) unless told otherwise. */
export const startSite = (config: Partial<ServeConfig>) =>
  startServer({
    port: 0,
    host: '127.0.0.1',
    seed: undefined,
    clients: [],
    publicUrl: undefined,
    clock: { mode: 'real' },
    controlPlane: false,
    privateJobs: false,
    ...config,
  });

/** Everything on the site a run could leave behind: paths, active jobs, objects and open uploads. */
export function inventory(running: RunningSimulator) {
  const { state } = running.simulator;
  const paths: string[] = [];
  const walk = (system: string, path: string) => {
    const fs = state.filesystem(system);
    for (const entry of fs.list(ROOT, path)) {
      const full = `${path === '/' ? '' : path}/${entry.name}`;
      paths.push(`${system}:${full}`);
      if (entry.stat.type === 'directory') walk(system, full);
    }
  };
  const systems = ['daint'];
  for (const system of systems) walk(system, '/');
  state.scheduler.sync();
  const active: string[] = [];
  for (const system of systems) {
    const alice = state.user('alice');
    if (!alice) throw new Error('no alice');
    for (const job of state.scheduler.list(system, alice, { allUsers: true }))
      if (job.state === 'PENDING' || job.state === 'RUNNING') active.push(`${system}:${job.id} ${job.name}`);
  }
  const objects: string[] = [];
  for (const bucket of state.objects.buckets()) {
    for (const o of state.objects.list(bucket.name, { maxKeys: 1000 }).contents)
      objects.push(`${bucket.name}/${o.key}`);
    for (const u of state.objects.pendingUploads(bucket.name)) objects.push(`${bucket.name}/${u.key} (upload)`);
  }
  return { paths, active, objects };
}

export const check = (args: string[], onStderr?: CliOptions['onStderr']) =>
  runCli(['check', ...args], { timeoutMs: 240_000, ...(onStderr ? { onStderr } : {}) });
