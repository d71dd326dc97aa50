import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ROOT, createFileSystem } from '../../engines/fs/index.ts';
import type { NameDirectory } from '../../engines/site/names.ts';
import { isoSeconds, listPath, listingJson, type ListOptions } from './listing.ts';

const alice = { uid: 1001, gids: [1001] };
const names: NameDirectory = {
  userName: (uid) => (uid === 1001 ? 'alice' : uid === 0 ? 'root' : undefined),
  groupName: (gid) => (gid === 1001 ? 'alice "the group"' : undefined),
  uidOf: () => undefined,
  gidOf: () => undefined,
};
const options: ListOptions = {
  showHidden: false,
  numericUid: false,
  recursive: false,
  dereference: false,
  outputLimit: Number.POSITIVE_INFINITY,
};

/** A home with the given names as files, one directory, one link and one dangling link. */
function home(fileNames: readonly string[], times: readonly number[] = [0]) {
  let tick = 0;
  const fs = createFileSystem({ now: () => times[tick++ % times.length] ?? 0 });
  fs.mkdir(ROOT, '/home/alice', { parents: true });
  fs.chown(ROOT, '/home/alice', 1001, 1001);
  fs.mkdir(alice, '/home/alice/sub', { mode: 0o2750 });
  fs.writeFile(alice, '/home/alice/sub/inner', 'x', { mode: 0o4755 });
  fs.symlink(alice, 'sub/inner', '/home/alice/link');
  fs.symlink(alice, '/nowhere', '/home/alice/dangling');
  for (const name of fileNames) fs.writeFile(alice, `/home/alice/${name}`, name, { mode: 0o640 });
  return fs;
}

const sameBytes = (fs: ReturnType<typeof home>, path: string, o: ListOptions) =>
  expect(listingJson(fs, alice, path, names, o)).toBe(JSON.stringify({ output: listPath(fs, alice, path, names, o) }));

describe('isoSeconds', () => {
  test('is toISOString to the second, across years 0 to 9999 and beyond', () => {
    const edges = [0, -1, -1000, -1001, 951_782_400_000, -62_167_219_200_000, 253_402_300_799_999];
    for (const ms of [...edges, -62_167_219_200_001, 253_402_300_800_000])
      expect(isoSeconds(ms)).toBe(new Date(ms).toISOString().slice(0, 19));
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoSeconds(ms)).toBe(new Date(ms).toISOString().slice(0, 19));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('listingJson', () => {
  test('is the bytes of JSON.stringify of the listing, names of any text included', () => {
    const odd = fc.constantFrom('"', '\\', '\n', '\u0001', '\u2028', '\ud800', 'é', '😀', '.');
    const name = fc
      .string({ unit: fc.oneof(odd, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 })
      .filter((n) => n.length > 0 && !n.includes('/') && !n.includes('\0') && n !== '.' && n !== '..');
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 8 }), fc.boolean(), fc.boolean(), (fileNames, numeric, all) => {
        const fs = home(fileNames.filter((n) => !['sub', 'link', 'dangling'].includes(n)));
        const o = { ...options, numericUid: numeric, showHidden: all };
        sameBytes(fs, '/home/alice', o);
        sameBytes(fs, '/home/alice', { ...o, recursive: true, dereference: true });
      }),
      { numRuns: 200 },
    );
  });

  test('lists a file by the name given, and times that change from entry to entry', () => {
    const fs = home(['a', 'b', 'c', 'd'], [0, 1_000, 1_999, 86_400_000, 951_782_400_000]);
    sameBytes(fs, '/home/alice/sub/inner', options);
    sameBytes(fs, '/home/alice/', options);
    const times = listPath(fs, alice, '/home/alice', names, options).map((m) => m.lastModified);
    expect(new Set(times).size).toBeGreaterThan(1);
  });

  test('lists thousands of entries, and refuses what passes the output limit', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `file-${String(i).padStart(5, '0')}-${'é'.repeat(20)}`);
    const fs = home(many);
    expect(listingJson(fs, alice, '/home/alice', names, options).length).toBeGreaterThan(64 * 1024);
    sameBytes(fs, '/home/alice', options);
    expect(() => listingJson(fs, alice, '/home/alice', names, { ...options, outputLimit: 10_000 })).toThrow(
      'Command output exceeded buffer limit.',
    );
  });
});
