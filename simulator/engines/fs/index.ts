import { FsError } from './errors.ts';

export { FsError } from './errors.ts';
export type { Errno } from './errors.ts';

/** Who is asking: uid 0 is root. */
export interface Credentials {
  readonly uid: number;
  readonly gids: readonly number[];
}

export type InodeType = 'file' | 'directory' | 'symlink';

interface Inode {
  readonly ino: number;
  readonly type: InodeType;
  mode: number;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
  ctime: number;
  nlink: number;
  chunks: Buffer[];
  size: number;
  children: Map<string, Inode> | undefined;
  target: string | undefined;
}

export interface Stat {
  readonly ino: number;
  readonly type: InodeType;
  /** Permission bits, including setuid/setgid/sticky (e.g. 0o1777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly nlink: number;
  /** Epoch ms on the site clock. */
  readonly atime: number;
  readonly mtime: number;
  readonly ctime: number;
  readonly target: string | undefined;
}

export const ROOT: Credentials = { uid: 0, gids: [0] };
const MAX_SYMLINKS = 40;
const MAX_NAME = 255;
const MAX_PATH = 4096;
const [R, W, X] = [4, 2, 1];

export interface FileSystem {
  stat(cred: Credentials, path: string, options?: { follow?: boolean }): Stat;
  exists(cred: Credentials, path: string): boolean;
  mkdir(cred: Credentials, path: string, options?: { mode?: number; parents?: boolean }): Stat;
  writeFile(
    cred: Credentials,
    path: string,
    data: Uint8Array | string,
    options?: { mode?: number; append?: boolean },
  ): Stat;
  readFile(cred: Credentials, path: string): Buffer;
  readdir(cred: Credentials, path: string): string[];
  chown(cred: Credentials, path: string, uid: number, gid: number): Stat;
  /** Whether `cred` may write into the directory at `path` (and reach it). */
  canWriteDirectory(cred: Credentials, path: string): boolean;
}

export interface FileSystemOptions {
  readonly now: () => number;
}

function splitPath(path: string): string[] {
  if (path.length === 0) throw new FsError('ENOENT', path);
  if (path.includes('\0')) throw new FsError('EINVAL', path.replaceAll('\0', '\\0'));
  if (path.length > MAX_PATH) throw new FsError('ENAMETOOLONG', `${path.slice(0, 64)}...`);
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p.length > MAX_NAME)) throw new FsError('ENAMETOOLONG', path);
  return parts;
}

export function createFileSystem(options: FileSystemOptions): FileSystem {
  let nextIno = 2;
  const make = (type: InodeType, mode: number, uid: number, gid: number): Inode => {
    const t = options.now();
    return {
      ino: nextIno++,
      type,
      mode,
      uid,
      gid,
      atime: t,
      mtime: t,
      ctime: t,
      nlink: type === 'directory' ? 2 : 1,
      chunks: [],
      size: 0,
      children: type === 'directory' ? new Map() : undefined,
      target: undefined,
    };
  };
  const root = make('directory', 0o755, 0, 0);

  const allows = (cred: Credentials, node: Inode, want: number): boolean => {
    if (cred.uid === 0) return want !== X || node.type === 'directory' || (node.mode & 0o111) !== 0;
    const bits = cred.uid === node.uid ? node.mode >> 6 : cred.gids.includes(node.gid) ? node.mode >> 3 : node.mode;
    return (bits & want) === want;
  };

  interface Resolved {
    node: Inode | undefined;
    parent: Inode;
    name: string;
  }

  /** Walks a path checking search permission on every directory; `follow` applies to the last part. */
  const resolve = (cred: Credentials, path: string, follow: boolean, depth = 0): Resolved => {
    if (!path.startsWith('/')) throw new FsError('ENOENT', path);
    const parts = splitPath(path);
    const stack: Inode[] = [root];
    const names: string[] = [];
    let links = depth;
    for (let i = 0; i < parts.length; i++) {
      const dir = stack.at(-1) ?? root;
      const name = parts[i] ?? '';
      if (dir.type !== 'directory') throw new FsError('ENOTDIR', path);
      if (!allows(cred, dir, X)) throw new FsError('EACCES', path);
      if (name === '..') {
        if (stack.length > 1) {
          stack.pop();
          names.pop();
        }
        continue;
      }
      const last = i === parts.length - 1;
      const child = dir.children?.get(name);
      if (!child) {
        if (last) return { node: undefined, parent: dir, name };
        throw new FsError('ENOENT', path);
      }
      if (child.type === 'symlink' && (!last || follow)) {
        if (++links > MAX_SYMLINKS) throw new FsError('ELOOP', path);
        const base = '/' + names.join('/');
        const target = child.target?.startsWith('/') ? child.target : `${base}/${child.target ?? ''}`;
        const rest = parts.slice(i + 1).join('/');
        return resolve(cred, rest ? `${target}/${rest}` : target, follow, links);
      }
      stack.push(child);
      names.push(name);
      if (last) return { node: child, parent: dir, name };
    }
    return { node: stack.at(-1), parent: stack.at(-2) ?? root, name: parts.at(-1) ?? '/' };
  };

  const existing = (cred: Credentials, path: string, follow = true): Inode => {
    const { node } = resolve(cred, path, follow);
    if (!node) throw new FsError('ENOENT', path);
    return node;
  };

  const toStat = (n: Inode): Stat => ({
    ino: n.ino,
    type: n.type,
    mode: n.mode,
    uid: n.uid,
    gid: n.gid,
    size: n.type === 'directory' ? 4096 : n.size,
    nlink: n.nlink,
    atime: n.atime,
    mtime: n.mtime,
    ctime: n.ctime,
    target: n.target,
  });

  const addChild = (parent: Inode, name: string, child: Inode) => {
    parent.children?.set(name, child);
    if (child.type === 'directory') parent.nlink++;
    parent.mtime = parent.ctime = options.now();
  };

  const fs: FileSystem = {
    stat: (cred, path, opts = {}) => toStat(existing(cred, path, opts.follow ?? true)),
    exists(cred, path) {
      try {
        return resolve(cred, path, true).node !== undefined;
      } catch {
        return false;
      }
    },
    mkdir(cred, path, opts = {}) {
      const mode = opts.mode ?? 0o755;
      if (opts.parents) {
        const parts = splitPath(path);
        let current = '';
        for (const part of parts) {
          current += `/${part}`;
          const { node } = resolve(cred, current, true);
          if (node && node.type !== 'directory') throw new FsError('ENOTDIR', path);
          if (!node) fs.mkdir(cred, current, { mode });
        }
        return fs.stat(cred, path);
      }
      const { node, parent, name } = resolve(cred, path, false);
      if (node) throw new FsError('EEXIST', path);
      if (!allows(cred, parent, W | X)) throw new FsError('EACCES', path);
      const dir = make('directory', mode, cred.uid, cred.gids[0] ?? cred.uid);
      addChild(parent, name, dir);
      return toStat(dir);
    },
    writeFile(cred, path, data, opts = {}) {
      const bytes =
        typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const { node, parent, name } = resolve(cred, path, true);
      let file = node;
      if (!file) {
        if (!allows(cred, parent, W | X)) throw new FsError('EACCES', path);
        file = make('file', opts.mode ?? 0o644, cred.uid, cred.gids[0] ?? cred.uid);
        addChild(parent, name, file);
      } else {
        if (file.type === 'directory') throw new FsError('EISDIR', path);
        if (!allows(cred, file, W)) throw new FsError('EACCES', path);
      }
      if (!opts.append) {
        file.chunks = [];
        file.size = 0;
      }
      if (bytes.length > 0) {
        file.chunks.push(Buffer.from(bytes));
        file.size += bytes.length;
      }
      file.mtime = file.ctime = options.now();
      return toStat(file);
    },
    readFile(cred, path) {
      const file = existing(cred, path);
      if (file.type === 'directory') throw new FsError('EISDIR', path);
      if (!allows(cred, file, R)) throw new FsError('EACCES', path);
      file.atime = options.now();
      if (file.chunks.length > 1) file.chunks = [Buffer.concat(file.chunks)];
      return file.chunks[0] ?? Buffer.alloc(0);
    },
    readdir(cred, path) {
      const dir = existing(cred, path);
      if (dir.type !== 'directory') throw new FsError('ENOTDIR', path);
      if (!allows(cred, dir, R)) throw new FsError('EACCES', path);
      return [...(dir.children?.keys() ?? [])].sort();
    },
    chown(cred, path, uid, gid) {
      const node = existing(cred, path);
      if (cred.uid !== 0 && (uid !== node.uid || cred.uid !== node.uid || !cred.gids.includes(gid))) {
        throw new FsError('EPERM', path);
      }
      node.uid = uid;
      node.gid = gid;
      node.ctime = options.now();
      return toStat(node);
    },
    canWriteDirectory(cred, path) {
      try {
        const dir = existing(cred, path);
        return dir.type === 'directory' && allows(cred, dir, W | X);
      } catch {
        return false;
      }
    },
  };
  return fs;
}
