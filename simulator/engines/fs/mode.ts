export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const SETUID = 0o4000;
export const SETGID = 0o2000;
export const STICKY = 0o1000;

/** `rwxr-x--T` as ls prints the permission bits, with setuid, setgid and sticky. */
export function formatPermissions(mode: number): string {
  const triplet = (bits: number, special: boolean, letter: string) => {
    const x = (bits & 1) !== 0;
    const last = special ? (x ? letter : letter.toUpperCase()) : x ? 'x' : '-';
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${last}`;
  };
  return (
    triplet((mode >> 6) & 7, (mode & SETUID) !== 0, 's') +
    triplet((mode >> 3) & 7, (mode & SETGID) !== 0, 's') +
    triplet(mode & 7, (mode & STICKY) !== 0, 't')
  );
}

/**
 * A chmod mode applied to the current one: octal (`755`, `0640`, `1777`) or symbolic
 * (`u+x`, `go-w`, `a=r,u+w`, `+X`). Undefined when the text is not a mode.
 */
export function applyMode(text: string, current: number, isDirectory: boolean): number | undefined {
  if (/^[0-7]{1,4}$/.test(text)) return parseInt(text, 8);
  let mode = current & 0o7777;
  for (const clause of text.split(',')) {
    const match = /^([ugoa]*)((?:[-+=][rwxXst]*)+)$/.exec(clause);
    if (!match) return undefined;
    const who = match[1] || 'a';
    const masks = { u: 0o4700, g: 0o2070, o: 0o1007 };
    const selected = (['u', 'g', 'o'] as const).filter((w) => who.includes(w) || who.includes('a'));
    for (const op of match[2]?.match(/[-+=][rwxXst]*/g) ?? []) {
      const perms = op.slice(1);
      let bits = 0;
      for (const w of selected) {
        const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
        if (perms.includes('r')) bits |= 4 << shift;
        if (perms.includes('w')) bits |= 2 << shift;
        if (perms.includes('x') || (perms.includes('X') && (isDirectory || (mode & 0o111) !== 0))) bits |= 1 << shift;
        if (perms.includes('s') && w === 'u') bits |= SETUID;
        if (perms.includes('s') && w === 'g') bits |= SETGID;
        if (perms.includes('t') && w === 'o') bits |= STICKY;
      }
      if (op[0] === '+') mode |= bits;
      else if (op[0] === '-') mode &= ~bits;
      else {
        const clear = selected.reduce((m, w) => m | masks[w], 0);
        mode = (mode & ~clear) | bits;
      }
    }
  }
  return mode;
}
