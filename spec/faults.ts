// The vocabulary of injected faults, shared by the simulator (which applies them), the harness
// (which hands them to an embedded site) and the mutant catalogue (which declares them as data).

/**
 * Faults in the site's engines, for bugs that no rewrite of an answer can express. Each is a
 * switch an engine consults at one place; while it is injected, the engine behaves as named.
 */
export const engineFaultKinds = {
  'fs.permissions-ignored': 'file permissions are not checked (commands run as a privileged account)',
  'fs.chown-unchecked': 'any user may give a file to another user',
  'slurm.jobs-stay-pending': 'submitted jobs are never started',
  'slurm.exit-code-lost': 'a job that ends always ends COMPLETED with exit code 0',
  'slurm.time-limit-ignored': 'jobs run past their time limit',
  'slurm.cancel-ignored': 'a cancel is accepted and the job goes on',
  'slurm.cancel-any-user': "a user may cancel another user's job",
  'slurm.list-all-users': "a user's job list holds every user's jobs",
  'oidc.signature-unchecked': "a token's signature is not verified",
  'oidc.expiry-unchecked': "a token's expiry is not checked",
  'oidc.issuer-unchecked': "a token's issuer is not checked",
  'oidc.alg-none-accepted': 'an unsigned token (alg none) is accepted',
  's3.signature-unchecked': 'presigned URLs are served without checking their signature',
} as const;
export type EngineFaultKind = keyof typeof engineFaultKinds;

/** What an engine asks: is this fault injected now? */
export interface EngineFaults {
  has(kind: EngineFaultKind): boolean;
}

export const noEngineFaults: EngineFaults = { has: () => false };

/** A change to the bytes of a body that is not JSON (a download, an object). */
export const bodyAlterations = ['flip-first-byte', 'drop-last-byte', 'append-newline', 'crlf'] as const;
export type BodyAlteration = (typeof bodyAlterations)[number];

/** A value's JSON type, for `retypeField`. */
export const jsonTypes = ['string', 'number', 'boolean', 'null'] as const;
export type JsonType = (typeof jsonTypes)[number];

/**
 * One fault. An HTTP fault names a `path` (and optionally method, query, user, answer status) and
 * either answers in place of the site (`status` with an optional `body`) or lets the site answer
 * and then rewrites that answer (the other fields, applied in the order listed here). An engine
 * fault names `engine` only. Field paths are dotted and cross arrays (`jobs.state` is the state
 * of every job); the empty path is the body itself.
 */
export interface Fault {
  readonly method?: string | undefined;
  /** Request path; `*` matches within a segment, `**` across segments. */
  readonly path?: string | undefined;
  /** Query parameters the request must carry with these values. */
  readonly query?: Readonly<Record<string, string>> | undefined;
  /** Only requests of this authenticated user (judged once the site has answered). */
  readonly user?: string | undefined;
  /** Only answers with this status: `404`, or a class such as `4xx`. */
  readonly onStatus?: string | undefined;
  /** Answer in place of the site with this status (and `body`, JSON unless a string). */
  readonly status?: number | undefined;
  readonly body?: unknown;
  /** The site's answer keeps its body and gets this status. */
  readonly replaceStatus?: number | undefined;
  readonly dropField?: string | undefined;
  readonly renameField?: { readonly from: string; readonly to: string } | undefined;
  readonly setField?: { readonly path: string; readonly value: unknown } | undefined;
  readonly retypeField?: { readonly path: string; readonly to: JsonType } | undefined;
  /** Removes the first or last item of the list at `path`. */
  readonly dropItem?: { readonly path: string; readonly at: 'first' | 'last' } | undefined;
  /** Repeats the first or last item of the list at `path`. */
  readonly duplicateItem?: { readonly path: string; readonly at: 'first' | 'last' } | undefined;
  readonly alterBody?: BodyAlteration | undefined;
  readonly dropHeader?: string | undefined;
  readonly setHeader?: { readonly name: string; readonly value: string } | undefined;
  readonly engine?: EngineFaultKind | undefined;
  /** How many requests it applies to; unlimited when absent (engine faults: always). */
  readonly times?: number | undefined;
}
