import { describe, expect, test } from 'vitest';
import { ROOT, createFileSystem } from './index.ts';

const alice = { uid: 1001, gids: [1001] };
const bob = { uid: 1002, gids: [1002] };

function tree() {
  const fs = createFileSystem({ now: () => 0 });
  fs.mkdir(ROOT, '/home', { mode: 0o755 });
  fs.mkdir(ROOT, '/home/alice', { mode: 0o700 });
  fs.chown(ROOT, '/home/alice', 1001, 1001);
  return fs;
}

describe('file system', () => {
  test('owner reads and writes, others are refused by mode bits', () => {
    const fs = tree();
    fs.writeFile(alice, '/home/alice/a.txt', 'hello');
    expect(fs.readFile(alice, '/home/alice/a.txt').toString()).toBe('hello');
    expect(() => fs.readFile(bob, '/home/alice/a.txt')).toThrow(
      expect.objectContaining({ code: 'EACCES', path: '/home/alice/a.txt' }),
    );
    expect(() => fs.writeFile(bob, '/home/alice/b.txt', 'x')).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(() => fs.readFile(bob, '/home/alice/../alice/a.txt')).toThrow(expect.objectContaining({ code: 'EACCES' }));
  });

  test('errno for missing, non-directory, existing, bad paths', () => {
    const fs = tree();
    fs.writeFile(alice, '/home/alice/f', '');
    expect(() => fs.readFile(alice, '/home/alice/nope')).toThrow(
      expect.objectContaining({ code: 'ENOENT', path: '/home/alice/nope' }),
    );
    expect(() => fs.readFile(alice, '/home/alice/f/x')).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => fs.mkdir(alice, '/home/alice/f')).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => fs.readFile(alice, 'relative')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => fs.readFile(alice, '/home/a\0b')).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => fs.readFile(alice, `/${'x'.repeat(5000)}`)).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
  });

  test('append keeps bytes exact; mkdir -p; chown only by root', () => {
    const fs = tree();
    fs.writeFile(alice, '/home/alice/bin', new Uint8Array([0, 255, 1]));
    fs.writeFile(alice, '/home/alice/bin', new Uint8Array([2]), { append: true });
    expect([...fs.readFile(alice, '/home/alice/bin')]).toEqual([0, 255, 1, 2]);
    fs.mkdir(alice, '/home/alice/a/b/c', { parents: true });
    expect(fs.readdir(alice, '/home/alice/a/b')).toEqual(['c']);
    expect(() => fs.chown(alice, '/home/alice/bin', 1002, 1002)).toThrow(expect.objectContaining({ code: 'EPERM' }));
  });
});

describe('rename and copy', () => {
  test('mv into a directory and to a new name; cp keeps bytes and modes', () => {
    const fs = tree();
    fs.mkdir(alice, '/home/alice/dir');
    fs.writeFile(alice, '/home/alice/a.txt', 'A', { mode: 0o640 });
    fs.rename(alice, '/home/alice/a.txt', '/home/alice/dir');
    expect(fs.readFile(alice, '/home/alice/dir/a.txt').toString()).toBe('A');
    fs.rename(alice, '/home/alice/dir/a.txt', '/home/alice/b.txt');
    expect(fs.exists(alice, '/home/alice/dir/a.txt')).toBe(false);
    fs.copy(alice, '/home/alice/b.txt', '/home/alice/dir');
    expect(fs.stat(alice, '/home/alice/dir/b.txt').mode).toBe(0o640);
    fs.copy(alice, '/home/alice/dir', '/home/alice/dir2');
    expect(fs.readFile(alice, '/home/alice/dir2/b.txt').toString()).toBe('A');
    expect(() => fs.rename(alice, '/home/alice/dir', '/home/alice/dir/inside')).toThrow(
      expect.objectContaining({ code: 'EINVAL' }),
    );
    expect(() => fs.rename(alice, '/home/alice/nope', '/home/alice/x')).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
    expect(() => fs.copy(bob, '/home/alice/b.txt', '/home')).toThrow(expect.objectContaining({ code: 'EACCES' }));
  });
});

describe('listing order', () => {
  test('a listed directory lists what every later change left, sorted, with current stats', () => {
    const fs = tree();
    const listed = (path: string) => fs.list(alice, path).map((e) => `${e.name}:${e.stat.size}`);
    fs.mkdir(alice, '/home/alice/d');
    fs.mkdir(alice, '/home/alice/e');
    for (const name of ['m', 'b', 'z']) fs.writeFile(alice, `/home/alice/d/${name}`, name);
    expect(listed('/home/alice/d')).toEqual(['b:1', 'm:1', 'z:1']);
    fs.writeFile(alice, '/home/alice/d/a', 'aa');
    fs.writeFile(alice, '/home/alice/d/m', 'mmm');
    expect(listed('/home/alice/d')).toEqual(['a:2', 'b:1', 'm:3', 'z:1']);
    fs.rm(alice, '/home/alice/d/b');
    fs.rename(alice, '/home/alice/d/z', '/home/alice/e');
    fs.symlink(alice, 'a', '/home/alice/d/c');
    expect(listed('/home/alice/d')).toEqual(['a:2', 'c:1', 'm:3']);
    expect(listed('/home/alice/e')).toEqual(['z:1']);
    fs.rename(alice, '/home/alice/e/z', '/home/alice/d/a');
    fs.copy(alice, '/home/alice/d', '/home/alice/e');
    expect(listed('/home/alice/d')).toEqual(['a:1', 'c:1', 'm:3']);
    expect(fs.readdir(alice, '/home/alice/e')).toEqual(['d']);
    fs.rm(alice, '/home/alice/e/d', { recursive: true });
    expect(fs.readdir(alice, '/home/alice/e')).toEqual([]);
  });
});
