import { posix } from 'node:path';
import { SimError } from '../../../errors.ts';
import { MAX_PATH } from '../../../engines/fs/index.ts';
import type { SystemSpec } from '../../../engines/site/types.ts';

/**
 * FirecREST's rules for a path argument: present, absolute, and inside one of the system's file
 * systems once normalised. The path is then used as given, as the remote command would get it.
 */
export function checkPath(raw: unknown, system: SystemSpec, field = 'path'): string {
  if (raw === undefined || raw === null) {
    throw new SimError(400, 'Unable to decode request and retreive the required path or source_path parameter.');
  }
  if (typeof raw !== 'string') {
    throw new SimError(400, `The provided ${field} must be a string.`, { errorType: 'validation' });
  }
  if (!posix.isAbsolute(raw)) throw new SimError(400, `The provided path (${raw}) is not an absolute path.`);
  // DEVIATION: upstream hands these to the remote shell and answers 500; they are bad input.
  if (raw.includes('\0')) throw new SimError(400, `The provided ${field} contains a NUL byte.`);
  if (raw.length > MAX_PATH) throw new SimError(400, `The provided ${field} is longer than ${MAX_PATH} characters.`);
  const normalised = posix.normalize(raw).replace(/(.)\/+$/, '$1');
  const inside = system.fileSystems.some((fs) => {
    const base = fs.path.replace(/\/+$/, '');
    return normalised === base || normalised.startsWith(`${base}/`);
  });
  if (!inside) {
    throw new SimError(
      400,
      `The provided path (${normalised}) does not match any of the defined filesystem paths for the requested system (${system.name}).`,
    );
  }
  return raw;
}
