import { formatPermissions, type Credentials, type FileSystem, type Stat } from '../../engines/fs/index.ts';
import type { NameDirectory } from '../../engines/site/names.ts';
import { SimError } from '../../errors.ts';

export interface FileModel {
  name: string;
  type: string;
  linkTarget: string | null;
  user: string;
  group: string;
  permissions: string;
  lastModified: string;
  size: string;
}

const typeLetter = { file: '-', directory: 'd', symlink: 'l' } as const;

/** One line of `ls -l` as FirecREST parses it; times as `%Y-%m-%dT%H:%M:%S` (site time, UTC). */
export function fileModel(name: string, stat: Stat, names: NameDirectory, numeric = false): FileModel {
  return {
    name,
    type: typeLetter[stat.type],
    linkTarget: stat.type === 'symlink' ? (stat.target ?? null) : null,
    user: numeric ? String(stat.uid) : (names.userName(stat.uid) ?? String(stat.uid)),
    group: numeric ? String(stat.gid) : (names.groupName(stat.gid) ?? String(stat.gid)),
    permissions: formatPermissions(stat.mode),
    lastModified: new Date(stat.mtime).toISOString().slice(0, 19),
    size: String(stat.size),
  };
}

export interface ListOptions {
  readonly showHidden: boolean;
  readonly numericUid: boolean;
  readonly recursive: boolean;
  readonly dereference: boolean;
  /** Bytes the listing may take, as the SSH output buffer limits it. */
  readonly outputLimit: number;
}

/** `ls -l [-A] [-R] [-L]` of a path: a file lists itself under the name given, a directory its entries. */
export function listPath(
  fs: FileSystem,
  cred: Credentials,
  path: string,
  names: NameDirectory,
  o: ListOptions,
): FileModel[] {
  const top = fs.stat(cred, path, { follow: o.dereference || path.endsWith('/') });
  if (top.type !== 'directory') return [fileModel(path, top, names, o.numericUid)];
  const out: FileModel[] = [];
  let bytes = 0;
  const walk = (dir: string, prefix: string) => {
    const subdirs: string[] = [];
    for (const entry of fs.list(cred, dir)) {
      if (!o.showHidden && entry.name.startsWith('.')) continue;
      let stat = entry.stat;
      if (o.dereference && stat.type === 'symlink') {
        try {
          stat = fs.stat(cred, `${dir}/${entry.name}`);
        } catch {
          // a dangling link is listed as the link itself, as ls -L does after its warning
        }
      }
      bytes += entry.name.length + prefix.length + 60;
      if (bytes > o.outputLimit) throw new SimError(413, 'Command output exceeded buffer limit.');
      out.push(fileModel(prefix + entry.name, stat, names, o.numericUid));
      if (o.recursive && stat.type === 'directory') subdirs.push(entry.name);
    }
    for (const sub of subdirs) walk(`${dir.replace(/\/+$/, '')}/${sub}`, `${prefix}${sub}/`);
  };
  walk(path, '');
  return out;
}
