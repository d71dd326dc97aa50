import { SimError } from '../../../errors.ts';
import { FsError } from '../../../engines/fs/index.ts';

/** The remote commands FirecREST runs for its filesystem operations. */
export type Command =
  | 'ls'
  | 'head'
  | 'tail'
  | 'dd'
  | 'sha256sum'
  | 'file'
  | 'stat'
  | 'chmod'
  | 'chown'
  | 'mkdir'
  | 'ln'
  | 'rm'
  | 'base64'
  | 'bash'
  | 'tar';

/** What the command would print on stderr for this error, and its exit status. */
function stderrOf(command: Command, e: FsError): { exit: number; stderr: string } {
  const p = e.path;
  const t = e.text;
  switch (command) {
    case 'ls':
      return { exit: 2, stderr: `ls: ${e.op === 'open' ? 'cannot open directory' : 'cannot access'} '${p}': ${t}` };
    case 'head':
    case 'tail':
      return {
        exit: 1,
        stderr:
          e.op === 'read'
            ? `${command}: error reading '${p}': ${t}`
            : `${command}: cannot open '${p}' for reading: ${t}`,
      };
    case 'dd':
      return {
        exit: 1,
        stderr: e.op === 'read' ? `dd: error reading '${p}': ${t}` : `dd: failed to open '${p}': ${t}`,
      };
    case 'sha256sum':
      return { exit: 1, stderr: `sha256sum: ${p}: ${t}` };
    case 'base64':
      return { exit: 1, stderr: e.op === 'read' ? `base64: read error: ${t}` : `base64: ${p}: ${t}` };
    case 'stat':
      return { exit: 1, stderr: `stat: cannot statx '${p}': ${t}` };
    case 'file':
      return { exit: 1, stderr: `file: cannot open '${p}': ${t}` };
    case 'chmod':
      return {
        exit: 1,
        stderr: e.op === 'chmod' ? `chmod: changing permissions of '${p}': ${t}` : `chmod: cannot access '${p}': ${t}`,
      };
    case 'chown':
      return {
        exit: 1,
        stderr: e.op === 'chown' ? `chown: changing ownership of '${p}': ${t}` : `chown: cannot access '${p}': ${t}`,
      };
    case 'mkdir':
      return { exit: 1, stderr: `mkdir: cannot create directory '${p}': ${t}` };
    case 'ln':
      return { exit: 1, stderr: `ln: failed to create symbolic link '${p}': ${t}` };
    case 'rm':
      return { exit: 1, stderr: `rm: cannot remove '${p}': ${t}` };
    case 'bash':
      return { exit: 1, stderr: `bash: line 1: ${p}: ${t}` };
    case 'tar':
      return {
        exit: 2,
        stderr: `tar: ${p}: Cannot ${e.op === 'create' ? 'open' : 'stat'}: ${t}\ntar: Exiting with failure status due to previous errors`,
      };
  }
}

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
