import { FsError } from '../../../engines/fs/index.ts';
import { stderrOf, type Command } from '../../shared/remote-commands.ts';
import { remoteFailure } from '../errors.ts';

export type { Command } from '../../shared/remote-commands.ts';
export { remoteFailure } from '../errors.ts';

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
