import { SimError } from '../../errors.ts';

/** errno values the file system raises, with the text `strerror` gives and FirecREST's status. */
export const errnos = {
  ENOENT: { text: 'No such file or directory', status: 404 },
  EACCES: { text: 'Permission denied', status: 403 },
  EPERM: { text: 'Operation not permitted', status: 403 },
  EEXIST: { text: 'File exists', status: 400 },
  ENOTDIR: { text: 'Not a directory', status: 400 },
  EISDIR: { text: 'Is a directory', status: 400 },
  ELOOP: { text: 'Too many levels of symbolic links', status: 400 },
  ENOTEMPTY: { text: 'Directory not empty', status: 400 },
  ENAMETOOLONG: { text: 'File name too long', status: 400 },
  EINVAL: { text: 'Invalid argument', status: 400 },
} as const;
export type Errno = keyof typeof errnos;

export class FsError extends SimError {
  readonly code: Errno;
  readonly path: string;

  constructor(code: Errno, path: string) {
    super(errnos[code].status, `'${path}': ${errnos[code].text}`);
    this.name = 'FsError';
    this.code = code;
    this.path = path;
  }
}
