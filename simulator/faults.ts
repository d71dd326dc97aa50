/**
 * Fault injection: per-request overrides on top of the site's behaviour, removed on reset.
 * A fault either answers in place of the site (`status`, `body`) or lets the site answer and
 * then removes a field from its JSON (`dropField`, a dotted path where arrays are crossed).
 */
export interface Fault {
  readonly method?: string | undefined;
  /** Request path; `*` matches within a segment, `**` across segments. */
  readonly path: string;
  readonly status?: number | undefined;
  readonly body?: unknown;
  readonly dropField?: string | undefined;
  /** How many requests it applies to; unlimited when absent. */
  readonly times?: number | undefined;
}

export interface ActiveFault extends Fault {
  readonly id: number;
  remaining: number;
  readonly matcher: RegExp;
}

export function compileFault(fault: Fault, id: number): ActiveFault {
  if (typeof fault.path !== 'string' || !fault.path.startsWith('/')) {
    throw new TypeError('a fault needs a path starting with /');
  }
  if (fault.status === undefined && fault.dropField === undefined) {
    throw new TypeError('a fault needs a status or a dropField');
  }
  if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
    throw new TypeError('status must be an HTTP status code');
  }
  const pattern = fault.path
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return { ...fault, id, remaining: fault.times ?? Number.POSITIVE_INFINITY, matcher: new RegExp(`^${pattern}$`) };
}

export function matchFault(faults: readonly ActiveFault[], method: string, path: string): ActiveFault | undefined {
  return faults.find(
    (f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && f.matcher.test(path),
  );
}

/** Removes a dotted field path from a JSON value, crossing arrays. */
export function dropField(value: unknown, path: string): unknown {
  const [head, ...rest] = path.split('.');
  if (Array.isArray(value)) return value.map((item) => dropField(item, path));
  if (value === null || typeof value !== 'object' || head === undefined) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[head];
  else if (head in copy) copy[head] = dropField(copy[head], rest.join('.'));
  return copy;
}
