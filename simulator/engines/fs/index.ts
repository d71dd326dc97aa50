import { posix } from 'node:path';
import { FsError, type FsOp } from './errors.ts';
import { S_IFDIR, S_IFLNK, S_IFREG, STICKY } from './mode.ts';
import { noEngineFaults, type EngineFaults } from '../../../spec/faults.ts';
import { bytesOf, createMemoryContentStore, type Content, type ContentStore, type Piece } from '../content/index.ts';

export { FsError, errnos } from './errors.ts';
export type { Errno, FsOp } from './errors.ts';
export { applyMode, formatPermissions } from './mode.ts';

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
  content: Piece[] | undefined;
  size: number;
  children: Map<string, Inode> | undefined;
  target: string | undefined;
}

export interface Stat {
  readonly ino: number;
  readonly dev: number;
  readonly type: InodeType;
  /** Permission bits, including setuid/setgid/sticky (e.g. 0o1777). */
  readonly mode: number;
  /** `st_mode`: the permission bits with the file type bits. */
  readonly rawMode: number;
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

export interface Entry {
  readonly name: string;
  readonly stat: Stat;
}

export const ROOT: Credentials = { uid: 0, gids: [0] };
const MAX_SYMLINKS = 40;
const MAX_NAME = 255;
export const MAX_PATH = 4096;
const [R, W, X] = [4, 2, 1];
const DEV = 0x2a;

export interface FileSystem {
  stat(cred: Credentials, path: string, options?: { follow?: boolean }): Stat;
  exists(cred: Credentials, path: string): boolean;
  /** The entries of a directory with their stats (symlinks not followed), sorted by name. */
  list(cred: Credentials, path: string): Entry[];
  /**
   * `list` one entry at a time: each stat goes to `visit` and can be dropped before the next is
   * made, so a 10,000-entry directory leaves no 10,000 stats for the garbage collector to move.
   */
  eachEntry(cred: Credentials, path: string, visit: (name: string, stat: Stat) => void): void;
  readdir(cred: Credentials, path: string): string[];
  mkdir(cred: Credentials, path: string, options?: { mode?: number; parents?: boolean }): Stat;
  writeFile(
    cred: Credentials,
    path: string,
    data: Uint8Array | string | Content,
    options?: { mode?: number; append?: boolean },
  ): Stat;
  /** The file's bytes in one buffer, for small files (a job script, an archive); a file on disk is read at once. */
  readFile(cred: Credentials, path: string): Buffer;
  /** The file's bytes as the pieces they are stored in, to stream, share or read a range of (for large files). */
  readContent(cred: Credentials, path: string): Content;
  chmod(cred: Credentials, path: string, mode: number): Stat;
  /** Changes owner and/or group: the owner only by root, the group by the owner to one of theirs. */
  chown(cred: Credentials, path: string, uid: number | undefined, gid: number | undefined): Stat;
  symlink(cred: Credentials, target: string, linkPath: string): Stat;
  rm(cred: Credentials, path: string, options?: { recursive?: boolean }): void;
  /** `mv`: into `to` when it is a directory, else to that name (replacing a file there). */
  rename(cred: Credentials, from: string, to: string): void;
  /** `cp -dR --preserve=mode,timestamps`: into `to` when it is a directory, else to that name. */
  copy(cred: Credentials, from: string, to: string): void;
  /** Whether `cred` may write into the directory at `path` (and reach it). */
  canWriteDirectory(cred: Credentials, path: string): boolean;
}

export interface FileSystemOptions {
  readonly now: () => number;
  /** Injected faults the file system consults (permissions not enforced...). */
  readonly faults?: EngineFaults;
  /** Where file bytes are kept; in memory by default. */
  readonly contents?: ContentStore;
}

function splitPath(path: string): string[] {
  if (path.length === 0 || !path.startsWith('/')) throw new FsError('ENOENT', path);
  if (path.includes('\0')) throw new FsError('EINVAL', path.replaceAll('\0', '\\0'));
  if (path.length > MAX_PATH) throw new FsError('ENAMETOOLONG', `${path.slice(0, 64)}...`);
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p.length > MAX_NAME)) throw new FsError('ENAMETOOLONG', path);
  return parts;
}

const typeBits = { file: S_IFREG, directory: S_IFDIR, symlink: S_IFLNK } as const;

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
      content: undefined,
      size: 0,
      children: type === 'directory' ? new Map() : undefined,
      target: undefined,
    };
  };
  const root = make('directory', 0o755, 0, 0);
  const contents = options.contents ?? createMemoryContentStore();

  const faults = options.faults ?? noEngineFaults;
  /**
   * An injected full disk or spent quota refuses what takes space; root keeps writing (the blocks
   * ext4 and Lustre reserve for it), so the site's own bookkeeping goes on.
   */
  const takeSpace = (cred: Credentials, path: string, op: FsOp) => {
    if (cred.uid === 0) return;
    if (faults.strikes('fs.storage-full')) throw new FsError('ENOSPC', path, op);
    if (faults.strikes('fs.quota-exceeded')) throw new FsError('EDQUOT', path, op);
  };
  const allows = (cred: Credentials, node: Inode, want: number): boolean => {
    if (cred.uid === 0 || faults.has('fs.permissions-ignored'))
      return (want & X) === 0 || node.type === 'directory' || (node.mode & 0o111) !== 0;
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
        const target = child.target?.startsWith('/') ? child.target : `/${names.join('/')}/${child.target ?? ''}`;
        const rest = parts.slice(i + 1).join('/');
        return resolve(cred, rest ? `${target}/${rest}` : target, follow, links);
      }
      stack.push(child);
      names.push(name);
      if (last) return { node: child, parent: dir, name };
    }
    return { node: stack.at(-1), parent: stack.at(-2) ?? root, name: names.at(-1) ?? '/' };
  };

  const existing = (cred: Credentials, path: string, follow = true): Inode => {
    const { node } = resolve(cred, path, follow);
    if (!node) throw new FsError('ENOENT', path);
    return node;
  };

  const toStat = (n: Inode): Stat => ({
    ino: n.ino,
    dev: DEV,
    type: n.type,
    mode: n.mode,
    rawMode: typeBits[n.type] | n.mode,
    uid: n.uid,
    gid: n.gid,
    size: n.type === 'directory' ? 4096 : n.type === 'symlink' ? Buffer.byteLength(n.target ?? '') : n.size,
    nlink: n.nlink,
    atime: n.atime,
    mtime: n.mtime,
    ctime: n.ctime,
    target: n.target,
  });

  const touch = (node: Inode) => {
    node.mtime = node.ctime = options.now();
  };

  /**
   * Each directory's children in `ls` order. Names are read in the order they were added, which is
   * often sorted already (a tree seeded or written in order); a directory that needs sorting keeps
   * its order until it changes, so listing it again does not sort it again. Every add and delete of
   * a child forgets its directory's entry. A sorted one is not kept: it would only grow the heap.
   */
  const sortedNames = new WeakMap<Inode, { names: readonly string[]; nodes: readonly Inode[] }>();
  const inOrder = (dir: Inode): { names: readonly string[]; nodes: readonly Inode[] } => {
    const kept = sortedNames.get(dir);
    if (kept) return kept;
    const names: string[] = [];
    const nodes: Inode[] = [];
    let sorted = true;
    dir.children?.forEach((node, name) => {
      if (sorted && names.length > 0 && (names[names.length - 1] as string) > name) sorted = false;
      names.push(name);
      nodes.push(node);
    });
    if (sorted) return { names, nodes };
    const order = names
      .map((_, i) => i)
      .sort((a, b) => {
        const x = names[a] as string;
        const y = names[b] as string;
        return x < y ? -1 : x > y ? 1 : 0;
      });
    const entry = { names: order.map((i) => names[i] as string), nodes: order.map((i) => nodes[i] as Inode) };
    sortedNames.set(dir, entry);
    return entry;
  };

  const addChild = (parent: Inode, name: string, child: Inode) => {
    sortedNames.delete(parent);
    parent.children?.set(name, child);
    if (child.type === 'directory') parent.nlink++;
    touch(parent);
  };

  /** Creating in a directory: it must be a directory the caller may write and search. */
  const creatable = (cred: Credentials, parent: Inode, path: string, op: FsOp) => {
    if (parent.type !== 'directory') throw new FsError('ENOTDIR', path, op);
    if (!allows(cred, parent, W | X)) throw new FsError('EACCES', path, op);
  };

  /** Removing from a directory: write and search on it, and the sticky bit's ownership rule. */
  const removable = (cred: Credentials, parent: Inode, node: Inode, path: string) => {
    if (!allows(cred, parent, W | X)) throw new FsError('EACCES', path, 'remove');
    if ((parent.mode & STICKY) !== 0 && cred.uid !== 0 && cred.uid !== node.uid && cred.uid !== parent.uid) {
      throw new FsError('EPERM', path, 'remove');
    }
  };

  const removeTree = (cred: Credentials, parent: Inode, name: string, node: Inode, path: string) => {
    if (node.type === 'directory' && node.children && node.children.size > 0) {
      if (!allows(cred, node, R | W | X)) throw new FsError('EACCES', path, 'remove');
      for (const [childName, child] of [...node.children]) {
        removeTree(cred, node, childName, child, `${path}/${childName}`);
      }
    }
    removable(cred, parent, node, path);
    sortedNames.delete(parent);
    parent.children?.delete(name);
    if (node.type === 'directory') parent.nlink--;
    touch(parent);
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
    list(cred, path) {
      const entries: Entry[] = [];
      fs.eachEntry(cred, path, (name, stat) => entries.push({ name, stat }));
      return entries;
    },
    eachEntry(cred, path, visit) {
      const dir = existing(cred, path);
      if (dir.type !== 'directory') throw new FsError('ENOTDIR', path, 'open');
      if (!allows(cred, dir, R | X)) throw new FsError('EACCES', path, 'open');
      dir.atime = options.now();
      const { names, nodes } = inOrder(dir);
      for (let i = 0; i < names.length; i++) visit(names[i] as string, toStat(nodes[i] as Inode));
    },
    readdir: (cred, path) => fs.list(cred, path).map((e) => e.name),
    mkdir(cred, path, opts = {}) {
      const mode = opts.mode ?? 0o755;
      if (opts.parents) {
        let current = '';
        for (const part of splitPath(path)) {
          current += `/${part}`;
          const { node } = resolve(cred, current, true);
          if (node && node.type !== 'directory') throw new FsError('EEXIST', current, 'create');
          if (!node) fs.mkdir(cred, current, { mode });
        }
        return fs.stat(cred, path);
      }
      const { node, parent, name } = resolve(cred, path, false);
      if (node) throw new FsError('EEXIST', path, 'create');
      creatable(cred, parent, path, 'create');
      takeSpace(cred, path, 'create');
      const dir = make('directory', mode, cred.uid, cred.gids[0] ?? cred.uid);
      addChild(parent, name, dir);
      return toStat(dir);
    },
    writeFile(cred, path, data, opts = {}) {
      // Content is shared as it is: a staged file is the object's pieces, never a copy of them.
      const pieces = Array.isArray(data)
        ? (data as Content)
        : [contents.fromBytes(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as Uint8Array))];
      const { node, parent, name } = resolve(cred, path, true);
      let file = node;
      if (!file) {
        creatable(cred, parent, path, 'create');
        file = make('file', opts.mode ?? 0o644, cred.uid, cred.gids[0] ?? cred.uid);
        addChild(parent, name, file);
      } else {
        if (file.type === 'directory') throw new FsError('EISDIR', path, 'create');
        if (!allows(cred, file, W)) throw new FsError('EACCES', path, 'create');
      }
      if (pieces.some((piece) => piece.size > 0)) takeSpace(cred, path, 'write');
      if (!opts.append) {
        file.content = undefined;
        file.size = 0;
      }
      for (const piece of pieces) {
        if (piece.size === 0) continue;
        (file.content ??= []).push(piece);
        file.size += piece.size;
      }
      touch(file);
      return toStat(file);
    },
    readContent(cred, path) {
      const file = existing(cred, path);
      // As open(2) then read(2): a directory one may not read is refused at the open.
      if (!allows(cred, file, R)) throw new FsError('EACCES', path, 'open');
      if (file.type === 'directory') throw new FsError('EISDIR', path, 'read');
      file.atime = options.now();
      return [...(file.content ?? [])];
    },
    readFile: (cred, path) => bytesOf(fs.readContent(cred, path)),
    chmod(cred, path, mode) {
      const node = existing(cred, path);
      if (cred.uid !== 0 && cred.uid !== node.uid && !faults.has('fs.permissions-ignored'))
        throw new FsError('EPERM', path, 'chmod');
      // Like Linux: a non-member cannot set setgid on a file of another group
      node.mode = mode & 0o7777;
      node.ctime = options.now();
      return toStat(node);
    },
    chown(cred, path, uid, gid) {
      const node = existing(cred, path);
      const changesOwner = uid !== undefined && uid !== node.uid;
      const changesGroup = gid !== undefined && gid !== node.gid;
      if (cred.uid !== 0 && !faults.has('fs.chown-unchecked')) {
        if (changesOwner) throw new FsError('EPERM', path, 'chown');
        if (changesGroup && (cred.uid !== node.uid || !cred.gids.includes(gid)))
          throw new FsError('EPERM', path, 'chown');
      }
      if (uid !== undefined) node.uid = uid;
      if (gid !== undefined) node.gid = gid;
      node.ctime = options.now();
      return toStat(node);
    },
    symlink(cred, target, linkPath) {
      if (target === '') throw new FsError('ENOENT', linkPath, 'link');
      const { node, parent, name } = resolve(cred, linkPath, false);
      if (node) throw new FsError('EEXIST', linkPath, 'link');
      creatable(cred, parent, linkPath, 'link');
      const link = make('symlink', 0o777, cred.uid, cred.gids[0] ?? cred.uid);
      link.target = target;
      addChild(parent, name, link);
      return toStat(link);
    },
    rm(cred, path, opts = {}) {
      const { node, parent, name } = resolve(cred, path, false);
      if (!node) throw new FsError('ENOENT', path, 'remove');
      if (node === root) throw new FsError('EPERM', path, 'remove');
      if (node.type === 'directory' && !opts.recursive) throw new FsError('EISDIR', path, 'remove');
      removeTree(cred, parent, name, node, path.replace(/\/+$/, ''));
    },
    rename(cred, from, to) {
      const source = resolve(cred, from, false);
      if (!source.node) throw new FsError('ENOENT', from, 'access');
      let dest = resolve(cred, to, true);
      if (dest.node?.type === 'directory') dest = resolve(cred, `${to.replace(/\/+$/, '')}/${source.name}`, false);
      if (dest.node === source.node) return;
      removable(cred, source.parent, source.node, from);
      creatable(cred, dest.parent, to, 'create');
      if (dest.node) {
        if (dest.node.type === 'directory') throw new FsError('EISDIR', to, 'create');
        if (source.node.type === 'directory') throw new FsError('ENOTDIR', to, 'create');
        removable(cred, dest.parent, dest.node, to);
      }
      // moving a directory into itself is refused, as rename(2) does
      const norm = (p: string) => `${posix.normalize(p).replace(/\/+$/, '')}/`;
      if (source.node.type === 'directory' && norm(to).startsWith(norm(from)))
        throw new FsError('EINVAL', to, 'create');
      sortedNames.delete(source.parent);
      source.parent.children?.delete(source.name);
      if (source.node.type === 'directory') source.parent.nlink--;
      touch(source.parent);
      dest.parent.children?.delete(dest.name);
      addChild(dest.parent, dest.name, source.node);
      source.node.ctime = options.now();
    },
    copy(cred, from, to) {
      const source = existing(cred, from, false);
      const dest = resolve(cred, to, true);
      const target =
        dest.node?.type === 'directory'
          ? `${to.replace(/\/+$/, '')}/${from.replace(/\/+$/, '').split('/').pop() ?? ''}`
          : to;
      const copyNode = (node: Inode, src: string, dst: string) => {
        if (node.type === 'symlink') {
          fs.symlink(cred, node.target ?? '', dst);
          return;
        }
        if (node.type === 'directory') {
          if (!allows(cred, node, R | X)) throw new FsError('EACCES', src, 'open');
          if (!fs.exists(cred, dst)) fs.mkdir(cred, dst, { mode: node.mode });
          for (const [name, child] of [...(node.children ?? [])]) copyNode(child, `${src}/${name}`, `${dst}/${name}`);
          return;
        }
        // The copy shares the source's pieces (they never change): no bytes are copied or read.
        fs.writeFile(cred, dst, fs.readContent(cred, src), { mode: node.mode });
        const copied = existing(cred, dst);
        copied.mode = node.mode;
        copied.mtime = node.mtime;
      };
      copyNode(source, from, target);
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
