import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { rm, unlink, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { asBuffer, memoryPiece, type ContentStore, type Piece } from './piece.ts';

/**
 * Pieces smaller than this stay in memory: job output arrives a line at a time and a file a
 * piece per write, and a file on disk for each would cost more than the bytes.
 */
export const SPILL_BYTES = 64 * 1024;
const READ_CHUNK = 1024 * 1024;

/** Why a directory cannot hold a site's data, or undefined when it can. */
function unusable(dir: string): string | undefined {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    return 'no such directory';
  }
  if (!isDirectory) return 'not a directory';
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    return 'not writable';
  }
  return undefined;
}

/** Refuses, with a message naming it, a data directory that is missing or cannot be written. */
export function checkDataDir(dir: string): void {
  const why = unusable(dir);
  if (why) throw new Error(`data directory ${dir}: ${why}`);
}

/**
 * File and object bytes as files under `parent` (in a directory of their own, made here and
 * removed by `close`), memory holding only where they are. Pieces are files by id; a piece no
 * longer referenced (its file overwritten or removed, its object expired) is deleted when the
 * runtime collects it. Reads and writes of large pieces stream and never block.
 */
export function createDiskContentStore(parent: string): ContentStore {
  checkDataDir(parent);
  const directory = mkdtempSync(join(resolve(parent), 'f7t-site-'));
  let next = 0;
  let closed = false;
  const forget = new FinalizationRegistry<string>((path) => {
    if (!closed) unlink(path).catch(() => undefined);
  });
  const newPath = () => join(directory, (++next).toString(36).padStart(6, '0'));

  /** A piece in a file (`held` is its bytes until the file is written). */
  const diskPiece = (path: string, size: number, held?: Buffer): Piece => {
    let inMemory = held;
    const piece: Piece & { written(): void } = {
      size,
      written: () => (inMemory = undefined),
      bytes: () => inMemory ?? readFileSync(path),
      async *chunks(start, end) {
        if (inMemory) {
          yield inMemory.subarray(start, end);
          return;
        }
        if (start >= end) return;
        for await (const chunk of createReadStream(path, { start, end: end - 1, highWaterMark: READ_CHUNK }))
          yield chunk as Buffer;
      },
    };
    forget.register(piece, path);
    return piece;
  };

  return {
    kind: 'disk',
    directory,
    fromBytes(data) {
      if (data.length < SPILL_BYTES) return memoryPiece([data]);
      // Held in memory until its file is written, so the write never waits on the disk.
      const path = newPath();
      const piece = diskPiece(path, data.length, data) as Piece & { written(): void };
      writeFile(path, data).then(
        () => piece.written(),
        () => undefined, // a failed write leaves the bytes in memory
      );
      return piece;
    },
    async write(source, observe) {
      const path = newPath();
      const out = createWriteStream(path, { highWaterMark: READ_CHUNK });
      let size = 0;
      try {
        for await (const chunk of source) {
          const buffer = asBuffer(chunk);
          observe?.(buffer);
          size += buffer.length;
          if (!out.write(buffer)) await once(out, 'drain');
        }
        out.end();
        await once(out, 'finish');
      } catch (error) {
        // The file is opened lazily: remove it once the stream has closed, or it could appear after.
        if (!out.closed) await new Promise<void>((done) => out.destroy().once('close', () => done()));
        await unlink(path).catch(() => undefined);
        throw error;
      }
      return diskPiece(path, size);
    },
    async close() {
      closed = true;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
