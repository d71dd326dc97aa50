import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { asBuffer } from '../../engines/content/index.ts';
import { S3Error, type ObjectStore, type Received } from '../../engines/objectstore/index.ts';
import type { AppEnv } from '../shared/env.ts';

/**
 * The request body's chunks as they arrive. Served by Node (`@hono/node-server` passing its
 * bindings), they are read from the socket's message itself: the web stream over it copies every
 * chunk, which halves the rate of a large upload. In-process requests use the web stream.
 */
function bodyOf(c: Context<AppEnv>): AsyncIterable<Uint8Array> {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  if (incoming instanceof Readable && !incoming.readableDidRead && incoming.listenerCount('data') === 0)
    return incoming as AsyncIterable<Buffer>;
  return (c.req.raw.body ?? []) as AsyncIterable<Uint8Array>;
}

/**
 * Decodes `aws-chunked` content (what the AWS SDKs send for streamed bodies): `<hex size>[;chunk-
 * signature=…]\r\n<data>\r\n` repeated, a zero-size chunk, then optional trailers such as checksums.
 */
export function decodeAwsChunked(chunks: Buffer[]): Buffer[] {
  const data = Buffer.concat(chunks);
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) throw new S3Error('InvalidArgument', 'Malformed aws-chunked encoding');
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw new S3Error('InvalidArgument', 'Malformed aws-chunked encoding');
    at = lineEnd + 2;
    if (size === 0) return out;
    if (at + size > data.length) throw new S3Error('InvalidArgument', 'Truncated aws-chunked encoding');
    out.push(data.subarray(at, at + size));
    at += size + 2;
  }
}

const isAwsChunked = (c: Context<AppEnv>, payloadHash: string) =>
  payloadHash.startsWith('STREAMING-') || (c.req.header('content-encoding') ?? '').includes('aws-chunked');

const mismatch = () =>
  new S3Error(
    'XAmzContentSHA256Mismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  );

/**
 * The body of a request stored as S3 would store it, as it streams in, with its MD5 and the
 * signed payload hash checked on the way. `aws-chunked` bodies are decoded whole first.
 */
export async function receivePayload(c: Context<AppEnv>, payloadHash: string, store: ObjectStore): Promise<Received> {
  if (isAwsChunked(c, payloadHash)) {
    const chunks: Buffer[] = [];
    for await (const chunk of bodyOf(c)) chunks.push(asBuffer(chunk));
    return store.receive(decodeAwsChunked(chunks));
  }
  if (!/^[0-9a-f]{64}$/.test(payloadHash)) return store.receive(bodyOf(c));
  const hash = createHash('sha256');
  const received = await store.receive(bodyOf(c), (chunk) => hash.update(chunk));
  if (hash.digest('hex') !== payloadHash) throw mismatch();
  return received;
}

/** A small request body (an XML document) as text, with its signed payload hash checked. */
export async function readPayloadText(c: Context<AppEnv>, payloadHash: string): Promise<string> {
  let chunks: Buffer[] = [];
  for await (const chunk of bodyOf(c)) chunks.push(asBuffer(chunk));
  if (isAwsChunked(c, payloadHash)) chunks = decodeAwsChunked(chunks);
  else if (/^[0-9a-f]{64}$/.test(payloadHash)) {
    const hash = createHash('sha256');
    for (const chunk of chunks) hash.update(chunk);
    if (hash.digest('hex') !== payloadHash) throw mismatch();
  }
  return Buffer.concat(chunks).toString('utf8');
}
