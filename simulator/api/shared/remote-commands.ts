// How the commands FirecREST runs over SSH word their failures on stderr; both API generations
// build their error answers from these texts.
import type { FsError } from '../../engines/fs/index.ts';

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
  | 'tar'
  | 'mv'
  | 'cp';

/** What the command would print on stderr for this error, and its exit status. */
export function stderrOf(command: Command, e: FsError, other?: string): { exit: number; stderr: string } {
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
        stderr:
          e.op === 'read'
            ? `dd: error reading '${p}': ${t}`
            : e.op === 'write'
              ? `dd: error writing '${p}': ${t}`
              : `dd: failed to open '${p}': ${t}`,
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
    case 'mv':
      return {
        exit: 1,
        stderr: e.op === 'access' ? `mv: cannot stat '${p}': ${t}` : `mv: cannot move '${p}' to '${other ?? p}': ${t}`,
      };
    case 'cp':
      return {
        exit: 1,
        stderr:
          e.op === 'write'
            ? `cp: error writing '${p}': ${t}`
            : e.op === 'create'
              ? `cp: cannot create regular file '${p}': ${t}`
              : e.op === 'open'
                ? `cp: cannot open '${p}' for reading: ${t}`
                : `cp: cannot stat '${p}': ${t}`,
      };
    case 'tar':
      return {
        exit: 2,
        stderr: `tar: ${p}: Cannot ${e.op === 'create' ? 'open' : 'stat'}: ${t}\ntar: Exiting with failure status due to previous errors`,
      };
  }
}
