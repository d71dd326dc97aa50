import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { FsError } from './errors.ts';
import type { Credentials, FileSystem } from './index.ts';

export const compressions = ['none', 'gzip', 'bzip2', 'xz'] as const;
export type Compression = (typeof compressions)[number];

export interface ArchiveOptions {
  readonly dereference?: boolean;
  /** Only regular files whose `./relative/path` matches (find -regex: the whole path). */
  readonly matchPattern?: RegExp | undefined;
}

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A tar archive of `source` (a file or a directory tree), named relative to its parent, as `tar -C`. */
export async function createArchive(
  fs: FileSystem,
  cred: Credentials,
  source: string,
  options: ArchiveOptions = {},
): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  const parent = posix.dirname(source);
  const add = (path: string, name: string) =>
    new Promise<void>((resolve, reject) => {
      const stat = fs.stat(cred, path, { follow: options.dereference ?? false });
      const header = { name, mode: stat.mode, uid: stat.uid, gid: stat.gid, mtime: new Date(stat.mtime) };
      if (stat.type === 'directory') pack.entry({ ...header, type: 'directory' }, (e) => (e ? reject(e) : resolve()));
      else if (stat.type === 'symlink')
        pack.entry({ ...header, type: 'symlink', linkname: stat.target ?? '' }, (e) => (e ? reject(e) : resolve()));
      else pack.entry({ ...header, type: 'file' }, fs.readFile(cred, path), (e) => (e ? reject(e) : resolve()));
    });
  const walk = async (path: string, name: string) => {
    const stat = fs.stat(cred, path, { follow: options.dereference ?? false });
    const matches =
      !options.matchPattern || (stat.type === 'file' && options.matchPattern.test(`./${posix.relative(source, path)}`));
    if (stat.type !== 'directory') {
      if (matches) await add(path, name);
      return;
    }
    if (!options.matchPattern) await add(path, `${name}/`);
    for (const child of fs.readdir(cred, path)) await walk(`${path}/${child}`, `${name}/${child}`);
  };
  await walk(source, posix.relative(parent, source) || posix.basename(source));
  pack.finalize();
  return done;
}

/** Unpacks a tar archive under `target`; members with `..` or an absolute name are refused, as GNU tar does. */
export async function extractArchive(
  fs: FileSystem,
  cred: Credentials,
  archive: Buffer,
  target: string,
): Promise<number> {
  const extract = tar.extract();
  let count = 0;
  const finished = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\/+/, '');
      const path = posix.join(target, name);
      const unsafe = name.split('/').includes('..');
      collect(stream)
        .then((data) => {
          if (!unsafe) {
            const mode = (header.mode ?? 0o644) & ~0o022;
            // tar makes the directories a member needs when the archive does not list them
            const parent = posix.dirname(path);
            if (parent !== target && !fs.exists(cred, parent)) fs.mkdir(cred, parent, { parents: true });
            if (header.type === 'directory') fs.mkdir(cred, path, { mode, parents: true });
            else if (header.type === 'symlink') fs.symlink(cred, header.linkname ?? '', path);
            else if (header.type === 'file') fs.writeFile(cred, path, data, { mode });
            count++;
          }
          next();
        })
        .catch((error: unknown) => {
          extract.destroy(error instanceof Error ? error : new Error(String(error)));
        });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([archive]).pipe(extract);
  try {
    await finished;
  } catch (error) {
    if (error instanceof FsError) throw error;
    throw new FsError('EINVAL', target, 'read');
  }
  return count;
}

export function compress(data: Buffer, compression: Compression): Buffer {
  return compression === 'gzip' ? gzipSync(data) : data;
}

export function decompress(data: Buffer, compression: Compression, path: string): Buffer {
  if (compression !== 'gzip') return data;
  try {
    return gunzipSync(data);
  } catch {
    throw new FsError('EINVAL', path, 'read');
  }
}
