// What no artefact of a run may hold: tokens, client secrets, passwords, API keys, cookies and the
// capabilities in presigned URLs. One module, used by the harness when it records an exchange and
// by every report when it writes, so the lists cannot drift apart.

/** Headers whose value is a credential: kept as their scheme only. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'auth-token',
  'cookie',
  'set-cookie',
  'x-amz-security-token',
  'x-api-key',
  'x-auth-token',
]);

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** `"client_secret": "..."`, `client_secret=...`, and the like, in JSON, forms and query strings. */
const SECRET_FIELDS =
  /("?\b(?:access_token|refresh_token|id_token|client_secret|password|secret_access_key|secretAccessKey|clientSecret|api_?key|apiKey|code_verifier)"?\s*[:=]\s*"?)[^"&\s,}]+/gi;
/** Capabilities that sit in a presigned URL: whoever holds them may use them until they expire. */
const URL_CAPABILITIES = /(\b(?:X-Amz-Signature|X-Amz-Security-Token|Signature)=)[^&"'\s<>]+/gi;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"'<>]+@/gi;
const BASIC_OR_BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** How a redaction is marked; reports that are read by people may mark it their own way. */
export interface RedactionMarks {
  readonly secret: string;
  readonly jwt: string;
}

const defaultMarks: RedactionMarks = { secret: '<redacted>', jwt: '<redacted-jwt>' };

/** Text with every credential it holds replaced by a mark (`<redacted>`). */
export function redactText(text: string, marks: RedactionMarks = defaultMarks): string {
  return text
    .replace(JWT, marks.jwt)
    .replace(SECRET_FIELDS, `$1${marks.secret}`)
    .replace(URL_CAPABILITIES, `$1${marks.secret}`)
    .replace(URL_USERINFO, `$1${marks.secret}@`)
    .replace(BASIC_OR_BEARER, `$1 ${marks.secret}`);
}

/** Headers as a report may show them: a credential keeps its scheme only. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return Object.fromEntries(
    entries.map(([k, v]) => {
      const key = k.toLowerCase();
      return [key, SECRET_HEADERS.has(key) ? redactHeaderValue(v) : redactText(v)];
    }),
  );
}

const SECRET_KEY = /^(?:access_?token|refresh_?token|id_?token|client_?secret|password|secret_?access_?key|api_?key)$/i;

/** A credential header's value, down to its scheme. */
function redactHeaderValue(value: string): string {
  const scheme = /^(Bearer|Basic|Digest|AWS4-HMAC-SHA256)\s/i.exec(value)?.[1];
  return scheme ? `${scheme} ${defaultMarks.secret}` : defaultMarks.secret;
}

/** A copy of a JSON-like value with every string redacted and every value under a secret key withheld. */
export function redactDeep<T>(value: T): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (key !== undefined && typeof v === 'string' && SECRET_HEADERS.has(key.toLowerCase()))
      return redactHeaderValue(v);
    if (key !== undefined && typeof v === 'string' && SECRET_KEY.test(key)) return defaultMarks.secret;
    if (typeof v === 'string') return redactText(v);
    if (Array.isArray(v)) return v.map((item) => walk(item));
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value) as T;
}
