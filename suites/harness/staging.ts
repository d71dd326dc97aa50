import { isTerminalState } from '../../spec/types.ts';
import { expectResponse } from './expect.ts';
import type { Client, Exchange } from './http.ts';
import type { CheckContext } from './index.ts';

// What a client does for FirecREST v2's staged transfers: the API hands out presigned URLs, the
// bytes go to the object store directly, and a scheduler job moves them.

export interface Staged {
  transferJob: { jobId: string; logs: { outputLog: string; errorLog: string } };
  transferDirectives: {
    partsUploadUrls?: string[];
    completeUploadUrl?: string;
    maxPartSize?: number;
    downloadUrl?: string;
  };
}

/** Waits for a transfer job to end (any state), having its logs removed with the run. */
export async function transferDone(t: CheckContext, client: Client, staged: Staged) {
  const as = client === t.api ? 'primary' : 'second';
  t.removeLater(staged.transferJob.logs.outputLog, as);
  t.removeLater(staged.transferJob.logs.errorLog, as);
  return t.waitForJob(client, staged.transferJob.jobId, (j) => isTerminalState(j.status.state), 'finish');
}

/** Uploads `data` to `target` through the staging area and waits for its job; gives the number of parts. */
export async function stagedUpload(t: CheckContext, target: string, data: Uint8Array): Promise<number> {
  const answer = await t.api.post<Staged>(`/filesystem/${t.system}/transfer/upload`, {
    json: { path: target, transferDirectives: { transferMethod: 's3', fileSize: data.length } },
  });
  expectResponse(answer, 201);
  const { partsUploadUrls = [], completeUploadUrl = '', maxPartSize = data.length } = answer.body.transferDirectives;
  const etags: string[] = [];
  for (const [i, url] of partsUploadUrls.entries()) {
    const part = data.subarray(i * maxPartSize, Math.min(data.length, (i + 1) * maxPartSize));
    const put = await t.target.fetch(url, { method: 'PUT', body: part });
    if (put.status !== 200)
      throw new Error(`[PUT] part ${i + 1} -> ${put.status}: ${(await put.text()).slice(0, 200)}`);
    etags.push(put.headers.get('etag') ?? '');
  }
  const xml = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${etags
    .map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`)
    .join('')}</CompleteMultipartUpload>`;
  const done = await t.target.fetch(completeUploadUrl, { method: 'POST', body: xml });
  if (done.status !== 200) throw new Error(`[POST] completion -> ${done.status}: ${(await done.text()).slice(0, 200)}`);
  await transferDone(t, t.api, answer.body);
  return partsUploadUrls.length;
}

export function requestDownload(t: CheckContext, client: Client, path: string): Promise<Exchange<Staged>> {
  return client.post<Staged>(`/filesystem/${t.system}/transfer/download`, {
    json: { path, transferDirectives: { transferMethod: 's3' } },
  });
}

/** Stages `path` for download, waits for its job and fetches it; gives the bytes. */
export async function stagedDownload(t: CheckContext, path: string): Promise<Uint8Array> {
  const answer = await requestDownload(t, t.api, path);
  expectResponse(answer, 201);
  await transferDone(t, t.api, answer.body);
  const fetched = await t.target.fetch(answer.body.transferDirectives.downloadUrl ?? '');
  if (fetched.status !== 200) throw new Error(`[GET] downloadUrl -> ${fetched.status}`);
  return new Uint8Array(await fetched.arrayBuffer());
}
