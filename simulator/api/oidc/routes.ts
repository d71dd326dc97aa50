import { Hono } from 'hono';
import { OAuthError } from '../../engines/oidc/index.ts';
import type { SimulatorContext } from '../../index.ts';
import type { AppEnv } from '../app.ts';

/** Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: each part form-urlencoded). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const part = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
  try {
    return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export function createOidcRoutes(sim: SimulatorContext) {
  const app = new Hono<AppEnv>();
  app.get('/.well-known/openid-configuration', (c) => c.json(sim.idp.discovery()));
  app.get('/certs', (c) => c.json(sim.idp.jwks()));
  app.get('/jwks', (c) => c.json(sim.idp.jwks()));
  app.post('/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError(400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams(await c.req.text());
    const basic = basicCredentials(c.req.header('authorization'));
    const field = (name: string) => form.get(name) ?? undefined;
    const response = await sim.idp.issueToken({
      grantType: field('grant_type'),
      clientId: basic?.id ?? field('client_id'),
      clientSecret: basic?.secret ?? field('client_secret'),
      scope: field('scope'),
      basic: basic !== undefined,
    });
    c.header('cache-control', 'no-store');
    c.header('pragma', 'no-cache');
    return c.json(response);
  });
  return app;
}
