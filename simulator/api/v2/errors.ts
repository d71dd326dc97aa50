// FirecREST v2's answers to the engines' errors: the one place v2 chooses status and words for
// them. Routes let engine errors through; the app's error handler sends /v2 errors here.
import type { Context } from 'hono';
import { FsError, type Errno } from '../../engines/fs/index.ts';
import { AuthError } from '../../engines/oidc/index.ts';
import { SlurmError } from '../../engines/slurm/index.ts';
import { SimError } from '../../errors.ts';
import { answerError } from '../shared/answer.ts';
import type { AppEnv } from '../shared/env.ts';

/** A scheduler refusal as v2 answers it: FirecREST wraps a failed Slurm command in a 500. */
function slurmAnswer(error: SlurmError): SimError {
  switch (error.code) {
    case 'system-not-found':
      return new SimError(404, 'System not found');
    case 'job-not-found':
      return new SimError(404, 'Job not found.');
    case 'reservation-refused':
      return new SimError(400, error.stderr.trim());
    // squeue refused the id itself: FirecREST's generic message, the command's answer as the cause.
    case 'invalid-job-id':
      return new SimError(500, 'Error executing Slurm command.', { causedBy: [commandFailed(error)] });
    case 'invalid-partition':
    case 'invalid-account':
    case 'invalid-script':
    case 'submit-rejected':
    case 'permission-denied':
    case 'job-finished':
    case 'job-not-running':
    case 'shell-failed':
    case 'controller-unreachable':
      return new SimError(500, commandFailed(error));
  }
}

/** How FirecREST wraps a Slurm command that failed. */
const commandFailed = (error: SlurmError) =>
  `Unexpected Slurm command response. exit_status:${error.exitStatus} std_err:${error.stderr}`;

// The status FirecREST gives a command that failed with this errno (its stderr mapping).
const fsStatus = (code: Errno | undefined) =>
  code === 'ENOENT' ? 404 : code === 'EACCES' || code === 'EPERM' ? 403 : code === 'EEXIST' ? 400 : 500;

/** The errno a remote command's stderr words, as FirecREST reads it, in its order. */
const errnoWords: readonly (readonly [RegExp, Errno])[] = [
  [/No such file or directory/, 'ENOENT'],
  [/Permission denied/, 'EACCES'],
  [/Operation not permitted/, 'EPERM'],
  [/File exists/, 'EEXIST'],
];

/** A failed remote command as FirecREST answers it: the status follows the words of stderr. */
export function remoteFailure(exit: number, stderr: string): SimError {
  const message = `Remote process failed with exit status:${exit}${stderr ? ` and error message:${stderr.trim()}` : ''}`;
  const errno = errnoWords.find(([words]) => words.test(stderr))?.[1];
  const status = errno ? fsStatus(errno) : /invalid user/.test(stderr) ? 400 : 500;
  return new SimError(status, message);
}

/** How FirecREST words its 401s; clients and operators match on these texts. */
const authMessages = {
  missing: 'Not authenticated',
  invalid: 'Access token is invalid.',
  expired: 'Access token expired',
  unknownKey: "Token's public key not found.",
  tooSoon: (minTtl: number) => `Access token expires too soon (less than ${minTtl}s remaining).`,
  claimMissing: (claim: string) => `Authentication token '${claim}' claim is missing`,
} as const;

/** A refused bearer token: FirecREST's 401, which echoes the presented token in `auth-token`. */
function authAnswer(error: AuthError): SimError {
  const headers: Record<string, string> =
    error.token === undefined ? { 'www-authenticate': 'Bearer' } : { 'auth-token': error.token };
  const refused = (message: string) => new SimError(401, message, { headers });
  switch (error.reason) {
    case 'missing':
      return refused(authMessages.missing);
    case 'expired':
      return refused(authMessages.expired);
    case 'too-soon':
      return refused(authMessages.tooSoon(error.minTtlS ?? 0));
    case 'unknown-key':
      return refused(authMessages.unknownKey);
    case 'malformed':
    case 'signature':
    case 'issuer':
      return refused(authMessages.invalid);
    case 'claim-missing':
      return new SimError(400, authMessages.claimMissing(error.claim ?? ''));
  }
}

/** v2's HTTP error for an engine error, or undefined for an error that is not the engines'. */
export function v2ErrorOf(error: unknown): SimError | undefined {
  if (error instanceof SlurmError) return slurmAnswer(error);
  if (error instanceof AuthError) return authAnswer(error);
  // A file-system error no route ran as a command: the errno's status, the path and its text.
  if (error instanceof FsError) return new SimError(fsStatus(error.code), error.message);
  return undefined;
}

export function answerV2Error(error: Error, c: Context<AppEnv>): Response {
  return answerError(v2ErrorOf(error) ?? error, c);
}
