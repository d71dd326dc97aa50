import { Hono } from 'hono';
import type { SimulatorContext } from '../../context.ts';
import type { JobRequest } from '../../engines/slurm/index.ts';
import type { AppEnv } from '../shared/env.ts';
import { parseWithinLimit } from '../limits.ts';
import { currentUser, jobIdParam, queryBool, readJson, validateBody } from './request.ts';
import { jobMetadata, jobModel } from './serialize.ts';

// FirecREST accepts each job field in camelCase or snake_case; these are the other spellings.
const aliases: Record<string, string> = {
  working_directory: 'workingDirectory',
  current_working_directory: 'workingDirectory',
  currentWorkingDirectory: 'workingDirectory',
  standard_input: 'standardInput',
  standard_output: 'standardOutput',
  standard_error: 'standardError',
  script_path: 'scriptPath',
};

function normaliseJob(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const job = (body as { job?: unknown }).job;
  if (job === null || typeof job !== 'object' || Array.isArray(job)) return body;
  const renamed = Object.fromEntries(Object.entries(job).map(([k, v]) => [aliases[k] ?? k, v]));
  return { ...body, job: renamed };
}

function envOf(env: unknown): Record<string, string> | undefined {
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const text = String(entry);
        const eq = text.indexOf('=');
        return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  return env && typeof env === 'object' ? (env as Record<string, string>) : undefined;
}

export function createComputeRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  const scheduler = () => sim.state.scheduler;
  const now = () => sim.state.clock.now();

  app.post('/:system/jobs', async (c) => {
    const user = currentUser(c);
    const system = scheduler().system(c.req.param('system'));
    const body = normaliseJob(await readJson(c));
    validateBody(sim, 'postJob', body);
    const job = (body as { job: JobRequest & { env?: unknown } }).job;
    // A large script is parsed giving the event loop turns; the scheduler takes it parsed.
    const parsed = await parseWithinLimit(job.script);
    const submitted = scheduler().submit(system.name, user, { ...job, env: envOf(job.env), parsed });
    return c.json({ jobId: String(submitted.id) }, 201);
  });

  app.get('/:system/jobs', (c) => {
    const user = currentUser(c);
    const jobs = scheduler().list(c.req.param('system'), user, {
      allUsers: queryBool(c, 'allusers'),
      account: c.req.query('account'),
    });
    return c.json({ jobs: jobs.map((j) => jobModel(j, now())) });
  });

  app.get('/:system/jobs/:jobId', (c) => {
    const job = scheduler().get(c.req.param('system'), currentUser(c), jobIdParam(c));
    return c.json({ jobs: [jobModel(job, now())] });
  });

  app.get('/:system/jobs/:jobId/metadata', (c) => {
    const user = currentUser(c);
    const job = scheduler().get(c.req.param('system'), user, jobIdParam(c));
    return c.json({ jobs: [jobMetadata(job, user)] });
  });

  app.delete('/:system/jobs/:jobId', (c) => {
    scheduler().cancel(c.req.param('system'), currentUser(c), jobIdParam(c));
    return c.body(null, 204);
  });

  app.put('/:system/jobs/:jobId/attach', async (c) => {
    const user = currentUser(c);
    const system = scheduler().system(c.req.param('system'));
    const id = jobIdParam(c);
    const body = await readJson(c);
    validateBody(sim, 'putJobAttach', body);
    scheduler().attach(system.name, user, id, (body as { command: string }).command);
    return c.body(null, 204);
  });
  return app;
}
