// The requirement catalogue: what a FirecREST deployment must (MUST) or should (SHOULD) do.
// Every conformance check names one of these ids; every MUST has at least one check.

export const levels = ['MUST', 'SHOULD'] as const;
export type Level = (typeof levels)[number];

export const profiles = ['core', 'auth', 'compute', 'filesystem'] as const;
export type Profile = (typeof profiles)[number];

export interface Requirement {
  readonly id: string;
  readonly level: Level;
  readonly profile: Profile;
  /** `METHOD /path` relative to the generation's base URL, or the token endpoint. */
  readonly operation: string;
  readonly text: string;
}

const r = (id: string, level: Level, profile: Profile, operation: string, text: string): Requirement => ({
  id,
  level,
  profile,
  operation,
  text,
});

export const requirements: readonly Requirement[] = [
  // core: status and the common rules every answer follows
  r(
    'V2-STATUS-SYSTEMS-001',
    'MUST',
    'core',
    'GET /status/systems',
    'Lists the systems of the site, each with a name, SSH and scheduler settings, as the schema says.',
  ),
  r(
    'V2-STATUS-SYSTEMS-002',
    'MUST',
    'core',
    'GET /status/systems',
    'Carries an F7T-AppVersion header, from which clients tell the server version.',
  ),
  r(
    'V2-STATUS-SYSTEMS-003',
    'SHOULD',
    'core',
    'GET /status/systems',
    'Names exactly one default working directory file system per system.',
  ),
  r(
    'V2-STATUS-NODES-001',
    'MUST',
    'core',
    'GET /status/{system_name}/nodes',
    'Lists the nodes of a system with name, CPU count and state.',
  ),
  r(
    'V2-STATUS-PARTITIONS-001',
    'MUST',
    'core',
    'GET /status/{system_name}/partitions',
    'Lists the partitions of a system with their state.',
  ),
  r(
    'V2-STATUS-RESERVATIONS-001',
    'MUST',
    'core',
    'GET /status/{system_name}/reservations',
    'Lists the reservations of a system with node list and start and end times.',
  ),
  r(
    'V2-STATUS-USERINFO-001',
    'MUST',
    'core',
    'GET /status/{system_name}/userinfo',
    "Answers with the caller's own user name, primary group and groups.",
  ),
  r('V2-STATUS-LIVENESS-001', 'MUST', 'core', 'GET /status/liveness/', 'Answers 200 without a token.'),
  r(
    'V2-STATUS-UNKNOWN-SYSTEM-001',
    'MUST',
    'core',
    'GET /status/{system_name}/nodes',
    'Answers 404 in the error envelope for a system the site does not have.',
  ),
  r(
    'V2-ERRORS-001',
    'MUST',
    'core',
    '*',
    'Every error answer is JSON in the envelope {errorType, message, causedBy, data, user}.',
  ),
  r('V2-ERRORS-002', 'SHOULD', 'core', '*', 'An unknown route answers 404 in the error envelope.'),
  // auth: the token endpoint and how the API treats tokens
  r(
    'V2-AUTH-TOKEN-001',
    'MUST',
    'auth',
    'POST <token endpoint>',
    'client_credentials with client_secret_post gives a Bearer access token with a numeric expires_in.',
  ),
  r(
    'V2-AUTH-TOKEN-002',
    'MUST',
    'auth',
    'POST <token endpoint>',
    'client_credentials with client_secret_basic gives an access token.',
  ),
  r(
    'V2-AUTH-TOKEN-003',
    'MUST',
    'auth',
    'POST <token endpoint>',
    'A wrong client secret is refused with the OAuth error invalid_client.',
  ),
  r(
    'V2-AUTH-TOKEN-004',
    'MUST',
    'auth',
    'POST <token endpoint>',
    'An unsupported grant type is refused with 400 unsupported_grant_type.',
  ),
  r(
    'V2-AUTH-TOKEN-005',
    'SHOULD',
    'auth',
    'POST <token endpoint>',
    'Access tokens are JWTs carrying iss, exp and preferred_username.',
  ),
  r(
    'V2-AUTH-MISSING-001',
    'MUST',
    'auth',
    'GET /status/systems',
    'A request without a token answers 401 in the error envelope.',
  ),
  r(
    'V2-AUTH-MISSING-002',
    'SHOULD',
    'auth',
    'GET /status/systems',
    'A request without a token is told WWW-Authenticate: Bearer.',
  ),
  r(
    'V2-AUTH-SCHEME-001',
    'MUST',
    'auth',
    'GET /status/systems',
    'Credentials in a scheme other than Bearer answer 401.',
  ),
  r('V2-AUTH-GARBAGE-001', 'MUST', 'auth', 'GET /status/systems', 'A bearer value that is not a JWT answers 401.'),
  r(
    'V2-AUTH-SIGNATURE-001',
    'MUST',
    'auth',
    'GET /status/systems',
    'A valid token with one changed signature byte answers 401.',
  ),
  r(
    'V2-AUTH-FORGED-001',
    'MUST',
    'auth',
    'GET /status/systems',
    'A token with the right claims signed by a key the site does not trust answers 401.',
  ),
  r('V2-AUTH-ALG-NONE-001', 'MUST', 'auth', 'GET /status/systems', 'An unsigned token (alg none) answers 401.'),
  r(
    'V2-AUTH-EXPIRED-001',
    'MUST',
    'auth',
    'GET /status/systems',
    'An expired token signed by the trusted issuer answers 401.',
  ),
  r('V2-AUTH-ISSUER-001', 'SHOULD', 'auth', 'GET /status/systems', 'A token from another issuer answers 401.'),
  // compute: the scheduler through the API
  r(
    'V2-COMPUTE-SUBMIT-001',
    'MUST',
    'compute',
    'POST /compute/{system_name}/jobs',
    'Submitting a script answers 201 with the job id as a string.',
  ),
  r(
    'V2-COMPUTE-SUBMIT-002',
    'MUST',
    'compute',
    'POST /compute/{system_name}/jobs',
    'A job without workingDirectory answers 400 as a validation error that names the field.',
  ),
  r(
    'V2-COMPUTE-SUBMIT-003',
    'MUST',
    'compute',
    'POST /compute/{system_name}/jobs',
    'A malformed JSON body answers 400.',
  ),
  r(
    'V2-COMPUTE-SUBMIT-004',
    'MUST',
    'compute',
    'POST /compute/{system_name}/jobs',
    'Submitting to an unknown system answers 404.',
  ),
  r(
    'V2-COMPUTE-GET-001',
    'MUST',
    'compute',
    'GET /compute/{system_name}/jobs/{job_id}',
    'A submitted job can be read back by its id, with its name, owner and working directory.',
  ),
  r(
    'V2-COMPUTE-GET-002',
    'MUST',
    'compute',
    'GET /compute/{system_name}/jobs/{job_id}',
    'An unknown job id answers 404 saying the job was not found.',
  ),
  r(
    'V2-COMPUTE-GET-003',
    'SHOULD',
    'compute',
    'GET /compute/{system_name}/jobs/{job_id}',
    'A malformed (non-numeric) job id answers 4xx, not 5xx.',
  ),
  r(
    'V2-COMPUTE-STATE-001',
    'MUST',
    'compute',
    'GET /compute/{system_name}/jobs/{job_id}',
    'A script that ends with exit 0 reaches COMPLETED with exit code 0.',
  ),
  r(
    'V2-COMPUTE-STATE-002',
    'MUST',
    'compute',
    'GET /compute/{system_name}/jobs/{job_id}',
    'A script that ends with exit 3 reaches FAILED with exit code 3.',
  ),
  r(
    'V2-COMPUTE-STATE-003',
    'SHOULD',
    'compute',
    'GET /compute/{system_name}/jobs/{job_id}',
    'A job that runs past its time limit ends in TIMEOUT.',
  ),
  r(
    'V2-COMPUTE-METADATA-001',
    'MUST',
    'compute',
    'GET /compute/{system_name}/jobs/{job_id}/metadata',
    'Metadata of a job gives its script and standard output path.',
  ),
  r(
    'V2-COMPUTE-METADATA-002',
    'MUST',
    'compute',
    'GET /compute/{system_name}/jobs/{job_id}/metadata',
    'Metadata of an unknown job answers 404.',
  ),
  r(
    'V2-COMPUTE-LIST-001',
    'MUST',
    'compute',
    'GET /compute/{system_name}/jobs',
    "The caller's job list holds a job they submitted.",
  ),
  r(
    'V2-COMPUTE-LIST-002',
    'MUST',
    'compute',
    'GET /compute/{system_name}/jobs',
    "A user's job list does not hold another user's jobs.",
  ),
  r(
    'V2-COMPUTE-CANCEL-001',
    'MUST',
    'compute',
    'DELETE /compute/{system_name}/jobs/{job_id}',
    'Cancelling a running job answers 204 and the job ends CANCELLED.',
  ),
  r(
    'V2-COMPUTE-CANCEL-002',
    'MUST',
    'compute',
    'DELETE /compute/{system_name}/jobs/{job_id}',
    "Another user cannot cancel a user's job: the request fails and the job goes on.",
  ),
  // filesystem: the ops endpoints, and what one user can do to another's files
  r(
    'V2-FS-LS-001',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/ls',
    'Lists a directory: each entry with name, type, owner, permissions and size, as strings.',
  ),
  r(
    'V2-FS-LS-002',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/ls',
    'Listing a path that does not exist answers 404.',
  ),
  r(
    'V2-FS-LS-003',
    'SHOULD',
    'filesystem',
    'GET /filesystem/{system_name}/ops/ls',
    'Hides names starting with a dot unless showHidden is set.',
  ),
  r(
    'V2-FS-LS-004',
    'SHOULD',
    'filesystem',
    'GET /filesystem/{system_name}/ops/ls',
    'A recursive listing names entries relative to the listed directory (sub/file).',
  ),
  r(
    'V2-FS-LS-005',
    'SHOULD',
    'filesystem',
    'GET /filesystem/{system_name}/ops/ls',
    'A directory of 10,000 entries is listed completely.',
  ),
  r(
    'V2-FS-MKDIR-001',
    'MUST',
    'filesystem',
    'POST /filesystem/{system_name}/ops/mkdir',
    'Makes a directory (with parents when asked) and answers 201 with it as a directory entry.',
  ),
  r(
    'V2-FS-MKDIR-002',
    'MUST',
    'filesystem',
    'POST /filesystem/{system_name}/ops/mkdir',
    'Making a directory that exists answers 400.',
  ),
  r(
    'V2-FS-UPLOAD-001',
    'MUST',
    'filesystem',
    'POST /filesystem/{system_name}/ops/upload',
    'A small file uploaded (multipart) downloads again byte for byte, binary content included.',
  ),
  r(
    'V2-FS-UPLOAD-002',
    'SHOULD',
    'filesystem',
    'POST /filesystem/{system_name}/ops/upload',
    'A file above the site limit for direct upload answers 413.',
  ),
  r(
    'V2-FS-NAMES-001',
    'SHOULD',
    'filesystem',
    'POST /filesystem/{system_name}/ops/upload',
    'Names with spaces and non-ASCII letters come back as written from mkdir, upload, ls and download.',
  ),
  r(
    'V2-FS-HEAD-001',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/head',
    'head gives the first lines or bytes of a file.',
  ),
  r(
    'V2-FS-HEAD-002',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/head',
    'head with both bytes and lines answers 400.',
  ),
  r(
    'V2-FS-TAIL-001',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/tail',
    'tail gives the last lines or bytes of a file.',
  ),
  r(
    'V2-FS-VIEW-001',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/view',
    "view gives a file's content, or the window of size bytes at offset.",
  ),
  r(
    'V2-FS-VIEW-002',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/view',
    'view of a missing file answers 404.',
  ),
  r(
    'V2-FS-CHECKSUM-001',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/checksum',
    "The checksum equals the SHA-256 of the file's bytes.",
  ),
  r(
    'V2-FS-FILE-001',
    'SHOULD',
    'filesystem',
    'GET /filesystem/{system_name}/ops/file',
    'file says "directory" for a directory and names text for a text file.',
  ),
  r(
    'V2-FS-STAT-001',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/stat',
    "stat gives the size, a regular-file mode with its permission bits, and the owner's uid.",
  ),
  r(
    'V2-FS-STAT-002',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/stat',
    'stat of a missing path answers 404.',
  ),
  r(
    'V2-FS-CHMOD-001',
    'MUST',
    'filesystem',
    'PUT /filesystem/{system_name}/ops/chmod',
    'chmod changes the mode and answers with the entry showing it.',
  ),
  r(
    'V2-FS-CHOWN-001',
    'SHOULD',
    'filesystem',
    'PUT /filesystem/{system_name}/ops/chown',
    'A user cannot give a file to another user: 403, and the owner stays.',
  ),
  r(
    'V2-FS-SYMLINK-001',
    'MUST',
    'filesystem',
    'POST /filesystem/{system_name}/ops/symlink',
    'A symbolic link is made (201, type l, its target) and reads through to the target.',
  ),
  r(
    'V2-FS-RM-001',
    'MUST',
    'filesystem',
    'DELETE /filesystem/{system_name}/ops/rm',
    'rm removes a directory tree (204); the path is gone afterwards.',
  ),
  r(
    'V2-FS-RM-002',
    'MUST',
    'filesystem',
    'DELETE /filesystem/{system_name}/ops/rm',
    'rm of a missing path answers 404.',
  ),
  r(
    'V2-FS-ARCHIVE-001',
    'SHOULD',
    'filesystem',
    'POST /filesystem/{system_name}/ops/compress',
    'compress and then extract (gzip) reproduce a directory tree.',
  ),
  r('V2-FS-PATH-001', 'MUST', 'filesystem', 'GET /filesystem/{system_name}/ops/ls', 'A relative path answers 400.'),
  r(
    'V2-FS-PATH-002',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/ls',
    "A path outside the system's file systems (also through ..) answers 400.",
  ),
  r(
    'V2-FS-PATH-003',
    'SHOULD',
    'filesystem',
    'GET /filesystem/{system_name}/ops/stat',
    'Malformed paths (a NUL byte, 10 KB long, empty) answer 4xx, never 5xx.',
  ),
  r(
    'V2-FS-ISOLATION-001',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/ls',
    "Another user cannot list a user's 0700 directory: 403.",
  ),
  r(
    'V2-FS-ISOLATION-002',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/view',
    "Another user cannot read a user's 0600 file (view, head, tail, checksum, download): 403.",
  ),
  r(
    'V2-FS-ISOLATION-003',
    'MUST',
    'filesystem',
    'POST /filesystem/{system_name}/ops/upload',
    "Another user cannot write into a user's directory (upload, mkdir, symlink): refused, nothing appears.",
  ),
  r(
    'V2-FS-ISOLATION-004',
    'MUST',
    'filesystem',
    'PUT /filesystem/{system_name}/ops/chmod',
    "Another user cannot chmod or remove a user's files: 403, nothing changes.",
  ),
  r(
    'V2-FS-ISOLATION-005',
    'MUST',
    'filesystem',
    'GET /filesystem/{system_name}/ops/view',
    'Neither .. in a path nor a symbolic link gets around a permission.',
  ),
];

const byId = new Map(requirements.map((req) => [req.id, req]));

export function findRequirement(id: string): Requirement | undefined {
  return byId.get(id);
}

/** The requirement id at the start of a check's title, e.g. `V2-COMPUTE-SUBMIT-001 ...`. */
export function requirementIdOf(title: string): string | undefined {
  return /^(V\d-[A-Z0-9-]+-\d{3})\b/.exec(title)?.[1];
}
