// Pieces of content and what reads them, shared by both stores.
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** A run of bytes: immutable once made, shared by reference. */
export interface Piece {
  readonly size: number;
  /**
   * All the bytes at once, for the reads that need them whole (head, view, checksum: files under
   * the ops limits); a piece on disk is read synchronously.
   */
  bytes(): Buffer;
  /** The bytes from `start` to `end` (exclusive) as chunks, read as they are consumed. */
  chunks(start: number, end: number): AsyncIterable<Buffer> | Iterable<Buffer>;
}

/** A file's or an object's bytes: pieces one after the other. */
export type Content = readonly Piece[];

export interface ContentStore {
  readonly kind: 'memory' | 'disk';
  /** Where the disk store writes; undefined in memory. */
  readonly directory: string | undefined;
  /** Bytes given at once (a small upload, a line of job output): never blocks. */
  fromBytes(data: Buffer): Piece;
  /**
   * Bytes as they arrive (a request body), stored as they come: on disk they are never all in
   * memory. `observe` sees every chunk in order (for the hashes S3 computes on the way).
   */
  write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, observe?: (chunk: Buffer) => void): Promise<Piece>;
  /** Removes everything the store wrote. */
  close(): Promise<void>;
}

export const sizeOf = (content: Content): number => content.reduce((n, p) => n + p.size, 0);

/** The whole content in one buffer (for small files; see `Piece.bytes`). */
export function bytesOf(content: Content): Buffer {
  if (content.length === 1) return (content[0] as Piece).bytes();
  return Buffer.concat(content.map((p) => p.bytes()));
}

/** Bytes `start` to `end` (exclusive) of a content, chunk by chunk, across its pieces. */
export async function* chunksOf(content: Content, start = 0, end = sizeOf(content)): AsyncGenerator<Buffer> {
  let offset = 0;
  for (const piece of content) {
    const from = Math.max(start - offset, 0);
    const to = Math.min(end - offset, piece.size);
    if (from < to) yield* piece.chunks(from, to);
    offset += piece.size;
    if (offset >= end) return;
  }
}

/**
 * Bytes `start` to `end` (exclusive) in one buffer, read without blocking: of a file on disk, only
 * that range is read.
 */
export async function readRange(content: Content, start: number, end: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of chunksOf(content, start, end)) chunks.push(chunk);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** Bytes read between two turns of the event loop by the readers that go through a whole file. */
const SLICE = 4 * 1024 * 1024;

/**
 * `chunksOf`, with a turn of the event loop after every few MiB: for reads that go through a large
 * file in memory (hashing, scanning), which would otherwise run without a pause.
 */
export async function* slicedChunksOf(content: Content, start = 0, end = sizeOf(content)): AsyncGenerator<Buffer> {
  let since = 0;
  for await (const chunk of chunksOf(content, start, end)) {
    yield chunk;
    since += chunk.length;
    if (since >= SLICE) {
      since = 0;
      await yieldToLoop();
    }
  }
}

/** The digest of bytes `start` to `end` of a content, hashed without blocking the event loop. */
export async function digestOf(
  content: Content,
  algorithm: 'md5' | 'sha256',
  start = 0,
  end = sizeOf(content),
): Promise<Buffer> {
  const hash = createHash(algorithm);
  for await (const chunk of slicedChunksOf(content, start, end)) hash.update(chunk);
  return hash.digest();
}

/**
 * The buffer itself, or a copy of its bytes when it is a small view of a larger allocation (a slice
 * of node's 8 KiB pool, a short read into a 64 KiB socket buffer): kept, such a view would keep
 * the whole allocation alive for as long as the site holds the bytes.
 */
export function compact(buffer: Buffer): Buffer {
  if (buffer.byteLength >= buffer.buffer.byteLength / 2) return buffer;
  const copy = Buffer.allocUnsafeSlow(buffer.byteLength);
  buffer.copy(copy);
  return copy;
}

/** A piece held in memory as the chunks it arrived in (a request body is not joined). */
export function memoryPiece(parts: readonly Buffer[]): Piece {
  let held = parts.filter((b) => b.length > 0).map(compact);
  const size = held.reduce((n, b) => n + b.length, 0);
  return {
    size,
    bytes() {
      // Joined once, and the join kept in place of the chunks: the bytes stay held once.
      if (held.length > 1) held = [compact(Buffer.concat(held, size))];
      return held[0] ?? Buffer.alloc(0);
    },
    *chunks(start, end) {
      let offset = 0;
      for (const chunk of held) {
        const from = Math.max(start - offset, 0);
        const to = Math.min(end - offset, chunk.length);
        if (from < to) yield from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to);
        offset += chunk.length;
        if (offset >= end) return;
      }
    },
  };
}

/** Buffers over the chunks of a byte stream, without copying them. */
export const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
