import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { memoryPiece, type Content, type Piece } from '../content/index.ts';
import { describeContent, printed, printedRange } from './content.ts';
import { applyMode, formatPermissions } from './mode.ts';

// GNU head and tail over a whole buffer: what the readers of a stored file must print.
function lineEnds(data: Buffer): number[] {
  const ends: number[] = [];
  for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) ends.push(i + 1);
  if (data.length > 0 && ends.at(-1) !== data.length) ends.push(data.length);
  return ends;
}
function head(data: Buffer, unit: 'lines' | 'bytes', n: number, allBut: boolean): Buffer {
  if (unit === 'bytes') return data.subarray(0, allBut ? Math.max(0, data.length - n) : n);
  const ends = lineEnds(data);
  const keep = allBut ? Math.max(0, ends.length - n) : Math.min(n, ends.length);
  return data.subarray(0, keep === 0 ? 0 : ends[keep - 1]);
}
function tail(data: Buffer, unit: 'lines' | 'bytes', n: number, from: boolean): Buffer {
  if (unit === 'bytes') return data.subarray(from ? Math.max(0, n - 1) : Math.max(0, data.length - n));
  const ends = lineEnds(data);
  const startLine = from ? Math.max(0, n - 1) : Math.max(0, ends.length - n);
  return data.subarray(startLine === 0 ? 0 : (ends[startLine - 1] ?? data.length));
}

const text = Buffer.from('a\nb\nc\nd');

describe('head and tail as GNU coreutils', () => {
  test('lines, bytes, all-but and from', () => {
    expect(head(text, 'lines', 2, false).toString()).toBe('a\nb\n');
    expect(head(text, 'lines', 1, true).toString()).toBe('a\nb\nc\n');
    expect(head(text, 'bytes', 3, false).toString()).toBe('a\nb');
    expect(head(text, 'bytes', 2, true).toString()).toBe('a\nb\nc');
    expect(tail(text, 'lines', 2, false).toString()).toBe('c\nd');
    expect(tail(text, 'lines', 2, true).toString()).toBe('b\nc\nd');
    expect(tail(text, 'bytes', 3, false).toString()).toBe('c\nd');
    expect(tail(text, 'bytes', 3, true).toString()).toBe('b\nc\nd');
    expect(head(Buffer.alloc(0), 'lines', 10, false)).toHaveLength(0);
  });
});

describe('head and tail of a stored file, reading only what they print', () => {
  /** `data` as a file of several pieces, each cut into chunks; counts the bytes read. */
  const stored = (data: Buffer, cuts: readonly number[]) => {
    const read = { bytes: 0 };
    const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
    const bounds = [0, ...at, data.length];
    const content: Content = bounds.slice(1).map((end, i): Piece => {
      const inner = memoryPiece([data.subarray(bounds[i], end)]);
      return {
        size: inner.size,
        bytes: () => inner.bytes(),
        *chunks(start, stop) {
          for (const chunk of inner.chunks(start, stop) as Iterable<Buffer>) {
            read.bytes += chunk.length;
            yield chunk;
          }
        },
      };
    });
    return { content, read };
  };
  // Lines of a few bytes and some long ones, over several of tail's blocks (97 bytes, 4 KiB or 64 KiB).
  const file = fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer({ min: 3_000, max: 5_000 }).map((n) => 'x'.repeat(n)),
      ),
      { maxLength: 12 },
    )
    .chain((lines) => fc.tuple(fc.constant(lines), fc.boolean()))
    .map(([lines, endsWithNewline]) => Buffer.from(lines.join('\n') + (endsWithNewline ? '\n' : '')));

  test('print what head and tail print of the whole file', async () => {
    await fc.assert(
      fc.asyncProperty(
        file,
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.constantFrom('lines' as const, 'bytes' as const),
        fc.nat({ max: 15 }),
        fc.boolean(),
        fc.constantFrom(97, 4096, 64 * 1024),
        async (data, cuts, unit, n, flag, block) => {
          const { content } = stored(data, cuts);
          // As text: the matcher's deep equality goes byte by byte over a Buffer.
          const text = (b: Buffer) => b.toString('latin1');
          expect(text(await printed('head', content, unit, n, flag, block))).toBe(text(head(data, unit, n, flag)));
          expect(text(await printed('tail', content, unit, n, flag, block))).toBe(text(tail(data, unit, n, flag)));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('the first and last lines of a large file are read without reading the file', async () => {
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n'));
    const first = stored(data, [1000, 500_000]);
    expect((await printed('head', first.content, 'lines', 3, false)).toString()).toBe('line 0\nline 1\nline 2\n');
    expect(first.read.bytes).toBeLessThan(data.length / 10);
    const last = stored(data, [1000, 500_000]);
    expect((await printed('tail', last.content, 'lines', 2, false)).toString()).toBe('line 199998\nline 199999');
    expect(last.read.bytes).toBeLessThan(data.length / 10);
    // A file without a newline: counting stops once the output would pass what may be printed.
    const flat = stored(Buffer.alloc(1_000_000, 'x'), [1000, 500_000]);
    const [start, end] = await printedRange('head', flat.content, 'lines', 10, false, { stopAfter: 4096 });
    expect(start).toBe(0);
    expect(end).toBeGreaterThan(4096);
    expect(flat.read.bytes).toBeLessThan(600_000);
    const back = stored(Buffer.alloc(1_000_000, 'x'), [1000, 500_000]);
    const [from, to] = await printedRange('tail', back.content, 'lines', 10, false, { stopAfter: 100_000 });
    expect(to - from).toBeGreaterThan(100_000);
    expect(back.read.bytes).toBeLessThan(600_000);
  });
});

test('file -b on long lines, as file 5.44 on a real 2.5.6 site answered', () => {
  const line = (n: number) => Buffer.from(`${'b'.repeat(n)}\n`);
  expect(describeContent(line(300), false)).toBe('ASCII text');
  expect(describeContent(line(301), false)).toBe('ASCII text, with very long lines (301)');
  expect(describeContent(Buffer.from(`short\n${'c'.repeat(500)}\nend\n`), false)).toBe(
    'ASCII text, with very long lines (500)',
  );
  // It looks at the first 64 KiB only: a longer first line has no terminator there.
  expect(describeContent(line(70_000), false)).toBe(
    'ASCII text, with very long lines (65536), with no line terminators',
  );
  expect(describeContent(Buffer.alloc(6 * 1024 * 1024, 'a'), false)).toBe(
    'ASCII text, with very long lines (65536), with no line terminators',
  );
});

test('file -b descriptions', () => {
  expect(describeContent(Buffer.alloc(0), false)).toBe('empty');
  expect(describeContent(Buffer.from('hello\n'), false)).toBe('ASCII text');
  expect(describeContent(Buffer.from('hello'), false)).toBe('ASCII text, with no line terminators');
  expect(describeContent(Buffer.from('grüezi\n'), false)).toBe('Unicode text, UTF-8 text');
  expect(describeContent(Buffer.from('#!/bin/bash\necho\n'), true)).toBe(
    'Bourne-Again shell script, ASCII text executable',
  );
  expect(describeContent(Buffer.from([0x1f, 0x8b, 8, 0]), false)).toBe('gzip compressed data');
  expect(describeContent(Buffer.from([0, 1, 2, 255]), false)).toBe('data');
});

test('modes: ls letters, octal and symbolic chmod', () => {
  expect(formatPermissions(0o755)).toBe('rwxr-xr-x');
  expect(formatPermissions(0o1777)).toBe('rwxrwxrwt');
  expect(formatPermissions(0o2750)).toBe('rwxr-s---');
  expect(formatPermissions(0o4644)).toBe('rwSr--r--');
  expect(applyMode('640', 0o777, false)).toBe(0o640);
  expect(applyMode('u+x,go-r', 0o644, false)).toBe(0o700);
  expect(applyMode('a=r', 0o777, false)).toBe(0o444);
  expect(applyMode('+X', 0o644, true)).toBe(0o755);
  expect(applyMode('+X', 0o644, false)).toBe(0o644);
  expect(applyMode('o+t', 0o777, true)).toBe(0o1777);
  expect(applyMode('rwx', 0o644, false)).toBeUndefined();
  expect(applyMode('999', 0o644, false)).toBeUndefined();
});
