import { isTerminalState } from '../../spec/types.ts';
import { expectResponse, expectThat, formOf, useHarness, type CheckContext } from '../harness/index.ts';

const { check } = useHarness({ generation: 'v1' });

async function put(t: CheckContext, dir: string, name: string, content: string) {
  const form = new FormData();
  form.append('targetPath', dir);
  form.append('file', new Blob([content]), name);
  expectResponse(await t.api.post('/utilities/upload', { form }), 201);
  return `${dir}/${name}`;
}

/** Runs an internal transfer and waits until its job has ended (judged through accounting). */
async function transfer(t: CheckContext, op: string, fields: Record<string, string>) {
  const answer = await t.api.post<{ task_id: string }>(`/storage/xfer-internal/${op}`, { form: formOf(fields) });
  expectResponse(answer, 201);
  const task = await t.waitForTask(t.api, answer.body.task_id);
  if (task.status !== '200') throw new Error(`the ${op} task ended ${task.status}: ${JSON.stringify(task.data)}`);
  const data = task.data as { jobid: unknown; job_file?: string };
  if (data.job_file) t.removeLater(data.job_file.replace(/\/[^/]*$/, ''));
  const jobId = String(data.jobid);
  for (let i = 0; i < 90; i++) {
    const acct = await t.api.get<{ task_id: string }>('/compute/acct', { query: { jobs: jobId } });
    const done = await t.waitForTask(t.api, acct.body.task_id);
    const state = (done.data as { jobid: string; state: string }[]).find((j) => j.jobid === jobId)?.state ?? '';
    if (isTerminalState(state)) return state;
    await (t.target.control ? t.target.control.advance(5) : new Promise((r) => setTimeout(r, 2000)));
  }
  throw new Error(`the ${op} job ${jobId} did not end`);
}

check('V1-STORAGE-CP-001', 'copies a file in a transfer job', async (t) => {
  const dir = await t.scratch('xfer-cp');
  const source = await put(t, dir, 'orig.txt', 'copied by storage\n');
  await transfer(t, 'cp', { sourcePath: source, targetPath: `${dir}/copy.txt` });
  const view = await t.api.get<{ output: string }>('/utilities/view', { query: { targetPath: `${dir}/copy.txt` } });
  expectResponse(view, 200);
  expectThat(view, view.body.output === 'copied by storage\n', 'the copy differs');
});

check('V1-STORAGE-RM-001', 'removes a path in a transfer job', async (t) => {
  const dir = await t.scratch('xfer-rm');
  await put(t, dir, 'gone.txt', 'x');
  await transfer(t, 'rm', { targetPath: `${dir}/gone.txt` });
  const listing = await t.api.get<{ output: { name: string }[] }>('/utilities/ls', { query: { targetPath: dir } });
  expectResponse(listing, 200);
  expectThat(listing, !listing.body.output.some((e) => e.name === 'gone.txt'), 'the file is still there');
});
