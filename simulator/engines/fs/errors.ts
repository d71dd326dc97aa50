/** errno values the file system raises, with the text `strerror` gives. */
export const errnos = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENOTEMPTY: 'Directory not empty',
  ENAMETOOLONG: 'File name too long',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
} as const;
export type Errno = keyof typeof errnos;

/**
 * What the failing step was: reaching the path, opening it, reading it, or changing it. Commands
 * word their errors by it (`ls: cannot access ...` against `ls: cannot open directory ...`).
 */
export type FsOp = 'access' | 'open' | 'read' | 'create' | 'write' | 'remove' | 'chmod' | 'chown' | 'link';

/**
 * A file-system error as the kernel reports it: the errno, the path and the step that failed. The
 * commands word it on stderr and each API generation chooses its answer; nothing here is HTTP.
 */
export class FsError extends Error {
  readonly code: Errno;
  readonly path: string;
  readonly op: FsOp;

  constructor(code: Errno, path: string, op: FsOp = 'access') {
    super(`'${path}': ${errnos[code]}`);
    this.name = 'FsError';
    this.code = code;
    this.path = path;
    this.op = op;
  }

  get text(): string {
    return errnos[this.code];
  }
}
