import { Hono, type Context } from 'hono';
import {
  S3Error,
  verify,
  verifyPostPolicy,
  type ObjectStore,
  type S3Credentials,
  type StoredObject,
} from '../../engines/objectstore/index.ts';
import type { Verified } from '../../engines/objectstore/sigv4.ts';
import type { EngineFaults } from '../../../spec/faults.ts';
import type { AppEnv } from '../shared/env.ts';
import { chunksOf } from '../../engines/content/index.ts';
import { readPayloadText, receivePayload } from './body.ts';
import { s3Status } from './errors.ts';
import { elements, escapeXml, unescapeXml, xmlDocument } from './xml.ts';

export interface S3RoutesOptions {
  readonly store: () => ObjectStore;
  readonly credentials: S3Credentials;
  /** Wall time in ms, for signatures. */
  readonly wall?: () => number;
  /** Injected faults: `s3.signature-unchecked` serves a presigned URL whatever its signature says. */
  readonly faults?: EngineFaults;
}

const iso = (ms: number) => new Date(ms).toISOString();

function errorResponse(error: S3Error, requestId: string): Response {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message><Resource>${escapeXml(error.resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  return new Response(body, { status: s3Status[error.code], headers: { 'content-type': 'application/xml' } });
}

const xml = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'application/xml', ...headers } });

function byteRange(header: string | undefined, size: number): [number, number] | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) throw new S3Error('InvalidRange', 'The requested range is not satisfiable');
  return [start, end];
}

function objectResponse(object: StoredObject, c: Context<AppEnv>, head: boolean): Response {
  const range = byteRange(c.req.header('range'), object.size);
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
  };
  if (range) {
    const [start, end] = range;
    headers['content-range'] = `bytes ${start}-${end}/${object.size}`;
    headers['content-length'] = String(end - start + 1);
    return new Response(head ? null : toStream(object, start, end + 1), { status: 206, headers });
  }
  headers['content-length'] = String(object.size);
  return new Response(head ? null : toStream(object, 0, object.size), { status: 200, headers });
}

/** The object's bytes as they are read (from memory or disk), one chunk a pull. */
function toStream(object: StoredObject, start: number, end: number): ReadableStream<Uint8Array> {
  const chunks = chunksOf(object.content, start, end)[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    },
    async cancel() {
      await chunks.return?.(undefined);
    },
  });
}

/** S3's REST API, path-style, under a prefix of the simulator's port (e.g. /s3/<bucket>/<key>). */
export function createS3Routes(options: S3RoutesOptions) {
  const app = new Hono<AppEnv>();
  const wall = options.wall ?? Date.now;

  app.all('*', async (c) => {
    const requestId = c.get('requestId') ?? 'sim';
    try {
      return await handle(c);
    } catch (error) {
      if (error instanceof S3Error) return errorResponse(error, requestId);
      throw error;
    }
  });

  const checkSignature = (request: Parameters<typeof verify>[1]): Verified => {
    try {
      return verify(options.credentials, request, wall());
    } catch (error) {
      const presigned = request.query.has('X-Amz-Signature');
      if (!(error instanceof S3Error) || !presigned || !options.faults?.has('s3.signature-unchecked')) throw error;
      return { presigned, payloadHash: 'UNSIGNED-PAYLOAD' };
    }
  };

  const handle = async (c: Context<AppEnv>): Promise<Response> => {
    const url = new URL(c.req.url);
    const rawPath = url.pathname;
    // A browser-style form upload to a bucket carries its signature in the form (a POST policy).
    const formUpload =
      c.req.method === 'POST' && (c.req.header('content-type') ?? '').startsWith('multipart/form-data');
    if (formUpload && !url.searchParams.has('X-Amz-Signature') && !c.req.header('authorization'))
      return postObject(c, url);
    // A request made in-process carries no Host header; the URL's host is what a client signed.
    const headers = new Headers(c.req.raw.headers);
    if (!headers.has('host')) headers.set('host', url.host);
    const verified = checkSignature({ method: c.req.method, path: rawPath, query: url.searchParams, headers });
    const rest = rawPath.replace(/^\/s3\/?/, '');
    const slash = rest.indexOf('/');
    const bucket = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
    const key = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
    const q = url.searchParams;
    const store = options.store();
    const method = c.req.method;

    if (bucket === '') {
      if (method !== 'GET')
        throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
      return xml(
        xmlDocument('ListAllMyBucketsResult', {
          Owner: { ID: options.credentials.accessKeyId, DisplayName: 'f7t-sim' },
          Buckets: { Bucket: store.buckets().map((b) => ({ Name: b.name, CreationDate: iso(b.created) })) },
        }),
      );
    }

    if (key === '') {
      if (q.has('lifecycle')) {
        if (method === 'PUT') {
          const text = await readPayloadText(c, verified.payloadHash);
          const rules = elements(text, 'Rule').map((rule, i) => {
            const days = Number(unescapeXml(elements(elements(rule, 'Expiration')[0] ?? '', 'Days')[0] ?? ''));
            if (!Number.isInteger(days) || days < 1)
              throw new S3Error(
                'MalformedXML',
                'The XML you provided was not well-formed or did not validate against our published schema',
              );
            return {
              id: unescapeXml(elements(rule, 'ID')[0] ?? `rule-${i + 1}`),
              prefix: unescapeXml(elements(rule, 'Prefix')[0] ?? ''),
              days,
              enabled: unescapeXml(elements(rule, 'Status')[0] ?? '') === 'Enabled',
            };
          });
          if (rules.length === 0)
            throw new S3Error(
              'MalformedXML',
              'The XML you provided was not well-formed or did not validate against our published schema',
            );
          store.setLifecycle(bucket, rules);
          return new Response(null, { status: 200 });
        }
        const rules = store.lifecycle(bucket);
        return xml(
          xmlDocument('LifecycleConfiguration', {
            Rule: rules.map((r) => ({
              ID: r.id,
              Filter: { Prefix: r.prefix },
              Status: r.enabled ? 'Enabled' : 'Disabled',
              Expiration: { Days: r.days },
            })),
          }),
        );
      }
      if (method === 'PUT') {
        store.createBucket(bucket);
        return new Response(null, { status: 200, headers: { location: `/${bucket}` } });
      }
      if (method === 'HEAD') {
        if (!store.hasBucket(bucket)) return new Response(null, { status: 404 });
        return new Response(null, { status: 200 });
      }
      if (method === 'DELETE') {
        store.deleteBucket(bucket);
        return new Response(null, { status: 204 });
      }
      if (method === 'GET') {
        const maxKeys = Number(q.get('max-keys') ?? 1000);
        const token = q.get('continuation-token') ?? undefined;
        const after = token ? Buffer.from(token, 'base64url').toString('utf8') : (q.get('start-after') ?? undefined);
        const prefix = q.get('prefix') ?? '';
        const delimiter = q.get('delimiter') ?? undefined;
        const result = store.list(bucket, {
          prefix,
          maxKeys: Number.isInteger(maxKeys) ? maxKeys : 1000,
          ...(delimiter ? { delimiter } : {}),
          ...(after ? { after } : {}),
        });
        return xml(
          xmlDocument('ListBucketResult', {
            Name: bucket,
            Prefix: prefix,
            KeyCount: result.contents.length + result.commonPrefixes.length,
            MaxKeys: Number.isInteger(maxKeys) ? maxKeys : 1000,
            Delimiter: delimiter,
            IsTruncated: result.truncated,
            ContinuationToken: token,
            NextContinuationToken: result.nextToken ? Buffer.from(result.nextToken).toString('base64url') : undefined,
            Contents: result.contents.map((o) => ({
              Key: o.key,
              LastModified: iso(o.lastModified),
              ETag: o.etag,
              Size: o.size,
              StorageClass: 'STANDARD',
            })),
            CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: p })),
          }),
        );
      }
      throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }

    const uploadId = q.get('uploadId');
    if (method === 'POST' && q.has('uploads')) {
      const id = store.createUpload(bucket, key);
      return xml(xmlDocument('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: id }));
    }
    if (method === 'POST' && uploadId) {
      // The completion is read as XML whatever its content type says (FirecREST's jobs send it with curl -d).
      const text = await readPayloadText(c, verified.payloadHash);
      const parts = elements(text, 'Part').map((part) => ({
        number: Number(unescapeXml(elements(part, 'PartNumber')[0] ?? '')),
        etag: unescapeXml(elements(part, 'ETag')[0] ?? ''),
      }));
      if (
        !/<CompleteMultipartUpload[\s>]/.test(text) ||
        parts.some((p) => !Number.isInteger(p.number) || p.etag === '')
      ) {
        throw new S3Error(
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
        );
      }
      const object = store.complete(bucket, key, uploadId, parts);
      return xml(
        xmlDocument('CompleteMultipartUploadResult', {
          Location: `${url.origin}/s3/${bucket}/${key}`,
          Bucket: bucket,
          Key: key,
          ETag: object.etag,
        }),
      );
    }
    if (method === 'PUT' && uploadId) {
      const body = await receivePayload(c, verified.payloadHash, store);
      const etag = store.uploadPart(bucket, key, uploadId, Number(q.get('partNumber')), body);
      return new Response(null, { status: 200, headers: { etag } });
    }
    if (method === 'GET' && uploadId) {
      const parts = store.listParts(bucket, key, uploadId);
      return xml(
        xmlDocument('ListPartsResult', {
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          Part: parts.map((p) => ({ PartNumber: p.number, ETag: p.etag, Size: p.size })),
        }),
      );
    }
    if (method === 'DELETE' && uploadId) {
      store.abort(bucket, key, uploadId);
      return new Response(null, { status: 204 });
    }
    if (method === 'PUT') {
      const body = await receivePayload(c, verified.payloadHash, store);
      const object = store.put(bucket, key, body, c.req.header('content-type') ?? 'binary/octet-stream');
      return new Response(null, { status: 200, headers: { etag: object.etag } });
    }
    if (method === 'GET' || method === 'HEAD') return objectResponse(store.get(bucket, key), c, method === 'HEAD');
    if (method === 'DELETE') {
      store.delete(bucket, key);
      return new Response(null, { status: 204 });
    }
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
  };

  const postObject = async (c: Context<AppEnv>, url: URL): Promise<Response> => {
    const bucket = decodeURIComponent(url.pathname.replace(/^\/s3\/?/, '').split('/')[0] ?? '');
    let form: Record<string, string | File>;
    try {
      form = await c.req.parseBody<Record<string, string | File>>();
    } catch {
      throw new S3Error('MalformedXML', 'The body of your POST request is not well-formed multipart/form-data.');
    }
    const fields = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
    verifyPostPolicy(options.credentials, fields, bucket, wall());
    const file = form.file;
    if (!(file instanceof File))
      throw new S3Error('InvalidArgument', 'POST requires exactly one file upload per request.');
    const key = (fields.key ?? '').replace('${filename}', file.name);
    const store = options.store();
    const body = await store.receive(file.stream());
    const object = store.put(bucket, key, body, file.type || 'binary/octet-stream');
    return new Response(null, {
      status: 204,
      headers: { etag: object.etag, location: `${url.origin}/s3/${bucket}/${key}` },
    });
  };

  return app;
}
