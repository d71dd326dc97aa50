import { expect, test } from 'vitest';
import { compress, createArchive, decompress, extractArchive } from './archive.ts';
import { ROOT, createFileSystem } from './index.ts';

test('an archive of a tree unpacks to the same tree, bytes and modes kept', async () => {
  const fs = createFileSystem({ now: () => 0 });
  fs.mkdir(ROOT, '/src/tree/inner', { parents: true });
  fs.writeFile(ROOT, '/src/tree/inner/a.bin', new Uint8Array([0, 1, 254, 255]), { mode: 0o600 });
  fs.writeFile(ROOT, '/src/tree/b.txt', 'bee\n');
  fs.symlink(ROOT, 'b.txt', '/src/tree/link');
  const archive = decompress(compress(await createArchive(fs, ROOT, '/src/tree'), 'gzip'), 'gzip', '/x');
  fs.mkdir(ROOT, '/out');
  await extractArchive(fs, ROOT, archive, '/out');
  expect([...fs.readFile(ROOT, '/out/tree/inner/a.bin')]).toEqual([0, 1, 254, 255]);
  expect(fs.stat(ROOT, '/out/tree/inner/a.bin').mode).toBe(0o600);
  expect(fs.stat(ROOT, '/out/tree/link', { follow: false }).target).toBe('b.txt');
  expect(fs.readFile(ROOT, '/out/tree/link').toString()).toBe('bee\n');
});

test('a pattern keeps only matching files', async () => {
  const fs = createFileSystem({ now: () => 0 });
  fs.mkdir(ROOT, '/d/sub', { parents: true });
  fs.writeFile(ROOT, '/d/keep.log', 'k');
  fs.writeFile(ROOT, '/d/sub/also.log', 'k');
  fs.writeFile(ROOT, '/d/drop.txt', 'd');
  const archive = await createArchive(fs, ROOT, '/d', { matchPattern: /^(?:.*\.log)$/ });
  fs.mkdir(ROOT, '/out');
  expect(await extractArchive(fs, ROOT, archive, '/out')).toBe(2);
  expect(fs.exists(ROOT, '/out/d/sub/also.log')).toBe(true);
  expect(fs.exists(ROOT, '/out/d/drop.txt')).toBe(false);
});

test('a corrupt archive is an error, not a crash', async () => {
  const fs = createFileSystem({ now: () => 0 });
  fs.mkdir(ROOT, '/out');
  expect(() => decompress(Buffer.from('not gzip'), 'gzip', '/x.tar.gz')).toThrow(/Invalid argument/);
  await expect(extractArchive(fs, ROOT, Buffer.alloc(1024, 7), '/out')).rejects.toThrow();
});
