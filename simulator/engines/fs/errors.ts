import { SimError } from '../../errors.ts';

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
} as const;
export type Errno = keyof typeof errnos;

/**
 * What the failing step was: reaching the path, opening it, reading it, or changing it. Commands
 * word their errors by it (`ls: cannot access ...` against `ls: cannot open directory ...`).
 */
export type FsOp = 'access' | 'open' | 'read' | 'create' | 'remove' | 'chmod' | 'chown' | 'link';

// The HTTP status FirecREST gives a command that failed with this text (its stderr mapping).
const statusOf = (code: Errno) =>
  code === 'ENOENT' ? 404 : code === 'EACCES' || code === 'EPERM' ? 403 : code === 'EEXIST' ? 400 : 500;

export class FsError extends SimError {
  readonly code: Errno;
  readonly path: string;
  readonly op: FsOp;

  constructor(code: Errno, path: string, op: FsOp = 'access') {
    super(statusOf(code), `'${path}': ${errnos[code]}`);
    this.name = 'FsError';
    this.code = code;
    this.path = path;
    this.op = op;
  }

  get text(): string {
    return errnos[this.code];
  }
}
