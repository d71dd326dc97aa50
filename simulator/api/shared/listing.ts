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

/** 0000-01-01 and 10000-01-01 UTC: toISOString writes four-digit years between them. */
const EARLIEST_ISO_MS = -62_167_219_200_000;
const LATEST_ISO_MS = 253_402_300_800_000;
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * `new Date(ms).toISOString().slice(0, 19)` without a Date: a listing formats one per entry, and
 * toISOString took most of the time of `ls` on a 10,000-entry directory. Years 0 to 9999 are
 * computed (Hinnant's days-to-civil); others, which toISOString writes with six digits, fall back.
 */
export function isoSeconds(ms: number): string {
  if (!(ms >= EARLIEST_ISO_MS && ms < LATEST_ISO_MS)) return new Date(ms).toISOString().slice(0, 19);
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const daySeconds = s - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(daySeconds / 3600);
  const minutes = Math.floor((daySeconds % 3600) / 60);
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(daySeconds % 60)}`;
}

/** isoSeconds remembering its last answer: the files of a directory were often written in the same second. */
function lastSecondOnce(): (ms: number) => string {
  let second = Number.NaN;
  let text = '';
  return (ms) => {
    const at = Math.floor(ms / 1000);
    if (at !== second) {
      second = at;
      text = isoSeconds(ms);
    }
    return text;
  };
}

/** One line of `ls -l` as FirecREST parses it; times as `%Y-%m-%dT%H:%M:%S` (site time, UTC). */
export function fileModel(
  name: string,
  stat: Stat,
  names: NameDirectory,
  numeric = false,
  time: (ms: number) => string = isoSeconds,
): FileModel {
  return {
    name,
    type: typeLetter[stat.type],
    linkTarget: stat.type === 'symlink' ? (stat.target ?? null) : null,
    user: numeric ? String(stat.uid) : (names.userName(stat.uid) ?? String(stat.uid)),
    group: numeric ? String(stat.gid) : (names.groupName(stat.gid) ?? String(stat.gid)),
    permissions: formatPermissions(stat.mode),
    lastModified: time(stat.mtime),
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

/**
 * `ls -l [-A] [-R] [-L]` of a path, entry by entry to `visit` with the name it is listed under: a
 * file lists itself under the name given, a directory its entries.
 */
function walkListing(
  fs: FileSystem,
  cred: Credentials,
  path: string,
  o: ListOptions,
  visit: (name: string, stat: Stat) => void,
): void {
  const top = fs.stat(cred, path, { follow: o.dereference || path.endsWith('/') });
  if (top.type !== 'directory') {
    visit(path, top);
    return;
  }
  let bytes = 0;
  const walk = (dir: string, prefix: string) => {
    const subdirs: string[] = [];
    fs.eachEntry(cred, dir, (name, entryStat) => {
      if (!o.showHidden && name.startsWith('.')) return;
      let stat = entryStat;
      if (o.dereference && stat.type === 'symlink') {
        try {
          stat = fs.stat(cred, `${dir}/${name}`);
        } catch {
          // a dangling link is listed as the link itself, as ls -L does after its warning
        }
      }
      bytes += name.length + prefix.length + 60;
      if (bytes > o.outputLimit) throw new SimError(413, 'Command output exceeded buffer limit.');
      visit(prefix + name, stat);
      if (o.recursive && stat.type === 'directory') subdirs.push(name);
    });
    for (const sub of subdirs) walk(`${dir.replace(/\/+$/, '')}/${sub}`, `${prefix}${sub}/`);
  };
  walk(path, '');
}

/** `ls -l [-A] [-R] [-L]` of a path: a file lists itself under the name given, a directory its entries. */
export function listPath(
  fs: FileSystem,
  cred: Credentials,
  path: string,
  names: NameDirectory,
  o: ListOptions,
): FileModel[] {
  const out: FileModel[] = [];
  const time = lastSecondOnce();
  walkListing(fs, cred, path, o, (name, stat) => out.push(fileModel(name, stat, names, o.numericUid, time)));
  return out;
}

/** Text JSON.stringify writes as it is between quotes: no quote, backslash, control character or surrogate. */
// eslint-disable-next-line no-control-regex
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const quoted = (text: string) => (PLAIN.test(text) ? `"${text}"` : JSON.stringify(text));

/**
 * v2's answer to `ls`, `{"output":[...]}`: the text `JSON.stringify` of `listPath`'s models gives
 * (a test holds them equal), written as the entries come. For a 10,000-entry directory stringify
 * took most of an `ls`, and the models and their stats lived until the end, to be moved by the
 * garbage collector. The fields between name and time are written once for a run of entries of one
 * type, owner, group and mode; type, permissions, time and size are letters, digits and punctuation
 * that need no escape. A string, not bytes: a buffer is memory outside the heap, and on a site of
 * a million files the full collections it brings on cost more than the listing.
 */
export function listingJson(
  fs: FileSystem,
  cred: Credentials,
  path: string,
  names: NameDirectory,
  o: ListOptions,
): string {
  const slices: string[] = [];
  let text = '{"output":[';
  const flush = () => {
    slices.push(text);
    text = '';
  };
  const time = lastSecondOnce();
  let like: Stat | undefined;
  let middle = '';
  let comma = '';
  walkListing(fs, cred, path, o, (name, stat) => {
    if (
      like === undefined ||
      stat.type !== like.type ||
      stat.mode !== like.mode ||
      stat.uid !== like.uid ||
      stat.gid !== like.gid ||
      stat.type === 'symlink'
    ) {
      const m = fileModel(name, stat, names, o.numericUid);
      middle = `,"type":"${m.type}","linkTarget":${m.linkTarget === null ? 'null' : quoted(m.linkTarget)},"user":${quoted(m.user)},"group":${quoted(m.group)},"permissions":"${m.permissions}","lastModified":"`;
      like = stat;
    }
    text += `${comma}{"name":${quoted(name)}${middle}${time(stat.mtime)}","size":"${stat.size}"}`;
    comma = ',';
    if (text.length > 8192) flush();
  });
  text += ']}';
  flush();
  return slices.join('');
}
