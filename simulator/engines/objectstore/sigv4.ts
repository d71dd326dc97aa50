import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from './errors.ts';

// AWS Signature Version 4 for S3: verification of header-signed and presigned requests, and
// presigning. Signatures always use wall time, never the site clock.

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

export interface SignedRequest {
  readonly method: string;
  /** The path as received, percent-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Headers;
}

export interface Verified {
  readonly presigned: boolean;
  /** The payload hash the signature covers: a hex SHA-256 or one of the UNSIGNED/STREAMING markers. */
  readonly payloadHash: string;
}

const MAX_SKEW_MS = 15 * 60 * 1000;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX). */
export function uriEncode(text: string, keepSlash = false): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => {
      const ch = String.fromCharCode(b);
      if (/[A-Za-z0-9\-._~]/.test(ch) || (keepSlash && ch === '/')) return ch;
      return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function canonicalUri(path: string): string {
  // S3 signs each segment encoded once: decode what arrived, encode it again.
  return path
    .split('/')
    .map((segment) => {
      try {
        return uriEncode(decodeURIComponent(segment));
      } catch {
        return uriEncode(segment);
      }
    })
    .join('/');
}

function canonicalQuery(query: URLSearchParams, without?: string): string {
  return [...query.entries()]
    .filter(([k]) => k !== without)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function signingKey(secret: string, date: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
}

function signature(
  credentials: S3Credentials,
  request: SignedRequest,
  amzDate: string,
  scope: string,
  signedHeaders: string[],
  payloadHash: string,
  presigned: boolean,
): string {
  const headers = signedHeaders.map((name) => {
    const value = name === 'host' ? (request.headers.get('host') ?? '') : (request.headers.get(name) ?? '');
    return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  });
  const canonical = [
    request.method,
    canonicalUri(request.path),
    canonicalQuery(request.query, presigned ? 'X-Amz-Signature' : undefined),
    headers.join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const [date = '', region = ''] = scope.split('/');
  return createHmac('sha256', signingKey(credentials.secretAccessKey, date, region))
    .update(toSign)
    .digest('hex');
}

function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a request's SigV4 signature (header or query); throws S3Error when it does not hold. */
export function verify(credentials: S3Credentials, request: SignedRequest, now: number): Verified {
  const presigned = request.query.has('X-Amz-Signature');
  let credential: string;
  let amzDate: string;
  let signed: string;
  let given: string;
  let payloadHash: string;
  if (presigned) {
    if (request.query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
      throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    }
    credential = request.query.get('X-Amz-Credential') ?? '';
    amzDate = request.query.get('X-Amz-Date') ?? '';
    signed = request.query.get('X-Amz-SignedHeaders') ?? '';
    given = request.query.get('X-Amz-Signature') ?? '';
    payloadHash = 'UNSIGNED-PAYLOAD';
    const expires = Number(request.query.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) {
      throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds');
    }
    const issued = parseAmzDate(amzDate);
    if (Number.isNaN(issued))
      throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 Long Format');
    if (now > issued + expires * 1000) throw new S3Error('AccessDenied', 'Request has expired');
    if (issued > now + MAX_SKEW_MS)
      throw new S3Error(
        'RequestTimeTooSkewed',
        'The difference between the request time and the server time is too large.',
      );
  } else {
    const header = request.headers.get('authorization') ?? '';
    const match =
      /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/.exec(header);
    if (!match) throw new S3Error('AccessDenied', 'Access Denied');
    [, credential = '', signed = '', given = ''] = match;
    amzDate = request.headers.get('x-amz-date') ?? '';
    payloadHash = request.headers.get('x-amz-content-sha256') ?? '';
    if (payloadHash === '')
      throw new S3Error('InvalidArgument', 'Missing required header for this request: x-amz-content-sha256');
    const issued = parseAmzDate(amzDate);
    if (Number.isNaN(issued) || Math.abs(now - issued) > MAX_SKEW_MS) {
      throw new S3Error(
        'RequestTimeTooSkewed',
        'The difference between the request time and the server time is too large.',
      );
    }
  }
  const [accessKey, ...scopeParts] = credential.split('/');
  const scope = scopeParts.join('/');
  if (accessKey !== credentials.accessKeyId) {
    throw new S3Error('AccessDenied', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  if (
    scopeParts.length !== 4 ||
    scopeParts[3] !== 'aws4_request' ||
    scopeParts[2] !== 's3' ||
    !amzDate.startsWith(scopeParts[0] ?? '-')
  ) {
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the credential scope ${scope} is not valid.`,
    );
  }
  const headers = signed.split(';').filter(Boolean);
  if (!headers.includes('host')) throw new S3Error('AccessDenied', 'The host header must be signed.');
  const expected = signature(credentials, request, amzDate, scope, headers, payloadHash, presigned);
  if (!sameSignature(expected, given)) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return { presigned, payloadHash };
}

/** A presigned URL for `method` on `url` (path-style, on the simulator's S3 prefix). */
export function presign(credentials: S3Credentials, method: string, url: URL, expiresS: number, now: number): string {
  const amzDate = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${credentials.region}/s3/aws4_request`;
  const query = new URLSearchParams(url.search);
  query.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  query.set('X-Amz-Credential', `${credentials.accessKeyId}/${scope}`);
  query.set('X-Amz-Date', amzDate);
  query.set('X-Amz-Expires', String(expiresS));
  query.set('X-Amz-SignedHeaders', 'host');
  const headers = new Headers({ host: url.host });
  const sig = signature(
    credentials,
    { method, path: url.pathname, query, headers },
    amzDate,
    scope,
    ['host'],
    'UNSIGNED-PAYLOAD',
    true,
  );
  query.set('X-Amz-Signature', sig);
  const search = [...query.entries()].map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
  return `${url.origin}${url.pathname}?${search}`;
}

/** The form fields of a browser-style POST upload (S3 POST policy, signature version 4). */
export function postPolicy(
  credentials: S3Credentials,
  bucket: string,
  key: string,
  expiresS: number,
  now: number,
): Record<string, string> {
  const amzDate = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const credential = `${credentials.accessKeyId}/${date}/${credentials.region}/s3/aws4_request`;
  const policy = Buffer.from(
    JSON.stringify({
      expiration: new Date(now + expiresS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      conditions: [
        { bucket },
        { key },
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-credential': credential },
        { 'x-amz-date': amzDate },
      ],
    }),
  ).toString('base64');
  const signatureHex = createHmac('sha256', signingKey(credentials.secretAccessKey, date, credentials.region))
    .update(policy)
    .digest('hex');
  return {
    key,
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': credential,
    'x-amz-date': amzDate,
    policy,
    'x-amz-signature': signatureHex,
  };
}

/** Checks a POST upload's policy: its signature, its expiry, and that bucket and key are the ones it names. */
export function verifyPostPolicy(
  credentials: S3Credentials,
  fields: Record<string, string>,
  bucket: string,
  now: number,
): void {
  const [accessKey, date = '', region = ''] = (fields['x-amz-credential'] ?? '').split('/');
  if (accessKey !== credentials.accessKeyId)
    throw new S3Error('AccessDenied', 'The AWS Access Key Id you provided does not exist in our records.');
  const policy = fields.policy ?? '';
  const expected = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region))
    .update(policy)
    .digest('hex');
  if (!sameSignature(expected, fields['x-amz-signature'] ?? '')) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  let document: { expiration?: string; conditions?: unknown[] };
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as typeof document;
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid Policy: Invalid JSON.');
  }
  if (!(Date.parse(document.expiration ?? '') > now))
    throw new S3Error('AccessDenied', 'Invalid according to Policy: Policy expired.');
  for (const condition of document.conditions ?? []) {
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) continue;
    for (const [name, value] of Object.entries(condition)) {
      const actual = name === 'bucket' ? bucket : fields[name];
      if (actual !== value)
        throw new S3Error(
          'AccessDenied',
          `Invalid according to Policy: Policy Condition failed: ["eq", "$${name}", "${String(value)}"]`,
        );
    }
  }
}
