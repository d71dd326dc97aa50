import { SimError } from '../../../errors.ts';
import { FsError } from '../../../engines/fs/index.ts';
import { stderrOf, type Command } from '../../shared/remote-commands.ts';

export type { Command } from '../../shared/remote-commands.ts';

/** A failed remote command as FirecREST answers it: the status follows the words of stderr. */
export function remoteFailure(exit: number, stderr: string): SimError {
  const message = `Remote process failed with exit status:${exit}${stderr ? ` and error message:${stderr.trim()}` : ''}`;
  const status = /No such file or directory/.test(stderr)
    ? 404
    : /Permission denied|Operation not permitted/.test(stderr)
      ? 403
      : /File exists|invalid user/.test(stderr)
        ? 400
        : 500;
  return new SimError(status, message);
}

/** Runs an engine call as `command` would: file-system errors become the command's failure. */
export function run<T>(command: Command, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof FsError) {
      const { exit, stderr } = stderrOf(command, error);
      throw remoteFailure(exit, stderr);
    }
    throw error;
  }
}
