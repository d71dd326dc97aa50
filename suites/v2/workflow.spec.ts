import { createHash, randomInt } from 'node:crypto';
import { isTerminalState } from '../../spec/types.ts';
import { expectResponse, useHarness, type CheckContext } from '../harness/index.ts';

// The beamline workflow: a portal stages a dataset to the cluster through the object store, a job
// analyses it and writes a result, and the result comes back through the store.
const { check } = useHarness();

interface Staged {
  transferJob: { jobId: string; logs: { outputLog: string; errorLog: string } };
  transferDirectives: {
    partsUploadUrls?: string[];
    completeUploadUrl?: string;
    maxPartSize?: number;
    downloadUrl?: string;
  };
}

async function waitJob(t: CheckContext, jobId: string) {
  const job = await t.waitForJob(t.api, jobId, (j) => isTerminalState(j.status.state), 'finish');
  if (job.status.state !== 'COMPLETED') throw new Error(`job ${jobId} ended ${job.status.state}`);
}

async function stageIn(t: CheckContext, path: string, data: Uint8Array) {
  const answer = await t.api.post<Staged>(`/filesystem/${t.system}/transfer/upload`, {
    json: { path, transferDirectives: { transferMethod: 's3', fileSize: data.length } },
  });
  expectResponse(answer, 201);
  const { partsUploadUrls = [], completeUploadUrl = '', maxPartSize = data.length } = answer.body.transferDirectives;
  const etags: string[] = [];
  for (const [i, url] of partsUploadUrls.entries()) {
    const put = await t.target.fetch(url, {
      method: 'PUT',
      body: data.subarray(i * maxPartSize, (i + 1) * maxPartSize),
    });
    if (put.status !== 200) throw new Error(`[PUT] part ${i + 1} -> ${put.status}`);
    etags.push(put.headers.get('etag') ?? '');
  }
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const done = await t.target.fetch(completeUploadUrl, { method: 'POST', body: xml });
  if (done.status !== 200) throw new Error(`[POST] completion -> ${done.status}`);
  t.removeLater(answer.body.transferJob.logs.outputLog);
  t.removeLater(answer.body.transferJob.logs.errorLog);
  await waitJob(t, answer.body.transferJob.jobId);
}

async function stageOut(t: CheckContext, path: string): Promise<string> {
  const answer = await t.api.post<Staged>(`/filesystem/${t.system}/transfer/download`, {
    json: { path, transferDirectives: { transferMethod: 's3' } },
  });
  expectResponse(answer, 201);
  t.removeLater(answer.body.transferJob.logs.outputLog);
  t.removeLater(answer.body.transferJob.logs.errorLog);
  await waitJob(t, answer.body.transferJob.jobId);
  const fetched = await t.target.fetch(answer.body.transferDirectives.downloadUrl ?? '');
  if (fetched.status !== 200) throw new Error(`[GET] downloadUrl -> ${fetched.status}`);
  return fetched.text();
}

check('V2-WORKFLOW-001', 'stages a dataset in, analyses it in a job and stages the result out', async (t) => {
  const dir = await t.scratch('beamline');
  const rows = Array.from({ length: 500 + randomInt(500) }, (_, i) => `${i},${randomInt(1_000_000)}\n`).join('');
  const dataset = new TextEncoder().encode(`frame,intensity\n${rows}`);
  await stageIn(t, `${dir}/scan.csv`, dataset);

  const analysis = [
    '#!/bin/bash',
    '#SBATCH --job-name=f7t-beamline-analysis',
    'wc -l scan.csv > result.txt',
    'sha256sum scan.csv >> result.txt',
    '',
  ].join('\n');
  const submitted = await t.api.post<{ jobId: string }>(`/compute/${t.system}/jobs`, {
    json: { job: { name: 'f7t-beamline-analysis', workingDirectory: dir, script: analysis } },
  });
  expectResponse(submitted, 201);
  await waitJob(t, submitted.body.jobId);

  const result = await stageOut(t, `${dir}/result.txt`);
  const lines = dataset.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
  const expected = `${lines} scan.csv\n${createHash('sha256').update(dataset).digest('hex')}  scan.csv\n`;
  if (result !== expected)
    throw new Error(`the result is ${JSON.stringify(result)}, expected ${JSON.stringify(expected)}`);
});
