import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { expiredToken } from '../harness/expired-token.ts';
import { expectEnvelope, expectThat, useHarness, type CheckContext, type Exchange } from '../harness/index.ts';

const { check } = useHarness();

/** A well-formed token of an issuer the site has never heard of, with a key id of its own. */
async function foreignIssuerToken(username: string, issuer: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ preferred_username: username, scope: 'openid' })
    .setProtectedHeader({ alg: 'RS256', kid: 'f7t-foreign-issuer' })
    .setIssuer(issuer)
    .setSubject(username)
    .setAudience('account')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

function expectUnauthorized(answer: Exchange) {
  expectThat(answer, answer.status === 401, 'expected 401');
  expectEnvelope(answer);
}

async function tokenRequest(t: CheckContext, form: Record<string, string>, basic?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${basic}`;
  const response = await t.target.fetch(t.target.tokenUrl, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // judged by the checks below
  }
  return { status: response.status, body, text };
}

function expectToken(t: CheckContext, answer: { status: number; body: Record<string, unknown>; text: string }) {
  if (answer.status !== 200)
    throw new Error(`[POST] ${t.target.tokenUrl} -> ${answer.status}: ${answer.text.slice(0, 200)}`);
  if (typeof answer.body.access_token !== 'string') throw new Error('no access_token in the answer');
  if (String(answer.body.token_type).toLowerCase() !== 'bearer')
    throw new Error(`token_type is ${String(answer.body.token_type)}`);
  if (typeof answer.body.expires_in !== 'number')
    throw new Error(`expires_in is ${JSON.stringify(answer.body.expires_in)}, not a number`);
}

check('V2-AUTH-TOKEN-001', 'issues a token for client_secret_post', async (t) => {
  const { clientId, clientSecret } = t.target.primary.credentials;
  expectToken(
    t,
    await tokenRequest(t, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  );
});

check('V2-AUTH-TOKEN-002', 'issues a token for client_secret_basic', async (t) => {
  const { clientId, clientSecret } = t.target.primary.credentials;
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  expectToken(t, await tokenRequest(t, { grant_type: 'client_credentials' }, basic));
});

check('V2-AUTH-TOKEN-003', 'refuses a wrong client secret with invalid_client', async (t) => {
  const { clientId } = t.target.primary.credentials;
  const answer = await tokenRequest(t, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: 'not-the-secret-f7t',
  });
  if (answer.status !== 400 && answer.status !== 401) throw new Error(`expected 400 or 401, got ${answer.status}`);
  if (answer.body.error !== 'invalid_client')
    throw new Error(`error is ${JSON.stringify(answer.body.error)}, not invalid_client`);
});

check('V2-AUTH-TOKEN-004', 'refuses an unsupported grant type', async (t) => {
  const { clientId, clientSecret } = t.target.primary.credentials;
  const answer = await tokenRequest(t, {
    grant_type: 'urn:f7t:no-such-grant',
    client_id: clientId,
    client_secret: clientSecret,
  });
  if (answer.status !== 400) throw new Error(`expected 400, got ${answer.status}`);
  if (answer.body.error !== 'unsupported_grant_type') throw new Error(`error is ${JSON.stringify(answer.body.error)}`);
});

check('V2-AUTH-TOKEN-005', 'issues JWTs with iss, exp and preferred_username', async (t) => {
  const claims = decodeJwt(await t.target.primary.token());
  for (const claim of ['iss', 'exp', 'preferred_username']) {
    if (claims[claim] === undefined) throw new Error(`the access token has no ${claim} claim`);
  }
});

check('V2-AUTH-MISSING-001', 'answers 401 without a token', async (t) => {
  expectUnauthorized(await t.api.get('/status/systems', { auth: 'none' }));
});

check('V2-AUTH-MISSING-002', 'asks for a Bearer token', async (t) => {
  const answer = await t.api.get('/status/systems', { auth: 'none' });
  expectThat(
    answer,
    /^bearer/i.test(answer.headers.get('www-authenticate') ?? ''),
    'no WWW-Authenticate: Bearer header',
  );
});

check('V2-AUTH-SCHEME-001', 'answers 401 for Basic credentials', async (t) => {
  const { clientId, clientSecret } = t.target.primary.credentials;
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
  expectUnauthorized(await t.api.get('/status/systems', { auth: { authorization: `Basic ${basic}` } }));
});

check('V2-AUTH-GARBAGE-001', 'answers 401 for a bearer value that is no JWT', async (t) => {
  expectUnauthorized(await t.api.get('/status/systems', { auth: { bearer: 'not-a-jwt' } }));
});

check('V2-AUTH-SIGNATURE-001', 'answers 401 for a token with a changed signature', async (t) => {
  const [header, payload, signature = ''] = (await t.target.primary.token()).split('.');
  const i = Math.floor(signature.length / 2);
  const flipped = signature.slice(0, i) + (signature[i] === 'A' ? 'B' : 'A') + signature.slice(i + 1);
  expectUnauthorized(await t.api.get('/status/systems', { auth: { bearer: `${header}.${payload}.${flipped}` } }));
});

check('V2-AUTH-FORGED-001', 'answers 401 for a token signed by an untrusted key', async (t) => {
  const real = await t.target.primary.token();
  const { privateKey } = await generateKeyPair('RS256');
  const forged = await new SignJWT(decodeJwt(real))
    .setProtectedHeader({ ...decodeProtectedHeader(real), alg: 'RS256' })
    .sign(privateKey);
  expectUnauthorized(await t.api.get('/status/systems', { auth: { bearer: forged } }));
});

check('V2-AUTH-ALG-NONE-001', 'answers 401 for an unsigned token', async (t) => {
  const claims = decodeJwt(await t.target.primary.token());
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  expectUnauthorized(await t.api.get('/status/systems', { auth: { bearer: unsigned } }));
});

check('V2-AUTH-EXPIRED-001', 'answers 401 for an expired token', async (t) => {
  expectUnauthorized(await t.api.get('/status/systems', { auth: { bearer: await expiredToken(t) } }));
});

check('V2-AUTH-ISSUER-001', 'answers 401 for a token from another issuer', async (t) => {
  const issuer = 'https://issuer.invalid/realms/f7t';
  // A simulator signs it with the site's own key, so that only the issuer is wrong; on a live
  // site the token comes from an issuer of the harness's own making, as a stranger's would.
  const foreign = t.target.control
    ? await t.target.control.mintToken({ username: t.username, issuer })
    : await foreignIssuerToken(t.username, issuer);
  expectUnauthorized(await t.api.get('/status/systems', { auth: { bearer: foreign } }));
});
