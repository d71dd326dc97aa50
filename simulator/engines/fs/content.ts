// What head, tail and file would print for a file's bytes.

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

const isText = (data: Buffer) => !data.some((b) => b < 7 || (b > 13 && b < 32 && b !== 27) || b === 127);

/** A short description of a file's content, in the words of `file -b` for common cases. */
export function describeContent(data: Buffer, executable: boolean): string {
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
  return data.includes(10) ? kind : `${kind}, with no line terminators`;
}
