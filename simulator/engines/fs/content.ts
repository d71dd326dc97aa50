// What head, tail and file would print for a file's bytes.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { chunksOf, readRange, sizeOf, type Content } from '../content/index.ts';

function lineEnds(data: Buffer): number[] {
  const ends: number[] = [];
  for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) ends.push(i + 1);
  if (data.length > 0 && ends.at(-1) !== data.length) ends.push(data.length);
  return ends;
}

/** GNU head: the first n lines or bytes; with `allBut`, all but the last n. */
export function head(data: Buffer, unit: 'lines' | 'bytes', n: number, allBut: boolean): Buffer {
  if (unit === 'bytes') return data.subarray(0, allBut ? Math.max(0, data.length - n) : n);
  const ends = lineEnds(data);
  const keep = allBut ? Math.max(0, ends.length - n) : Math.min(n, ends.length);
  return data.subarray(0, keep === 0 ? 0 : ends[keep - 1]);
}

/** GNU tail: the last n lines or bytes; with `from`, everything from the n-th (1-based) on. */
export function tail(data: Buffer, unit: 'lines' | 'bytes', n: number, from: boolean): Buffer {
  if (unit === 'bytes') return data.subarray(from ? Math.max(0, n - 1) : Math.max(0, data.length - n));
  const ends = lineEnds(data);
  const startLine = from ? Math.max(0, n - 1) : Math.max(0, ends.length - n);
  return data.subarray(startLine === 0 ? 0 : (ends[startLine - 1] ?? data.length));
}

/** Bytes scanned between two turns of the event loop, so that scanning a large file blocks no request. */
const SCAN_SLICE = 4 * 1024 * 1024;
/** The first block read back from the end of a file, and the largest (each twice the one before). */
const TAIL_BLOCK = 64 * 1024;
const MAX_TAIL_BLOCK = 16 * 1024 * 1024;
const NL = 10;

/** The offset just past the n-th newline (the size when there are fewer); past `stopAfter` it stops early. */
async function afterLines(content: Content, n: number, stopAfter = Number.POSITIVE_INFINITY): Promise<number> {
  if (n <= 0) return 0;
  let offset = 0;
  let seen = 0;
  let since = 0;
  for await (const chunk of chunksOf(content)) {
    for (let i = chunk.indexOf(NL); i >= 0; i = chunk.indexOf(NL, i + 1)) if (++seen === n) return offset + i + 1;
    offset += chunk.length;
    if (offset > stopAfter) return offset;
    since += chunk.length;
    if (since >= SCAN_SLICE) {
      since = 0;
      await yieldToLoop();
    }
  }
  return offset;
}

/**
 * The offset where the last n lines start (a final newline ends the last line); 0 when there are
 * fewer. Once more than `stopAfter` bytes from the end are read it stops early, at a smaller offset.
 */
async function lastLinesStart(
  content: Content,
  n: number,
  blockBytes: number,
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<number> {
  const size = sizeOf(content);
  if (n <= 0) return size;
  let start = size;
  if (size > 0 && (await readRange(content, size - 1, size))[0] === NL) start--;
  let seen = 0;
  for (let want = blockBytes; start > 0; want = Math.min(want * 2, MAX_TAIL_BLOCK)) {
    const from = Math.max(0, start - want);
    const block = await readRange(content, from, start);
    for (let i = block.lastIndexOf(NL); i >= 0; i = i > 0 ? block.lastIndexOf(NL, i - 1) : -1)
      if (++seen === n) return from + i + 1;
    start = from;
    if (size - start > stopAfter) return start;
    await yieldToLoop();
  }
  return 0;
}

/**
 * The bytes `head` prints of a stored file, as a range, found by reading only as far as needed;
 * counting lines stops once the range is past `stopAfter` (the caller refuses such output).
 */
export async function headRange(
  content: Content,
  unit: 'lines' | 'bytes',
  n: number,
  allBut: boolean,
  stopAfter?: number,
  blockBytes = TAIL_BLOCK,
): Promise<[number, number]> {
  const size = sizeOf(content);
  if (unit === 'bytes') return [0, allBut ? Math.max(0, size - n) : Math.min(n, size)];
  return [0, allBut ? await lastLinesStart(content, n, blockBytes) : await afterLines(content, n, stopAfter)];
}

/**
 * The bytes `tail` prints of a stored file, as a range; the last lines are found reading back from
 * the end, which stops once the range is longer than `stopAfter` (the caller refuses such output).
 */
export async function tailRange(
  content: Content,
  unit: 'lines' | 'bytes',
  n: number,
  from: boolean,
  stopAfter?: number,
  blockBytes = TAIL_BLOCK,
): Promise<[number, number]> {
  const size = sizeOf(content);
  if (unit === 'bytes') return [from ? Math.min(size, Math.max(0, n - 1)) : Math.max(0, size - n), size];
  return [from ? await afterLines(content, n - 1) : await lastLinesStart(content, n, blockBytes, stopAfter), size];
}

/** What `head` prints of a stored file, reading only what it needs. */
export const headOf = async (
  content: Content,
  unit: 'lines' | 'bytes',
  n: number,
  allBut: boolean,
  blockBytes?: number,
) => readRange(content, ...(await headRange(content, unit, n, allBut, undefined, blockBytes)));

/** What `tail` prints of a stored file, reading only what it needs. */
export const tailOf = async (
  content: Content,
  unit: 'lines' | 'bytes',
  n: number,
  from: boolean,
  blockBytes?: number,
) => readRange(content, ...(await tailRange(content, unit, n, from, undefined, blockBytes)));

/** The bytes `file` looks at: the first 64 KiB, as file 5.44 does (a longer line reads "(65536)"). */
export const FILE_PEEK_BYTES = 64 * 1024;
/** Lines longer than this are "very long" to `file`. */
const LONG_LINE = 300;

/** The longest line's length, a line cut off at the end counted as far as it goes. */
function longestLine(data: Buffer): number {
  let longest = 0;
  let start = 0;
  for (let i = data.indexOf(NL); i >= 0; i = data.indexOf(NL, i + 1)) {
    longest = Math.max(longest, i - start);
    start = i + 1;
  }
  return Math.max(longest, data.length - start);
}

/** Bytes without a UTF-8 sequence cut off at their end (where `file` stopped reading). */
function withoutCutSequence(data: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const byte = data[data.length - back] as number;
    if (byte < 0x80) return data;
    if (byte >= 0xc0) {
      const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return needs > back ? data.subarray(0, data.length - back) : data;
    }
  }
  return data;
}

const isText = (data: Buffer) => !data.some((b) => b < 7 || (b > 13 && b < 32 && b !== 27) || b === 127);

/** A short description of a file's content, in the words of `file -b` for common cases. */
export function describeContent(whole: Buffer, executable: boolean): string {
  const cut = whole.length > FILE_PEEK_BYTES;
  const data = cut ? withoutCutSequence(whole.subarray(0, FILE_PEEK_BYTES)) : whole;
  if (data.length === 0) return 'empty';
  if (data[0] === 0x1f && data[1] === 0x8b) return 'gzip compressed data';
  if (data.length > 262 && data.subarray(257, 262).toString('latin1') === 'ustar') return 'POSIX tar archive (GNU)';
  if (data.subarray(0, 4).toString('latin1') === '\x7fELF') return 'ELF 64-bit LSB executable, x86-64';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'PNG image data';
  if (!isText(data)) return 'data';
  const ascii = !data.some((b) => b > 127);
  if (!ascii && Buffer.from(data.toString('utf8'), 'utf8').compare(data) !== 0) return 'data';
  let kind = ascii ? 'ASCII text' : 'Unicode text, UTF-8 text';
  const firstLine = data.subarray(0, 64).toString('latin1');
  if (/^#!\s*\S*\/(ba)?sh\b/.test(firstLine)) {
    kind = `${firstLine.includes('bash') ? 'Bourne-Again shell script' : 'POSIX shell script'}, ${kind}${executable ? ' executable' : ''}`;
  }
  const longest = longestLine(data);
  if (longest > LONG_LINE) kind += `, with very long lines (${longest})`;
  return data.includes(NL) ? kind : `${kind}, with no line terminators`;
}
