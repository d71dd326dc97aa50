import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeAwsChunked } from './body.ts';

// aws-chunked framing decoded as the bytes arrive, whatever the pieces the socket hands over.

/** The framing of `chunks` as an AWS SDK writes it, with optional signatures and trailers. */
function encode(chunks: readonly Buffer[], signed: boolean, trailer: string): Buffer {
  const signature = signed ? `;chunk-signature=${'a'.repeat(64)}` : '';
  const parts = chunks
    .filter((c) => c.length > 0)
    .flatMap((c) => [Buffer.from(`${c.length.toString(16)}${signature}\r\n`), c, Buffer.from('\r\n')]);
  return Buffer.concat([...parts, Buffer.from(`0${signature}\r\n${trailer}\r\n`)]);
}

/** `bytes` cut at the given offsets, as pieces of a body. */
function* piecesOf(bytes: Buffer, cuts: readonly number[]) {
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

const decode = async (pieces: Iterable<Uint8Array>) => {
  const out: Buffer[] = [];
  for await (const chunk of decodeAwsChunked(pieces)) out.push(chunk);
  return Buffer.concat(out);
};

describe('aws-chunked bodies', () => {
  test('decode to the data sent, whatever the chunks and however the body is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.boolean(),
        fc.constantFrom('', 'x-amz-checksum-crc32:AAAAAA==\r\n'),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (chunks, signed, trailer, cuts) => {
          const data = chunks.map((c) => Buffer.from(c));
          const wire = encode(data, signed, trailer);
          expect(await decode(piecesOf(wire, cuts))).toEqual(Buffer.concat(data));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('refuse a bad size, a missing CRLF, an endless header, or a body that ends before its last chunk', async () => {
    const refused = (text: string | Buffer) => decode(piecesOf(Buffer.from(text), [3, 7]));
    await expect(refused('zz\r\nabc\r\n0\r\n\r\n')).rejects.toThrow('Malformed aws-chunked encoding');
    await expect(refused('3\r\nabcXY0\r\n\r\n')).rejects.toThrow('Malformed aws-chunked encoding');
    await expect(refused('3\nabc\r\n0\r\n\r\n')).rejects.toThrow('Malformed aws-chunked encoding');
    await expect(refused(`${'1'.repeat(5000)}\r\n`)).rejects.toThrow('Malformed aws-chunked encoding');
    await expect(refused('5\r\nabc')).rejects.toThrow('Truncated aws-chunked encoding');
    await expect(refused('3\r\nabc\r\n')).rejects.toThrow('Truncated aws-chunked encoding');
  });

  test('a refused body is still read to its end, so that the client gets the answer', async () => {
    let read = 0;
    function* body() {
      for (const piece of ['zz\r\n', 'more', 'and more']) {
        read++;
        yield Buffer.from(piece);
      }
    }
    await expect(decode(body())).rejects.toThrow('Malformed');
    expect(read).toBe(3);
  });

  test('data is passed on as it arrives, not once the body has ended', async () => {
    const seen: string[] = [];
    function* body() {
      yield Buffer.from('4\r\nfirs');
      seen.push('sent first');
      yield Buffer.from('\r\n6\r\nsecond\r\n0\r\n\r\n');
    }
    for await (const chunk of decodeAwsChunked(body())) seen.push(chunk.toString());
    expect(seen).toEqual(['firs', 'sent first', 'second']);
  });
});
