import { compressions, type Compression } from '../../../engines/fs/archive.ts';
import { SimError, validationError } from '../../../errors.ts';

/** The compression a compress/extract request asks for (gzip when it names none). */
export function compressionOf(value: unknown): Compression {
  const chosen = (value ?? 'gzip') as Compression;
  if (!compressions.includes(chosen)) {
    throw validationError([
      {
        location: 'body',
        name: 'compression',
        message: `Input should be ${compressions.map((x) => `'${x}'`).join(', ')}`,
      },
    ]);
  }
  // DEVIATION: node has no bzip2 or xz; a real site would run tar -j or -J.
  if (chosen === 'bzip2' || chosen === 'xz') {
    throw new SimError(501, `The simulator does not implement ${chosen} compression; use gzip or none.`);
  }
  return chosen;
}

/** A matchPattern as find's -regex takes it: the whole relative path must match. */
export function matchPatternOf(value: unknown): RegExp | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return new RegExp(`^(?:${value})$`);
  } catch {
    throw validationError([{ location: 'body', name: 'matchPattern', message: 'Not a valid regular expression' }]);
  }
}
