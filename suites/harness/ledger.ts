import { appendFileSync, existsSync, readFileSync } from 'node:fs';

// What a run made on the site, written down as soon as the site's answer names it, so that the
// cleanup (in the process that started the run) finds it even when a test worker dies mid-check.

export type Generation = 'v1' | 'v2';
export type IdentityLabel = 'primary' | 'second';

interface Where {
  readonly generation: Generation;
  readonly system: string;
  readonly identity: IdentityLabel;
}

export type LedgerEntry = Where &
  (
    | { readonly kind: 'job'; readonly jobId: string }
    /** A v1 task: its result may name a job (submissions, internal transfers) or a staged object. */
    | { readonly kind: 'task'; readonly taskId: string; readonly operation: string }
    /** A presigned URL the site handed out: the object behind it is staged in the site's store. */
    | { readonly kind: 'object'; readonly url: string }
    | { readonly kind: 'path'; readonly path: string }
  );

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

/** What a successful non-GET answer says the site made. */
export function madeBy(where: Where, method: string, path: string, body: unknown): LedgerEntry[] {
  if (method === 'GET' || typeof body !== 'object' || body === null) return [];
  const b = body as Record<string, unknown>;
  const found: LedgerEntry[] = [];
  const jobId = text(b.jobId) ?? text(b.jobid);
  if (jobId) found.push({ ...where, kind: 'job', jobId });
  const taskId = text(b.task_id);
  if (taskId) found.push({ ...where, kind: 'task', taskId, operation: `${method} ${path}` });
  const transferJob = b.transferJob as { jobId?: unknown; logs?: Record<string, unknown> } | undefined;
  const transferJobId = text(transferJob?.jobId);
  if (transferJobId) found.push({ ...where, kind: 'job', jobId: transferJobId });
  for (const log of Object.values(transferJob?.logs ?? {})) {
    const p = text(log);
    if (p) found.push({ ...where, kind: 'path', path: p });
  }
  const directives = b.transferDirectives as Record<string, unknown> | undefined;
  const urls = [directives?.completeUploadUrl, directives?.downloadUrl].map(text).filter(Boolean) as string[];
  for (const url of urls) found.push({ ...where, kind: 'object', url });
  return found;
}

export function record(ledger: string | undefined, entries: readonly LedgerEntry[]): void {
  if (!ledger || entries.length === 0) return;
  appendFileSync(ledger, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

/** The entries of a ledger, in the order they were made; a torn last line is ignored. */
export function readLedger(ledger: string): LedgerEntry[] {
  if (!existsSync(ledger)) return [];
  const entries: LedgerEntry[] = [];
  for (const line of readFileSync(ledger, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as LedgerEntry);
    } catch {
      // a worker killed mid-write
    }
  }
  return entries;
}
