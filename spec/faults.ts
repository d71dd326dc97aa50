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
  // Failures a client must survive (each strikes once, `times` times or with a `probability`):
  'fs.storage-full': 'writes fail with ENOSPC (No space left on device)',
  'fs.quota-exceeded': 'writes fail with EDQUOT (Disk quota exceeded)',
  'slurm.controller-down': 'slurmctld does not answer: every Slurm command fails to contact it',
  'slurm.submit-limit': "sbatch refuses the job: the association's submit limit is reached",
} as const;
export type EngineFaultKind = keyof typeof engineFaultKinds;

/** What an engine asks: is this fault injected now? */
export interface EngineFaults {
  has(kind: EngineFaultKind): boolean;
  /**
   * Whether an injected failure strikes this operation: it draws the fault's probability and
   * uses up one of its `times`. Engines ask it once per operation that would fail.
   */
  strikes(kind: EngineFaultKind): boolean;
}

export const noEngineFaults: EngineFaults = { has: () => false, strikes: () => false };

/** S3 errors a fault can answer with, as the object store words them (status in the API layer). */
export const s3FaultCodes = ['SlowDown', 'InternalError', 'ServiceUnavailable'] as const;
export type S3FaultCode = (typeof s3FaultCodes)[number];

/** Longest injected delay: a fault slows a request, it never hangs a client's test run. */
export const MAX_FAULT_DELAY_MS = 60_000;

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
  /** Answer in place of the site with this S3 error (XML body, S3's status for it). */
  readonly s3Error?: S3FaultCode | undefined;
  /** Content type of a string `body` (default text/html). */
  readonly contentType?: string | undefined;
  /** Wait this long (ms, at most MAX_FAULT_DELAY_MS) before the site (or the fault) answers. */
  readonly delayMs?: number | undefined;
  readonly engine?: EngineFaultKind | undefined;
  /** A named failure (`faultPresets`); the fault's own fields add to it or override it. */
  readonly preset?: FaultPreset | undefined;
  /** How many requests (or engine operations) it applies to; unlimited when absent. */
  readonly times?: number | undefined;
  /**
   * Chance (0 to 1) that it applies to each matching request or operation, drawn from a PRNG
   * seeded by the site's seed and the fault's id: the same seed replays the same failures.
   */
  readonly probability?: number | undefined;
}

/**
 * Failures client developers script by name. An HTTP preset answers as the failing component
 * does (a proxy's 503 page for the issuer, S3's XML error); an engine preset makes the engines
 * fail as the real component does, and each API generation words it as it words that failure.
 */
export const faultPresets = {
  'issuer-down': {
    path: '/auth/token',
    status: 503,
    body: '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n',
  },
  'scheduler-unreachable': { engine: 'slurm.controller-down' },
  'storage-full': { engine: 'fs.storage-full' },
  'quota-exceeded': { engine: 'fs.quota-exceeded' },
  'submit-limit': { engine: 'slurm.submit-limit' },
  'object-store-slow-down': { path: '/s3/**', s3Error: 'SlowDown' },
  'object-store-internal-error': { path: '/s3/**', s3Error: 'InternalError' },
  'object-store-unavailable': { path: '/s3/**', s3Error: 'ServiceUnavailable' },
  'object-store-slow': { path: '/s3/**', delayMs: 2000 },
} as const satisfies Record<string, Omit<Fault, 'preset'>>;
export type FaultPreset = keyof typeof faultPresets;
