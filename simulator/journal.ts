export interface JournalEntry {
  /** Wall time, epoch ms. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly user: string | null;
  readonly durationMs: number;
}

export interface Journal {
  record(entry: JournalEntry): void;
  entries(): readonly JournalEntry[];
  clear(): void;
}

/** The request journal keeps the most recent requests only, so a long-running simulator stays small. */
export function createJournal(limit = 10_000): Journal {
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError(`journalLimit: a whole number of requests, at least 1, not ${limit}`);
  let entries: JournalEntry[] = [];
  return {
    record(entry) {
      entries.push(entry);
      if (entries.length > limit * 1.5) entries = entries.slice(-limit);
    },
    entries: () => entries.slice(-limit),
    clear() {
      entries = [];
    },
  };
}
