import { createHash, randomInt } from 'node:crypto';
import { isTerminalState } from '../../spec/types.ts';
import { expectResponse, useHarness, type CheckContext } from '../harness/index.ts';
import { stagedDownload, stagedUpload } from '../harness/staging.ts';

// The beamline workflow: a portal stages a dataset to the cluster through the object store, a job
// analyses it and writes a result, and the result comes back through the store.
const { check } = useHarness();

async function waitJob(t: CheckContext, jobId: string) {
  const job = await t.waitForJob(t.api, jobId, (j) => isTerminalState(j.status.state), 'finish');
  if (job.status.state !== 'COMPLETED') throw new Error(`job ${jobId} ended ${job.status.state}`);
}

check('V2-WORKFLOW-001', 'stages a dataset in, analyses it in a job and stages the result out', async (t) => {
  const dir = await t.scratch('beamline');
  const rows = Array.from({ length: 500 + randomInt(500) }, (_, i) => `${i},${randomInt(1_000_000)}\n`).join('');
  const dataset = new TextEncoder().encode(`frame,intensity\n${rows}`);
  await stagedUpload(t, `${dir}/scan.csv`, dataset);

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

  const result = new TextDecoder().decode(await stagedDownload(t, `${dir}/result.txt`));
  const lines = dataset.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
  const expected = `${lines} scan.csv\n${createHash('sha256').update(dataset).digest('hex')}  scan.csv\n`;
  if (result !== expected)
    throw new Error(`the result is ${JSON.stringify(result)}, expected ${JSON.stringify(expected)}`);
});
