import { createHash } from 'node:crypto';
import {
  createMemoryContentStore,
  digestOf,
  sizeOf,
  type Content,
  type ContentStore,
  type Piece,
} from '../content/index.ts';
import { S3Error } from './errors.ts';

export { S3Error, s3Codes } from './errors.ts';
export type { S3Code } from './errors.ts';
export { postPolicy, presign, verify, verifyPostPolicy, type S3Credentials } from './sigv4.ts';

const MIN_PART = 5 * 1024 * 1024;

export interface StoredObject {
  readonly key: string;
  /** The bytes: a multipart object is its parts' pieces, a staged file the file's own pieces. */
  readonly content: Content;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
  readonly contentType: string;
}

/** A body as the store received it: its bytes, stored, and their MD5 (S3's ETag of one part). */
export interface Received {
  readonly piece: Piece;
  readonly md5: Buffer;
}

interface Part {
  readonly piece: Piece;
  readonly size: number;
  readonly etag: string;
  readonly md5: Buffer;
}

interface Upload {
  readonly key: string;
  readonly initiated: number;
  readonly parts: Map<number, Part>;
}

export interface LifecycleRule {
  readonly id: string;
  readonly prefix: string;
  readonly days: number;
  readonly enabled: boolean;
}

interface Bucket {
  readonly name: string;
  readonly created: number;
  readonly objects: Map<string, StoredObject>;
  readonly uploads: Map<string, Upload>;
  lifecycle: LifecycleRule[];
}

export interface ListResult {
  readonly contents: StoredObject[];
  readonly commonPrefixes: string[];
  readonly truncated: boolean;
  readonly nextToken: string | undefined;
}

export interface ObjectStore {
  createBucket(name: string): void;
  hasBucket(name: string): boolean;
  deleteBucket(name: string): void;
  buckets(): { name: string; created: number }[];
  setLifecycle(bucket: string, rules: LifecycleRule[]): void;
  lifecycle(bucket: string): LifecycleRule[];
  /** Stores a body as it arrives, hashing it on the way; `observe` sees each chunk too. */
  receive(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    observe?: (chunk: Buffer) => void,
  ): Promise<Received>;
  put(bucket: string, key: string, body: Received, contentType?: string): StoredObject;
  /**
   * Stores content the site already holds (a file staged for download) under a key, sharing its
   * pieces; the ETag is computed without blocking the event loop. With `partSize`, as a multipart
   * upload in parts of that size would store it (its ETag `"<md5 of the parts' md5s>-<parts>"`).
   */
  stage(bucket: string, key: string, content: Content, partSize?: number): Promise<StoredObject>;
  get(bucket: string, key: string): StoredObject;
  delete(bucket: string, key: string): void;
  list(bucket: string, options: { prefix?: string; delimiter?: string; maxKeys?: number; after?: string }): ListResult;
  createUpload(bucket: string, key: string): string;
  uploadPart(bucket: string, key: string, uploadId: string, part: number, body: Received): string;
  listParts(bucket: string, key: string, uploadId: string): { number: number; size: number; etag: string }[];
  complete(bucket: string, key: string, uploadId: string, parts: { number: number; etag: string }[]): StoredObject;
  abort(bucket: string, key: string, uploadId: string): void;
  /** Multipart uploads begun and neither completed nor aborted. */
  pendingUploads(bucket: string): { key: string; uploadId: string }[];
  /** Resolves when an object is stored under the key (at once if it is there). */
  whenStored(bucket: string, key: string): Promise<StoredObject>;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.:-]{1,61}[a-z0-9]$/;
const unquote = (etag: string) => etag.replace(/^"|"$/g, '');

/** An S3-like store: buckets, objects, multipart uploads and expiry by lifecycle rules. */
export function createObjectStore(options: {
  readonly now: () => number;
  /** Where object bytes are kept; in memory by default. */
  readonly contents?: ContentStore;
}): ObjectStore {
  const storage = options.contents ?? createMemoryContentStore();
  // The MD5 of every piece received: a staged file made of uploaded parts is not hashed again.
  const received = new WeakMap<Piece, Buffer>();
  /** The MD5 of bytes `start` to `end`, hashed a slice per turn of the event loop unless known. */
  const md5Of = async (content: Content, start: number, end: number): Promise<Buffer> => {
    let offset = 0;
    for (const piece of content) {
      if (offset === start && offset + piece.size === end) {
        const known = received.get(piece);
        if (known) return known;
      }
      offset += piece.size;
      if (offset > start) break;
    }
    return digestOf(content, 'md5', start, end);
  };
  const buckets = new Map<string, Bucket>();
  let uploadCounter = 0;
  const waiters = new Map<string, ((object: StoredObject) => void)[]>();
  const stored = (bucket: string, object: StoredObject) => {
    const id = `${bucket}/${object.key}`;
    for (const resolve of waiters.get(id) ?? []) resolve(object);
    waiters.delete(id);
    return object;
  };

  const bucketOf = (name: string) => {
    const bucket = buckets.get(name);
    if (!bucket) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', `/${name}`);
    expire(bucket);
    return bucket;
  };
  // Objects past a lifecycle rule's age are gone, as S3 removes them (lazily here, on access).
  const expire = (bucket: Bucket) => {
    const now = options.now();
    for (const rule of bucket.lifecycle) {
      if (!rule.enabled) continue;
      for (const [key, object] of bucket.objects) {
        if (key.startsWith(rule.prefix) && now >= object.lastModified + rule.days * 86_400_000)
          bucket.objects.delete(key);
      }
    }
  };
  const uploadOf = (bucket: Bucket, key: string, id: string) => {
    const upload = bucket.uploads.get(id);
    if (!upload || upload.key !== key) {
      throw new S3Error(
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        `/${bucket.name}/${key}`,
      );
    }
    return upload;
  };

  return {
    createBucket(name) {
      if (!BUCKET_NAME.test(name))
        throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', `/${name}`);
      if (buckets.has(name))
        throw new S3Error(
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
          `/${name}`,
        );
      buckets.set(name, { name, created: options.now(), objects: new Map(), uploads: new Map(), lifecycle: [] });
    },
    hasBucket: (name) => buckets.has(name),
    deleteBucket(name) {
      const bucket = bucketOf(name);
      if (bucket.objects.size > 0)
        throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', `/${name}`);
      buckets.delete(name);
    },
    buckets: () => [...buckets.values()].map((b) => ({ name: b.name, created: b.created })),
    setLifecycle(name, rules) {
      bucketOf(name).lifecycle = rules;
    },
    lifecycle: (name) => bucketOf(name).lifecycle,
    async receive(source, observe) {
      const hash = createHash('md5');
      const piece = await storage.write(source, (chunk) => {
        hash.update(chunk);
        observe?.(chunk);
      });
      const md5 = hash.digest();
      received.set(piece, md5);
      return { piece, md5 };
    },
    put(name, key, body, contentType = 'binary/octet-stream') {
      const bucket = bucketOf(name);
      const object = {
        key,
        content: [body.piece],
        size: body.piece.size,
        etag: `"${body.md5.toString('hex')}"`,
        lastModified: options.now(),
        contentType,
      };
      bucket.objects.set(key, object);
      return stored(name, object);
    },
    async stage(name, key, content, partSize) {
      bucketOf(name);
      const size = sizeOf(content);
      let etag: string;
      if (partSize === undefined) etag = `"${(await md5Of(content, 0, size)).toString('hex')}"`;
      else {
        const digests: Buffer[] = [];
        for (let start = 0; start < size || digests.length === 0; start += partSize)
          digests.push(await md5Of(content, start, Math.min(start + partSize, size)));
        etag = `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}"`;
      }
      const object = {
        key,
        content,
        size,
        etag,
        lastModified: options.now(),
        contentType: 'binary/octet-stream',
      };
      bucketOf(name).objects.set(key, object);
      return stored(name, object);
    },
    get(name, key) {
      const object = bucketOf(name).objects.get(key);
      if (!object) throw new S3Error('NoSuchKey', 'The specified key does not exist.', `/${name}/${key}`);
      return object;
    },
    delete(name, key) {
      bucketOf(name).objects.delete(key);
    },
    list(name, o) {
      const bucket = bucketOf(name);
      const prefix = o.prefix ?? '';
      const max = Math.max(0, Math.min(o.maxKeys ?? 1000, 1000));
      const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix) && (!o.after || k > o.after)).sort();
      const contents: StoredObject[] = [];
      const prefixes = new Set<string>();
      let last: string | undefined;
      let truncated = false;
      for (const key of keys) {
        const rest = key.slice(prefix.length);
        const cut = o.delimiter ? rest.indexOf(o.delimiter) : -1;
        const common = cut >= 0 ? prefix + rest.slice(0, cut + (o.delimiter?.length ?? 0)) : undefined;
        if (common && prefixes.has(common)) continue;
        if (contents.length + prefixes.size >= max) {
          truncated = true;
          break;
        }
        if (common) prefixes.add(common);
        else contents.push(bucket.objects.get(key) as StoredObject);
        last = key;
      }
      return { contents, commonPrefixes: [...prefixes], truncated, nextToken: truncated ? last : undefined };
    },
    createUpload(name, key) {
      const bucket = bucketOf(name);
      const id = createHash('sha256').update(`${name}/${key}/${++uploadCounter}/${options.now()}`).digest('base64url');
      bucket.uploads.set(id, { key, initiated: options.now(), parts: new Map() });
      return id;
    },
    uploadPart(name, key, id, number, body) {
      if (!Number.isInteger(number) || number < 1 || number > 10_000) {
        throw new S3Error(
          'InvalidArgument',
          'Part number must be an integer between 1 and 10000, inclusive',
          `/${name}/${key}`,
        );
      }
      const upload = uploadOf(bucketOf(name), key, id);
      const etag = `"${body.md5.toString('hex')}"`;
      upload.parts.set(number, { piece: body.piece, size: body.piece.size, etag, md5: body.md5 });
      return etag;
    },
    pendingUploads(name) {
      return [...bucketOf(name).uploads.entries()].map(([uploadId, u]) => ({ key: u.key, uploadId }));
    },
    listParts(name, key, id) {
      const upload = uploadOf(bucketOf(name), key, id);
      return [...upload.parts].sort(([a], [b]) => a - b).map(([number, p]) => ({ number, size: p.size, etag: p.etag }));
    },
    complete(name, key, id, parts) {
      const bucket = bucketOf(name);
      const upload = uploadOf(bucket, key, id);
      if (parts.length === 0)
        throw new S3Error(
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
        );
      const chosen: Part[] = [];
      let previous = 0;
      for (const [i, p] of parts.entries()) {
        if (p.number <= previous)
          throw new S3Error(
            'InvalidPartOrder',
            'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
          );
        previous = p.number;
        const part = upload.parts.get(p.number);
        if (!part || unquote(part.etag) !== unquote(p.etag)) {
          throw new S3Error(
            'InvalidPart',
            "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          );
        }
        if (i < parts.length - 1 && part.size < MIN_PART) {
          throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
        }
        chosen.push(part);
      }
      const etag = `"${createHash('md5')
        .update(Buffer.concat(chosen.map((p) => p.md5)))
        .digest('hex')}-${chosen.length}"`;
      const object = {
        key,
        content: chosen.map((p) => p.piece),
        size: chosen.reduce((n, p) => n + p.size, 0),
        etag,
        lastModified: options.now(),
        contentType: 'binary/octet-stream',
      };
      bucket.objects.set(key, object);
      bucket.uploads.delete(id);
      return stored(name, object);
    },
    abort(name, key, id) {
      const bucket = bucketOf(name);
      uploadOf(bucket, key, id);
      bucket.uploads.delete(id);
    },
    whenStored(name, key) {
      const existing = buckets.get(name)?.objects.get(key);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve) => {
        const id = `${name}/${key}`;
        waiters.set(id, [...(waiters.get(id) ?? []), resolve]);
      });
    },
  };
}
