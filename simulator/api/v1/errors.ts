import { SimError } from '../../errors.ts';

/** A FirecREST v1 error: a JSON body of its own shape and, mostly, an explanatory X-* header. */
export class V1Error extends SimError {
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>, headers?: Record<string, string>) {
    const text = body.description ?? body.message;
    super(status, typeof text === 'string' ? text : 'error', headers ? { headers } : {});
    this.name = 'V1Error';
    this.body = body;
  }
}

/**
 * v1's reading of a failed command: the words of stderr choose the X-* header, always with 400.
 * The order of the tests matters and follows v1's.
 */
export function commandError(stderr: string, description: string): V1Error {
  const has = (text: string) => stderr.toLowerCase().includes(text.toLowerCase());
  const fail = (header: string, value: string) => new V1Error(400, { description, error: stderr }, { [header]: value });
  if (has('cannot access')) return fail('X-Invalid-Path', 'path is an invalid path');
  if (has('No such file')) {
    if (has('cannot stat')) return fail('X-Not-Found', 'sourcePath not found');
    if (has('cannot create') || has('cannot move'))
      return fail('X-Invalid-Path', 'sourcePath and/or targetPath are invalid paths');
    if (has('cannot remove')) return fail('X-Invalid-Path', 'path is an invalid path.');
    return fail('X-Invalid-Path', 'path is an invalid path');
  }
  if (has('cannot open') || has('Permission denied'))
    return fail('X-Permission-Denied', 'User does not have permissions to access path');
  if (has('File exists') && (has('mkdir: cannot create directory') || has('ln: failed to create symbolic link'))) {
    return fail('X-Exists', 'targetPath already exists');
  }
  if (has('Not a directory')) return fail('X-Not-A-Directory', 'targetPath is not a directory');
  if (has('directory')) return fail('X-A-Directory', "path is a directory, can't checksum directories");
  if (has('overwrite')) return fail('X-Exists', 'targetPath already exists');
  if (has('not permitted')) return fail('X-Permission-Denied', 'User does not have permissions to access path');
  if (has('invalid group')) return fail('X-Invalid-Group', 'group is an invalid group');
  if (has('invalid user')) return fail('X-Invalid-Owner', 'owner is an invalid user');
  if (has('invalid mode')) return fail('X-Invalid-Mode', 'mode is an invalid mode');
  return fail('X-Error', stderr);
}
