// What head, tail and file print of a stored file.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { readRange, sizeOf, slicedChunksOf, type Content } from '../content/index.ts';

/** The first block read back from the end of a file, and the largest (each twice the one before). */
const TAIL_BLOCK = 64 * 1024;
const MAX_TAIL_BLOCK = 16 * 1024 * 1024;
const NL = 10;

/** The offset just past the n-th newline (the size when there are fewer); past `stopAfter` it stops early. */
async function afterLines(content: Content, n: number, stopAfter = Number.POSITIVE_INFINITY): Promise<number> {
  if (n <= 0) return 0;
  let offset = 0;
  let seen = 0;
  for await (const chunk of slicedChunksOf(content)) {
    for (let i = chunk.indexOf(NL); i >= 0; i = chunk.indexOf(NL, i + 1)) if (++seen === n) return offset + i + 1;
    offset += chunk.length;
    if (offset > stopAfter) return offset;
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

export type Unit = 'lines' | 'bytes';

/**
 * The bytes GNU `head` or `tail` prints of a stored file, as a range found by reading only as far
 * as needed: `head` the first n lines or bytes (with `skip`, all but the last n), `tail` the last n
 * (with `skip`, everything from the n-th, 1-based, on). Lines are counted forward from the start
 * or back from the end, which stops once the range is longer than `stopAfter` (output the caller
 * refuses).
 */
export async function printedRange(
  command: 'head' | 'tail',
  content: Content,
  unit: Unit,
  n: number,
  skip: boolean,
  options: { readonly stopAfter?: number; readonly blockBytes?: number } = {},
): Promise<[number, number]> {
  const size = sizeOf(content);
  const { stopAfter, blockBytes = TAIL_BLOCK } = options;
  if (command === 'head') {
    if (unit === 'bytes') return [0, skip ? Math.max(0, size - n) : Math.min(n, size)];
    return [0, skip ? await lastLinesStart(content, n, blockBytes) : await afterLines(content, n, stopAfter)];
  }
  if (unit === 'bytes') return [skip ? Math.min(size, Math.max(0, n - 1)) : Math.max(0, size - n), size];
  return [skip ? await afterLines(content, n - 1) : await lastLinesStart(content, n, blockBytes, stopAfter), size];
}

/** What GNU `head` or `tail` prints of a stored file (see `printedRange`), reading only what it needs. */
export const printed = async (
  command: 'head' | 'tail',
  content: Content,
  unit: Unit,
  n: number,
  skip: boolean,
  blockBytes?: number,
) => readRange(content, ...(await printedRange(command, content, unit, n, skip, { blockBytes })));

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
