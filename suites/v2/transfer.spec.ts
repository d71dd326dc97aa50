import { isTerminalState, type Job } from '../../spec/types.ts';
import { expectResponse, expectThat, useHarness, type CheckContext, type Client } from '../harness/index.ts';

const { check } = useHarness();

interface TransferJob {
  transferJob: {
    jobId: string;
    system: string;
    workingDirectory: string;
    logs: { outputLog: string; errorLog: string };
  };
}

const ops = (t: CheckContext, op: string) => `/filesystem/${t.system}/ops/${op}`;
const transfer = (t: CheckContext, op: string) => `/filesystem/${t.system}/transfer/${op}`;

async function put(t: CheckContext, dir: string, name: string, content: string) {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  expectResponse(await t.api.post(ops(t, 'upload'), { query: { path: dir }, form }), 204);
  return `${dir}/${name}`;
}

async function finished(t: CheckContext, client: Client, answer: { body: TransferJob }): Promise<Job> {
  const { outputLog, errorLog } = answer.body.transferJob.logs;
  const as = client === t.api ? 'primary' : 'second';
  t.removeLater(outputLog, as);
  t.removeLater(errorLog, as);
  return t.waitForJob(client, answer.body.transferJob.jobId, (j) => isTerminalState(j.status.state), 'finish');
}

async function read(t: CheckContext, client: Client, path: string) {
  return client.get<{ output: string }>(ops(t, 'view'), { query: { path } });
}

check('V2-TRANSFER-CP-001', 'copies a tree in a job and logs it', async (t) => {
  const dir = await t.scratch('xfer-cp');
  await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/src/sub`, parent: true } });
  await put(t, `${dir}/src/sub`, 'leaf.txt', 'copied by a job\n');
  const answer = await t.api.post<TransferJob>(transfer(t, 'cp'), {
    json: { sourcePath: `${dir}/src`, targetPath: `${dir}/dst` },
  });
  expectResponse(answer, 201);
  const job = await finished(t, t.api, answer);
  if (job.status.state !== 'COMPLETED') throw new Error(`the copy job ended ${job.status.state}`);
  const copy = await read(t, t.api, `${dir}/dst/sub/leaf.txt`);
  expectResponse(copy, 200);
  expectThat(copy, copy.body.output === 'copied by a job\n', 'the copy differs');
  const log = await read(t, t.api, answer.body.transferJob.logs.outputLog);
  expectThat(log, /Files were successfully copied/.test(log.body.output), 'the log does not say the files were copied');
});

check('V2-TRANSFER-MV-001', 'moves a file in a job', async (t) => {
  const dir = await t.scratch('xfer-mv');
  const path = await put(t, dir, 'from.txt', 'moving\n');
  const answer = await t.api.post<TransferJob>(transfer(t, 'mv'), {
    json: { sourcePath: path, targetPath: `${dir}/to.txt` },
  });
  expectResponse(answer, 201);
  const job = await finished(t, t.api, answer);
  if (job.status.state !== 'COMPLETED') throw new Error(`the move job ended ${job.status.state}`);
  expectResponse(await t.api.get(ops(t, 'stat'), { query: { path } }), 404);
  const moved = await read(t, t.api, `${dir}/to.txt`);
  expectThat(moved, moved.body.output === 'moving\n', 'the moved file differs');
});

check('V2-TRANSFER-RM-001', 'removes a tree in a job', async (t) => {
  const dir = await t.scratch('xfer-rm');
  await put(t, dir, 'x.txt', 'x');
  const answer = await t.api.delete<TransferJob>(transfer(t, 'rm'), { query: { path: dir } });
  expectResponse(answer, 200);
  const job = await finished(t, t.api, answer);
  if (job.status.state !== 'COMPLETED') throw new Error(`the delete job ended ${job.status.state}`);
  expectResponse(await t.api.get(ops(t, 'ls'), { query: { path: dir } }), 404);
});

check('V2-TRANSFER-ARCHIVE-001', 'compresses and extracts a tree in jobs', async (t) => {
  const dir = await t.scratch('xfer-archive');
  await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/tree`, parent: true } });
  await put(t, `${dir}/tree`, 'in.txt', 'archived\n');
  const packed = await t.api.post<TransferJob>(transfer(t, 'compress'), {
    json: { sourcePath: `${dir}/tree`, targetPath: `${dir}/tree.tar.gz` },
  });
  expectResponse(packed, 201);
  if ((await finished(t, t.api, packed)).status.state !== 'COMPLETED') throw new Error('the compress job failed');
  await t.api.post(ops(t, 'mkdir'), { json: { path: `${dir}/out` } });
  const unpacked = await t.api.post<TransferJob>(transfer(t, 'extract'), {
    json: { sourcePath: `${dir}/tree.tar.gz`, targetPath: `${dir}/out` },
  });
  expectResponse(unpacked, 201);
  if ((await finished(t, t.api, unpacked)).status.state !== 'COMPLETED') throw new Error('the extract job failed');
  const back = await read(t, t.api, `${dir}/out/tree/in.txt`);
  expectThat(back, back.body.output === 'archived\n', 'the extracted file differs');
});

check('V2-TRANSFER-FAIL-001', 'a job with a missing source fails and says why', async (t) => {
  const dir = await t.scratch('xfer-fail');
  const answer = await t.api.post<TransferJob>(transfer(t, 'mv'), {
    json: { sourcePath: `${dir}/absent`, targetPath: `${dir}/x` },
  });
  expectResponse(answer, 201);
  await finished(t, t.api, answer);
  // Judged by the logs, as clients do: FirecREST's transfer jobs end COMPLETED even when they fail.
  const out = await read(t, t.api, answer.body.transferJob.logs.outputLog);
  expectThat(out, !/successfully/.test(out.body.output), 'the output log claims success');
  const log = await read(t, t.api, answer.body.transferJob.logs.errorLog);
  expectThat(
    log,
    /No such file or directory/.test(log.body.output),
    'the error log does not say the source is missing',
  );
});

check('V2-TRANSFER-ISOLATION-001', "another user's copy job cannot read a 0600 file", async (t) => {
  const bob = await t.secondUser();
  const dir = await t.scratch('xfer-iso');
  const secret = await put(t, dir, 'secret.txt', 'not for bob\n');
  expectResponse(await t.api.put(ops(t, 'chmod'), { json: { path: secret, mode: '600' } }), 200);
  const target = `${await t.scratch('xfer-iso-bob', 'second')}/stolen.txt`;
  const answer = await bob.client.post<TransferJob>(transfer(t, 'cp'), {
    json: { sourcePath: secret, targetPath: target },
  });
  expectResponse(answer, 201);
  await finished(t, bob.client, answer);
  expectResponse(await bob.client.get(ops(t, 'stat'), { query: { path: target } }), 404);
  const out = await read(t, bob.client, answer.body.transferJob.logs.outputLog);
  expectThat(out, !/successfully/.test(out.body.output), "the other user's copy job claims success");
});

check('V2-TRANSFER-JOB-001', 'shows transfer jobs through the compute endpoints', async (t) => {
  const dir = await t.scratch('xfer-visible');
  const path = await put(t, dir, 'v.txt', 'v');
  const answer = await t.api.post<TransferJob>(transfer(t, 'cp'), {
    json: { sourcePath: path, targetPath: `${dir}/w.txt` },
  });
  expectResponse(answer, 201);
  const job = await finished(t, t.api, answer);
  expectThat(
    answer,
    job.jobId === answer.body.transferJob.jobId && job.user === t.username,
    "the transfer job is not the caller's",
  );
});
