/**
 * Slurm time strings, in seconds: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`;
 * `UNLIMITED`/`INFINITE` is Infinity.
 */
export function parseSlurmDuration(text: string): number {
  const value = text.trim();
  if (/^(unlimited|infinite)$/i.test(value)) return Number.POSITIVE_INFINITY;
  const match = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(value);
  if (!match) throw new RangeError(`invalid time specification: ${text}`);
  const [, days, a = '0', b, c] = match;
  const n = (s: string | undefined) => Number(s ?? 0);
  if (days !== undefined) {
    // D-H, D-H:M, D-H:M:S
    return n(days) * 86400 + n(a) * 3600 + n(b) * 60 + n(c);
  }
  if (c !== undefined) return n(a) * 3600 + n(b) * 60 + n(c);
  if (b !== undefined) return n(a) * 60 + n(b);
  return n(a) * 60;
}

/** `90s`, `5m`, `2h`, `1d` or plain seconds, as `#SIM runtime=` takes them. */
export function parseSimDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new RangeError(`invalid duration: ${text}`);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's'] ?? 1;
  return Number(match[1]) * factor;
}
