const SECRET_HEADERS = new Set(['authorization', 'auth-token', 'cookie', 'set-cookie']);
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const SECRET_FIELDS = /("?(?:access_token|client_secret|refresh_token|id_token)"?\s*[:=]\s*"?)[^"&\s,}]+/g;

// A presigned URL's signature grants access until it expires: the reports keep the URL, not that.
const URL_SIGNATURE = /((?:X-Amz-Signature|Signature|X-Amz-Security-Token)=)[^&"\s<]+/g;

export function redactText(text: string): string {
  return text
    .replace(JWT, '<redacted-jwt>')
    .replace(SECRET_FIELDS, '$1<redacted>')
    .replace(URL_SIGNATURE, '$1<redacted>');
}

export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return Object.fromEntries(
    entries.map(([k, v]) => {
      const key = k.toLowerCase();
      if (!SECRET_HEADERS.has(key)) return [key, redactText(v)];
      const scheme = /^(Bearer|Basic)\s/i.exec(v)?.[1];
      return [key, scheme ? `${scheme} <redacted>` : '<redacted>'];
    }),
  );
}
