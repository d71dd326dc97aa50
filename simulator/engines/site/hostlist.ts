/** Slurm's compact form of a node list: `nid[000001-000003,000007]`. */
export function compressHostlist(names: readonly string[]): string {
  const groups = new Map<string, { width: number; numbers: number[] }[]>();
  const plain: string[] = [];
  for (const name of names) {
    const match = /^(.*?)(\d+)$/.exec(name);
    if (!match) {
      plain.push(name);
      continue;
    }
    const [, prefix = '', digits = ''] = match;
    const list = groups.get(prefix) ?? [];
    let entry = list.find((e) => e.width === digits.length);
    if (!entry) {
      entry = { width: digits.length, numbers: [] };
      list.push(entry);
    }
    entry.numbers.push(Number(digits));
    groups.set(prefix, list);
  }
  const parts = [...plain];
  for (const [prefix, list] of groups) {
    for (const { width, numbers } of list) {
      const sorted = [...new Set(numbers)].sort((a, b) => a - b);
      const pad = (n: number) => String(n).padStart(width, '0');
      if (sorted.length === 1) {
        parts.push(`${prefix}${pad(sorted[0] ?? 0)}`);
        continue;
      }
      const ranges: string[] = [];
      let start = sorted[0] ?? 0;
      let prev = start;
      for (const n of [...sorted.slice(1), Number.NaN]) {
        if (n === prev + 1) {
          prev = n;
          continue;
        }
        ranges.push(start === prev ? pad(start) : `${pad(start)}-${pad(prev)}`);
        start = n;
        prev = n;
      }
      parts.push(`${prefix}[${ranges.join(',')}]`);
    }
  }
  return parts.join(',');
}
