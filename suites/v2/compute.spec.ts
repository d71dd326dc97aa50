import { jobScripts } from '../../fixtures/job-scripts.ts';
import { isTerminalState, type Job, type JobMetadata } from '../../spec/types.ts';
import { expectEnvelope, expectErrorClass, expectResponse, expectThat, useHarness } from '../harness/index.ts';

const { check } = useHarness();
const terminal = (job: Job) => isTerminalState(job.status.state);

check('V2-COMPUTE-SUBMIT-001', 'submits a script and answers 201 with a string job id', async (t) => {
  const answer = await t.api.post<{ jobId: unknown }>(`/compute/${t.system}/jobs`, {
    json: { job: { name: 'f7t-submit', script: jobScripts.exitWith(0), workingDirectory: await t.jobDir() } },
  });
  expectResponse(answer, 201);
  expectThat(
    answer,
    typeof answer.body.jobId === 'string' && answer.body.jobId !== '',
    'jobId is not a non-empty string',
  );
});

check('V2-COMPUTE-SUBMIT-002', 'refuses a job without workingDirectory, naming the field', async (t) => {
  const answer = await t.api.post(`/compute/${t.system}/jobs`, {
    json: { job: { name: 'f7t-no-wd', script: jobScripts.exitWith(0) } },
  });
  expectResponse(answer, 400);
  expectThat(answer, (answer.body as { errorType?: string }).errorType === 'validation', 'errorType is not validation');
  expectThat(answer, /working_?directory/i.test(answer.text), 'the error does not name workingDirectory');
});

check('V2-COMPUTE-SUBMIT-003', 'refuses malformed JSON with 400', async (t) => {
  const answer = await t.api.post(`/compute/${t.system}/jobs`, { body: '{"job": {"script": "#!/bin/bash\\n"' });
  expectResponse(answer, 400);
});

check('V2-COMPUTE-SUBMIT-004', 'answers 404 when submitting to an unknown system', async (t) => {
  const answer = await t.api.post('/compute/no-such-system-f7t/jobs', {
    json: { job: { script: jobScripts.exitWith(0), workingDirectory: t.workdir } },
  });
  expectResponse(answer, 404);
});

check('V2-COMPUTE-GET-001', 'reads a submitted job back by its id', async (t) => {
  const id = await t.submitJob(t.api, { name: 'f7t-get', script: jobScripts.exitWith(0) });
  const job = await t.waitForJob(t.api, id, () => true, 'be visible');
  const answer = await t.api.get<{ jobs: Job[] }>(`/compute/${t.system}/jobs/${id}`);
  expectResponse(answer, 200);
  expectThat(answer, job.jobId === id, `jobId is ${job.jobId}, expected ${id}`);
  expectThat(answer, job.name === 'f7t-get', `name is ${job.name}`);
  expectThat(answer, job.user === t.username, `user is ${job.user ?? 'null'}, expected ${t.username}`);
  const dir = await t.jobDir();
  expectThat(answer, job.workingDirectory === dir, `workingDirectory is ${job.workingDirectory}, expected ${dir}`);
});

check('V2-COMPUTE-GET-002', 'answers 404 for an unknown job', async (t) => {
  const answer = await t.api.get(`/compute/${t.system}/jobs/999999999`);
  expectResponse(answer, 404);
  expectThat(
    answer,
    /job not found/i.test((answer.body as { message?: string }).message ?? ''),
    'the message does not say "Job not found"',
  );
});

check('V2-COMPUTE-GET-003', 'answers 4xx for a malformed job id', async (t) => {
  expectErrorClass(await t.api.get(`/compute/${t.system}/jobs/notanumber`), 4);
});

check('V2-COMPUTE-STATE-001', 'a script ending with exit 0 is COMPLETED with exit code 0', async (t) => {
  const id = await t.submitJob(t.api, { name: 'f7t-exit0', script: jobScripts.exitWith(0) });
  const job = await t.waitForJob(t.api, id, terminal, 'finish');
  if (job.status.state !== 'COMPLETED') throw new Error(`job ${id} ended ${job.status.state}, expected COMPLETED`);
  if (job.status.exitCode !== 0) throw new Error(`job ${id} exit code is ${String(job.status.exitCode)}, expected 0`);
});

check('V2-COMPUTE-STATE-002', 'a script ending with exit 3 is FAILED with exit code 3', async (t) => {
  const id = await t.submitJob(t.api, { name: 'f7t-exit3', script: jobScripts.exitWith(3) });
  const job = await t.waitForJob(t.api, id, terminal, 'finish');
  if (job.status.state !== 'FAILED') throw new Error(`job ${id} ended ${job.status.state}, expected FAILED`);
  if (job.status.exitCode !== 3) throw new Error(`job ${id} exit code is ${String(job.status.exitCode)}, expected 3`);
});

check('V2-COMPUTE-STATE-003', 'a job past its time limit ends in TIMEOUT', async (t) => {
  const id = await t.submitJob(t.api, { name: 'f7t-timeout', script: jobScripts.overrun() });
  const job = await t.waitForJob(t.api, id, terminal, 'finish');
  if (!job.status.state.startsWith('TIMEOUT')) throw new Error(`job ${id} ended ${job.status.state}, expected TIMEOUT`);
});

check('V2-COMPUTE-METADATA-001', "gives a job's script and output path", async (t) => {
  const script = jobScripts.exitWith(0);
  const output = `${await t.jobDir()}/f7t-meta.out`;
  const id = await t.submitJob(t.api, { name: 'f7t-meta', script, standardOutput: output });
  await t.waitForJob(t.api, id, () => true, 'be visible');
  const answer = await t.api.get<{ jobs: JobMetadata[] }>(`/compute/${t.system}/jobs/${id}/metadata`);
  expectResponse(answer, 200);
  const meta = answer.body.jobs[0];
  expectThat(answer, meta?.jobId === id, 'the metadata is for another job');
  // A site profile's job settings add #SBATCH lines; every submitted line is there, in order.
  const given = script.trim().split('\n');
  const kept = (meta?.script ?? '').trim().split('\n');
  let at = 0;
  for (const line of kept) if (line === given[at]) at++;
  expectThat(answer, at === given.length, 'the script differs from the one submitted');
  expectThat(answer, meta?.standardOutput === output, `standardOutput is ${String(meta?.standardOutput)}`);
});

check('V2-COMPUTE-METADATA-002', 'answers 404 for the metadata of an unknown job', async (t) => {
  expectResponse(await t.api.get(`/compute/${t.system}/jobs/999999999/metadata`), 404);
});

check('V2-COMPUTE-LIST-001', "lists the caller's own job", async (t) => {
  const id = await t.submitJob(t.api, { name: 'f7t-list', script: jobScripts.exitWith(0) });
  await t.waitForJob(t.api, id, () => true, 'be visible');
  const answer = await t.api.get<{ jobs: Job[] | null }>(`/compute/${t.system}/jobs`);
  expectResponse(answer, 200);
  expectThat(
    answer,
    (answer.body.jobs ?? []).some((j) => j.jobId === id),
    `job ${id} is not in the list`,
  );
});

check('V2-COMPUTE-LIST-002', "does not list another user's jobs", async (t) => {
  const other = t.second();
  const id = await t.submitJob(other, { name: 'f7t-other', script: jobScripts.sleeper(60) });
  await t.waitForJob(other, id, () => true, 'be visible');
  const answer = await t.api.get<{ jobs: Job[] | null }>(`/compute/${t.system}/jobs`);
  expectResponse(answer, 200);
  const jobs = answer.body.jobs ?? [];
  expectThat(answer, !jobs.some((j) => j.jobId === id), `another user's job ${id} is in the list`);
  expectThat(
    answer,
    jobs.every((j) => j.user === t.username),
    'the list holds jobs of other users',
  );
  await other.delete(`/compute/${t.system}/jobs/${id}`);
});

check('V2-COMPUTE-CANCEL-001', 'cancels a running job', async (t) => {
  const id = await t.submitJob(t.api, { name: 'f7t-cancel', script: jobScripts.sleeper(600) });
  await t.waitForJob(t.api, id, (j) => j.status.state === 'RUNNING', 'start running');
  const answer = await t.api.delete(`/compute/${t.system}/jobs/${id}`);
  expectResponse(answer, 204);
  const job = await t.waitForJob(t.api, id, terminal, 'end after cancel');
  if (!job.status.state.startsWith('CANCELLED'))
    throw new Error(`job ${id} ended ${job.status.state}, expected CANCELLED`);
});

check('V2-COMPUTE-CANCEL-002', "another user cannot cancel a user's job", async (t) => {
  const other = t.second();
  const id = await t.submitJob(t.api, { name: 'f7t-not-yours', script: jobScripts.sleeper(600) });
  await t.waitForJob(t.api, id, (j) => j.status.state === 'RUNNING', 'start running');
  const refused = await other.delete(`/compute/${t.system}/jobs/${id}`);
  expectThat(refused, refused.status >= 400, 'the other user was allowed to cancel the job');
  expectEnvelope(refused);
  const still = await t.api.get<{ jobs: Job[] }>(`/compute/${t.system}/jobs/${id}`);
  expectResponse(still, 200);
  expectThat(
    still,
    still.body.jobs[0]?.status.state === 'RUNNING',
    `the job is ${still.body.jobs[0]?.status.state ?? 'gone'}`,
  );
  expectResponse(await t.api.delete(`/compute/${t.system}/jobs/${id}`), 204);
});

check('V2-COMPUTE-ATTACH-001', "runs a command attached to the caller's running job", async (t) => {
  const id = await t.submitJob(t.api, { name: 'f7t-attach', script: jobScripts.sleeper(600) });
  try {
    await t.waitForJob(t.api, id, (j) => j.status.state === 'RUNNING', 'start running');
    // FirecREST drops what the command prints; a file the command line writes shows that it ran.
    const file = `${await t.jobDir()}/attached-${id}.txt`;
    const answer = await t.api.put(`/compute/${t.system}/jobs/${id}/attach`, {
      json: { command: `echo attached to ${id} > ${file}` },
    });
    expectResponse(answer, 204);
    const view = await t.api.get<{ output: string }>(`/filesystem/${t.system}/ops/view`, { query: { path: file } });
    expectResponse(view, 200);
    expectThat(view, view.body.output === `attached to ${id}\n`, 'the attached command did not write its line');
  } finally {
    await t.api.delete(`/compute/${t.system}/jobs/${id}`);
  }
});

check('V2-COMPUTE-ATTACH-002', 'refuses to attach a command to a job that has ended', async (t) => {
  const id = await t.submitJob(t.api, { name: 'f7t-attach-ended', script: jobScripts.exitWith(0) });
  await t.waitForJob(t.api, id, terminal, 'end');
  const answer = await t.api.put(`/compute/${t.system}/jobs/${id}/attach`, { json: { command: 'hostname' } });
  expectThat(answer, answer.status >= 400, `attaching to an ended job answered ${answer.status}`);
  expectEnvelope(answer);
});
