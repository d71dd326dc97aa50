import type { Context } from 'hono';
import { FsError } from '../../engines/fs/index.ts';
import { SlurmError } from '../../engines/slurm/index.ts';
import { TaskError } from '../../engines/tasks/index.ts';
import { SimError, isSimError } from '../../errors.ts';
import type { AppEnv } from '../shared/env.ts';

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

/**
 * What v1 shows of a scheduler refusal (in a task's data, a description, an X-Error header): the
 * command's stderr on one line.
 */
export function slurmText(error: SlurmError | FsError): string {
  if (error instanceof FsError) return error.message;
  switch (error.code) {
    // As the simulator's v1 has answered these: no command's words to show.
    case 'system-not-found':
      return 'System not found';
    case 'job-not-found':
      return 'Job not found.';
    case 'invalid-job-id':
    case 'invalid-partition':
    case 'invalid-account':
    case 'invalid-script':
    case 'submit-rejected':
    case 'permission-denied':
    case 'job-finished':
    case 'job-not-running':
    case 'shell-failed':
    case 'reservation-refused':
    case 'controller-unreachable':
      return error.stderr.replaceAll('\n', '');
  }
}

/** v1's HTTP error for an engine error that reached the error handler, or undefined. */
export function v1ErrorOf(error: unknown): V1Error | undefined {
  if (error instanceof TaskError) {
    return error.code === 'task-not-found'
      ? new V1Error(404, { error: `Task ${error.taskId} does not exist` })
      : new V1Error(403, { description: 'Operation not permitted. Invalid task owner.' });
  }
  // sbatch refused before a task was made (a script over the site's limit).
  if (error instanceof SlurmError && error.command === 'sbatch') {
    return new V1Error(400, { description: 'Failed to submit job', error: error.stderr.trimEnd() });
  }
  return undefined;
}

/** The one place v1 turns an error into its answer: its own body and X-* headers. */
export function answerV1Error(error: Error, c: Context<AppEnv>): Response {
  let answer = error instanceof V1Error ? error : v1ErrorOf(error);
  if (!answer) {
    if (!isSimError(error)) return internalError(error, c);
    // an HTTP error no v1 service words (the site's middleware): v1's shape, its status
    answer = new V1Error(error.status, { description: error.message }, error.options.headers);
  }
  for (const [k, v] of Object.entries(answer.options.headers ?? {})) c.header(k, headerValue(v));
  return c.json(answer.body, answer.status as 400);
}

/**
 * A header value can carry neither control characters nor text beyond Latin-1, and X-* headers
 * often quote the caller's input. DEVIATION: Flask sends such bytes as they are; the simulator
 * writes them as `?`.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
const headerValue = (value: string) => value.replace(/[\u0000-\u001f\u007f]|[^\u0000-\u00ff]/g, '?');

/** v1's answer to an unexpected error: the JSON its reservations service gives for Flask's 500. */
function internalError(error: Error, c: Context<AppEnv>): Response {
  const requestId = c.get('requestId');
  console.error(`[f7t-sim] ${c.req.method} ${c.req.path} -> 500 (request ${requestId})`, error);
  return c.json(
    {
      description:
        'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
      error: 'FirecREST Internal error',
    },
    500,
  );
}
