import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Leftover } from '../reporters/report.ts';

// The staged objects a run left in the site's object store: deleted with the store's
// credentials; without them, reported (they wait for the site's lifecycle rule).

/** The site's staging store, when the site profile gives credentials for it. */
export interface StagingStore {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region?: string | undefined;
}

/** An object the run staged: a presigned URL, and for a v1 task the key prefix it stages under. */
export interface StagedObject {
  readonly system: string;
  readonly url: string;
  readonly prefix?: string | undefined;
}

/** The bucket and key of a presigned URL of a path-style store at `endpoint`. */
export function locate(url: URL, endpoint: string | undefined): { bucket: string; key: string } | undefined {
  const base = endpoint ? new URL(endpoint) : undefined;
  if (base && base.host !== url.host) return undefined;
  const basePath = (base?.pathname ?? '/').replace(/\/+$/, '');
  if (!url.pathname.startsWith(`${basePath}/`)) return undefined;
  const [bucket, ...rest] = url.pathname.slice(basePath.length + 1).split('/');
  if (!bucket || rest.length === 0) return undefined;
  return { bucket: decodeURIComponent(bucket), key: rest.map(decodeURIComponent).join('/') };
}

/** Without credentials: a v1 download URL tells by itself whether its object is gone (one byte is asked for). */
async function stillServed(o: StagedObject, url: URL): Promise<boolean> {
  if (!o.prefix || url.searchParams.has('uploadId')) return true;
  return fetch(o.url, { headers: { range: 'bytes=0-0' } })
    .then(async (r) => (await r.arrayBuffer(), r.status === 200 || r.status === 206))
    .catch(() => false);
}

/** The keys behind an object: its own, and for a v1 task whatever the site staged under its id. */
async function keysOf(s3: S3Client, bucket: string, key: string, prefix: string | undefined): Promise<string[]> {
  const keys = [key];
  if (!prefix) return keys;
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix })).catch(() => undefined);
  for (const c of listed?.Contents ?? []) if (c.Key && !keys.includes(c.Key)) keys.push(c.Key);
  return keys;
}

/** Only what is there is deleted (and said to be): S3 answers a delete of a missing key with 204. */
async function isThere(s3: S3Client, bucket: string, key: string): Promise<boolean | undefined> {
  return s3
    .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    .then(() => true)
    .catch((error: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
      error.name === 'NotFound' || error.$metadata?.httpStatusCode === 404 ? false : undefined,
    );
}

/** Deletes (or reports) each staged object; gives what it did and what is left. */
export async function removeStagedObjects(
  objects: readonly StagedObject[],
  store: StagingStore | undefined,
): Promise<{ done: string[]; left: Leftover[] }> {
  const done: string[] = [];
  const left: Leftover[] = [];
  const s3 = store
    ? new S3Client({
        endpoint: store.endpoint,
        region: store.region ?? 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
      })
    : undefined;
  const seen = new Set<string>();
  for (const o of objects) {
    const url = new URL(o.url);
    const located = locate(url, store?.endpoint);
    const shown = `${url.origin}${url.pathname}`;
    if (!located) {
      left.push({ kind: 'object', what: shown, system: o.system, note: 'not in the staging store given' });
      continue;
    }
    if (!s3) {
      if (await stillServed(o, url))
        left.push({
          kind: 'object',
          what: shown,
          system: o.system,
          note: "staged objects expire by the site's lifecycle rule; give transfer.s3 credentials in the site profile to delete them",
        });
      continue;
    }
    const { bucket, key } = located;
    const uploadId = url.searchParams.get('uploadId');
    if (uploadId)
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .then(() => done.push(`aborted the unfinished upload of ${bucket}/${key}`))
        .catch(() => undefined); // completed, or gone
    for (const k of await keysOf(s3, bucket, key, o.prefix)) {
      if (seen.has(`${bucket}/${k}`)) continue;
      seen.add(`${bucket}/${k}`);
      if ((await isThere(s3, bucket, k)) === false) continue;
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: k }));
        done.push(`deleted the staged object ${bucket}/${k}`);
      } catch (error) {
        left.push({ kind: 'object', what: shown, system: o.system, note: (error as Error).message });
      }
    }
  }
  return { done, left };
}
