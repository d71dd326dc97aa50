import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  bytesOf,
  checkDataDir,
  chunksOf,
  createDiskContentStore,
  createMemoryContentStore,
  sizeOf,
  type ContentStore,
} from './index.ts';
import { SPILL_BYTES } from './disk.ts';

const scratch = mkdtempSync(join(tmpdir(), 'f7t-content-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function* from(...chunks: (string | Buffer)[]) {
  await Promise.resolve();
  for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c) : c;
}
const collect = async (chunks: AsyncIterable<Buffer> | Iterable<Buffer>) => {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out).toString('latin1');
};

// One behaviour, two stores: everything below holds for both.
const stores: [string, () => ContentStore][] = [
  ['memory', () => createMemoryContentStore()],
  ['disk', () => createDiskContentStore(scratch)],
];

describe.each(stores)('%s content store', (_, make) => {
  test('bytes given at once read back whole and by range', async () => {
    const store = make();
    const big = Buffer.alloc(SPILL_BYTES * 2, 'x');
    big.write('head', 0);
    for (const data of [Buffer.from('hello'), big, Buffer.alloc(0)]) {
      const piece = store.fromBytes(data);
      expect(piece.size).toBe(data.length);
      expect(piece.bytes().equals(data)).toBe(true);
      expect(await collect(piece.chunks(1, 4))).toBe(data.subarray(1, 4).toString('latin1'));
    }
    await store.close();
  });

  test('a streamed body is stored as it comes, each chunk observed in order', async () => {
    const store = make();
    const seen: string[] = [];
    const piece = await store.write(from('abc', 'def', '', 'gh'), (c) => seen.push(c.toString()));
    expect(seen.join('')).toBe('abcdefgh');
    expect(piece.size).toBe(8);
    expect(piece.bytes().toString()).toBe('abcdefgh');
    expect(await collect(piece.chunks(2, 7))).toBe('cdefg');
    expect(await collect(piece.chunks(3, 3))).toBe('');
    await store.close();
  });

  test('content of several pieces reads as one run of bytes', async () => {
    const store = make();
    const content = [store.fromBytes(Buffer.from('one ')), await store.write(from('two ', 'three'))];
    expect(sizeOf(content)).toBe(13);
    expect(bytesOf(content).toString()).toBe('one two three');
    expect(await collect(chunksOf(content))).toBe('one two three');
    expect(await collect(chunksOf(content, 2, 9))).toBe('e two t');
    expect(await collect(chunksOf(content, 4, 8))).toBe('two ');
    await store.close();
  });

  test('a body that fails partway stores nothing and passes the error on', async () => {
    const store = make();
    async function* failing() {
      yield await Promise.resolve(Buffer.from('part'));
      throw new Error('client went away');
    }
    await expect(store.write(failing())).rejects.toThrow('client went away');
    if (store.directory) expect(readdirSync(store.directory)).toEqual([]);
    await store.close();
  });
});

describe('disk content store', () => {
  test('writes files under its own directory and close removes them', async () => {
    const store = createDiskContentStore(scratch);
    const dir = store.directory ?? '';
    expect(dir.startsWith(scratch)).toBe(true);
    await store.write(from('on disk'));
    expect(readdirSync(dir)).toHaveLength(1);
    await store.close();
    expect(readdirSync(scratch)).not.toContain(dir.split('/').pop());
  });

  test('a missing or unusable directory is refused with its reason', () => {
    expect(() => checkDataDir(join(scratch, 'nope'))).toThrow(/data directory .*nope: no such directory/);
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    expect(() => createDiskContentStore(file)).toThrow(/not a directory/);
  });
});

test('small views of large allocations are held as copies of their own; full chunks by reference', async () => {
  const store = createMemoryContentStore();
  const socketRead = Buffer.alloc(64 * 1024, 0x61);
  const short = socketRead.subarray(0, 20);
  const pooled = Buffer.from('a:1:staged'); // a slice of node's 8 KiB pool
  const piece = await store.write(from(short, pooled, socketRead));
  const held: Buffer[] = [];
  for await (const chunk of piece.chunks(0, piece.size)) held.push(chunk);
  expect(held.map((b) => b.buffer.byteLength)).toEqual([20, 10, 64 * 1024]);
  expect(held[2]).toBe(socketRead);
  expect(Buffer.concat(held).subarray(20, 30).toString()).toBe('a:1:staged');
  const written = store.fromBytes(Buffer.from('tiny'));
  for await (const chunk of written.chunks(0, 4)) expect(chunk.buffer.byteLength).toBe(4);
});
