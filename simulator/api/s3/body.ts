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

/** The longest chunk header taken: a size and a signature (`1000;chunk-signature=<64 hex>`) are under 100 bytes. */
const MAX_CHUNK_HEADER = 4096;
const CR = 13;
const LF = 10;

/**
 * Decodes `aws-chunked` content (what the AWS SDKs send for streamed bodies) as it arrives:
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n` repeated, a zero-size chunk, then optional
 * trailers such as checksums (read and let go). Each chunk's data is passed on as it comes, so a
 * large upload is never held whole before it is stored. Malformed framing is refused once the body
 * has been read to its end (not kept), so that the client, still sending, gets the answer.
 */
export async function* decodeAwsChunked(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  const malformed = () => new S3Error('InvalidArgument', 'Malformed aws-chunked encoding');
  /** A header line begun in an earlier piece. */
  let header: Buffer[] = [];
  let headerBytes = 0;
  /** Data bytes of the current chunk still to come, and then its closing CRLF. */
  let data = 0;
  let closing = 0;
  let ended = false;
  let refused: S3Error | undefined;
  for await (const piece of source) {
    // After the last chunk (the trailers) or a refusal, the body is read to its end, not kept.
    if (ended || refused) continue;
    const bytes = asBuffer(piece);
    let at = 0;
    while (at < bytes.length && !ended && !refused) {
      if (data > 0) {
        const n = Math.min(data, bytes.length - at);
        yield bytes.subarray(at, at + n);
        at += n;
        data -= n;
        if (data === 0) closing = 2;
      } else if (closing > 0) {
        if (bytes[at] !== (closing === 2 ? CR : LF)) refused = malformed();
        at++;
        closing--;
      } else {
        const lf = bytes.indexOf(LF, at);
        const end = lf < 0 ? bytes.length : lf + 1;
        header.push(bytes.subarray(at, end));
        headerBytes += end - at;
        at = end;
        if (headerBytes > MAX_CHUNK_HEADER) refused = malformed();
        if (lf < 0 || refused) continue;
        const line = Buffer.concat(header, headerBytes);
        header = [];
        headerBytes = 0;
        const hex = line.toString('latin1', 0, Math.max(0, line.length - 2)).split(';')[0] ?? '';
        if (line.length < 2 || line[line.length - 2] !== CR || !/^[0-9a-fA-F]{1,13}$/.test(hex)) refused = malformed();
        else data = parseInt(hex, 16);
        if (data === 0 && !refused) ended = true;
      }
    }
  }
  if (refused) throw refused;
  if (!ended) throw new S3Error('InvalidArgument', 'Truncated aws-chunked encoding');
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
 * signed payload hash checked on the way; `aws-chunked` bodies are decoded on the way too.
 */
export async function receivePayload(c: Context<AppEnv>, payloadHash: string, store: ObjectStore): Promise<Received> {
  if (isAwsChunked(c, payloadHash)) return store.receive(decodeAwsChunked(bodyOf(c)));
  if (!/^[0-9a-f]{64}$/.test(payloadHash)) return store.receive(bodyOf(c));
  const hash = createHash('sha256');
  const received = await store.receive(bodyOf(c), (chunk) => hash.update(chunk));
  if (hash.digest('hex') !== payloadHash) throw mismatch();
  return received;
}

/** A small request body (an XML document) as text, with its signed payload hash checked. */
export async function readPayloadText(c: Context<AppEnv>, payloadHash: string): Promise<string> {
  const chunked = isAwsChunked(c, payloadHash);
  const chunks: Buffer[] = [];
  for await (const chunk of chunked ? decodeAwsChunked(bodyOf(c)) : bodyOf(c)) chunks.push(asBuffer(chunk));
  if (!chunked && /^[0-9a-f]{64}$/.test(payloadHash)) {
    const hash = createHash('sha256');
    for (const chunk of chunks) hash.update(chunk);
    if (hash.digest('hex') !== payloadHash) throw mismatch();
  }
  return Buffer.concat(chunks).toString('utf8');
}
