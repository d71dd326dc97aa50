import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { serve, type ServerType } from '@hono/node-server';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSimulator, type Simulator } from '../../index.ts';

let sim: Simulator;
let server: ServerType;
let s3: S3Client;
let endpoint: string;
/** The payload hash each request declared (`STREAMING-...` for aws-chunked bodies). */
const payloadHashes: string[] = [];

beforeAll(async () => {
  const holder: { app?: Simulator } = {};
  server = serve({
    fetch: (r: Request, env: unknown) => {
      payloadHashes.push(r.headers.get('x-amz-content-sha256') ?? '');
      return holder.app ? holder.app.fetch(r, env as never) : new Response(null, { status: 503 });
    },
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim = await createSimulator({ publicUrl: origin, clock: { mode: 'manual' } });
  holder.app = sim;
  endpoint = sim.s3.endpoint;
  s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: sim.s3.credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'alice' }));
});
afterAll(() => {
  s3.destroy();
  server.close();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the object store with the AWS SDK', () => {
  test('a streamed body (aws-chunked, with its checksum trailer) is stored as sent', async () => {
    const pieces = [randomBytes(70_000), randomBytes(5), randomBytes(200_000)];
    const body = Buffer.concat(pieces);
    const before = payloadHashes.length;
    await s3.send(
      new PutObjectCommand({
        Bucket: 'alice',
        Key: 'streamed.bin',
        Body: Readable.from(pieces),
        ContentLength: body.length,
      }),
    );
    expect(payloadHashes.slice(before).some((h) => h.startsWith('STREAMING-'))).toBe(true);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'alice', Key: 'streamed.bin' }));
    expect(sha(await got.Body!.transformToByteArray())).toBe(sha(body));
    expect(got.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
  });

  test('put, head, get, list with prefix and continuation, delete', async () => {
    const body = randomBytes(3000);
    await s3.send(new PutObjectCommand({ Bucket: 'alice', Key: 'dir/a b/ü.bin', Body: body }));
    for (let i = 0; i < 5; i++)
      await s3.send(new PutObjectCommand({ Bucket: 'alice', Key: `many/k${i}`, Body: `v${i}` }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'alice', Key: 'dir/a b/ü.bin' }));
    expect(head.ContentLength).toBe(3000);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'alice', Key: 'dir/a b/ü.bin' }));
    expect(sha(await got.Body!.transformToByteArray())).toBe(sha(body));
    const page1 = await s3.send(new ListObjectsV2Command({ Bucket: 'alice', Prefix: 'many/', MaxKeys: 3 }));
    expect(page1.Contents?.map((o) => o.Key)).toEqual(['many/k0', 'many/k1', 'many/k2']);
    const page2 = await s3.send(
      new ListObjectsV2Command({ Bucket: 'alice', Prefix: 'many/', ContinuationToken: page1.NextContinuationToken }),
    );
    expect(page2.Contents?.map((o) => o.Key)).toEqual(['many/k3', 'many/k4']);
    const ranged = await s3.send(new GetObjectCommand({ Bucket: 'alice', Key: 'many/k1', Range: 'bytes=1-1' }));
    expect(await ranged.Body!.transformToString()).toBe('1');
    await s3.send(new DeleteObjectCommand({ Bucket: 'alice', Key: 'many/k0' }));
    await expect(s3.send(new GetObjectCommand({ Bucket: 'alice', Key: 'many/k0' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  test('multipart upload round trip, byte for byte', async () => {
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1234)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'alice', Key: 'big.bin' }));
    const done = [];
    for (const [i, part] of parts.entries()) {
      const { ETag } = await s3.send(
        new UploadPartCommand({ Bucket: 'alice', Key: 'big.bin', UploadId, PartNumber: i + 1, Body: part }),
      );
      done.push({ ETag, PartNumber: i + 1 });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'alice',
        Key: 'big.bin',
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'alice', Key: 'big.bin' }));
    expect(sha(await got.Body!.transformToByteArray())).toBe(sha(Buffer.concat(parts)));
    expect(got.ETag).toMatch(/-2"$/);
  });

  test('presigned URLs work with plain fetch and are really checked', async () => {
    const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'alice', Key: 'pre.txt' }), { expiresIn: 60 });
    expect((await fetch(put, { method: 'PUT', body: 'presigned\n' })).status).toBe(200);
    const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'alice', Key: 'pre.txt' }), { expiresIn: 60 });
    expect(await (await fetch(get)).text()).toBe('presigned\n');
    const sig = /X-Amz-Signature=([0-9a-f]+)/.exec(get)?.[1] ?? '';
    const tampered = get.replace(sig, (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    expect((await fetch(put)).status).toBe(403); // a PUT URL used to GET
    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'alice', Key: 'pre.txt' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 10_000),
    });
    const late = await fetch(expired);
    expect(late.status).toBe(403);
    expect(await late.text()).toMatch(/expired/);
  });

  test('a wrong secret is refused; bad XML and unknown buckets are S3 errors, never 5xx', async () => {
    const wrong = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { ...sim.s3.credentials, secretAccessKey: 'nope' },
    });
    await expect(wrong.send(new GetObjectCommand({ Bucket: 'alice', Key: 'pre.txt' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    wrong.destroy();
    await expect(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'alice', Key: 'x.bin' }));
    const complete = await getSignedUrl(
      s3,
      new CompleteMultipartUploadCommand({ Bucket: 'alice', Key: 'x.bin', UploadId }),
      { expiresIn: 60 },
    );
    const bad = await fetch(complete, {
      method: 'POST',
      body: '<not xml',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/MalformedXML/);
  });

  test('objects expire by lifecycle rule on the site clock', async () => {
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'alice',
        LifecycleConfiguration: {
          Rules: [{ ID: 'ExpireObjects', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 } }],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'alice', Key: 'tmp/staged', Body: 'x' }));
    sim.control.advance(86_401);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'alice', Key: 'tmp/staged' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'alice', Key: 'pre.txt' }))).resolves.toMatchObject({
      ContentLength: 10,
    });
  });
});
