import { createHash } from 'node:crypto';
import { S3Error } from '../../engines/objectstore/index.ts';

/** Reads a request body into its chunks, as they arrive, without joining them. */
export async function readChunks(body: ReadableStream<Uint8Array> | null): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  if (!body) return chunks;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>)
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return chunks;
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

/** The body of a request as S3 would store it, with its signed payload hash checked. */
export async function readPayload(request: Request, payloadHash: string): Promise<Buffer[]> {
  let chunks = await readChunks(request.body);
  const encoding = request.headers.get('content-encoding') ?? '';
  if (payloadHash.startsWith('STREAMING-') || encoding.includes('aws-chunked')) chunks = decodeAwsChunked(chunks);
  else if (/^[0-9a-f]{64}$/.test(payloadHash)) {
    const hash = createHash('sha256');
    for (const c of chunks) hash.update(c);
    if (hash.digest('hex') !== payloadHash) {
      throw new S3Error(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
  }
  return chunks;
}
