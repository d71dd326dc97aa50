import { expect, test } from 'vitest';
import { createJournal, type JournalEntry } from './journal.ts';

const entry = (n: number): JournalEntry => ({
  at: n,
  method: 'GET',
  path: `/v2/status/systems`,
  query: `?n=${n}`,
  status: 200,
  user: 'alice',
  durationMs: 0.1,
});

test('the journal shows the most recent requests only, and holds at most half as many again', () => {
  const journal = createJournal(4);
  for (let n = 1; n <= 6; n++) journal.record(entry(n));
  expect(journal.entries().map((e) => e.at)).toEqual([3, 4, 5, 6]);
  journal.record(entry(7));
  expect(journal.entries().map((e) => e.at)).toEqual([4, 5, 6, 7]);
  journal.clear();
  expect(journal.entries()).toEqual([]);
});

test('a journal limit that is not a whole number of requests is refused', () => {
  for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => createJournal(limit)).toThrow(/journalLimit/);
});
