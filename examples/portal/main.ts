import { serve } from '@hono/node-server';
import { createPortal, type PortalConfig } from './app.ts';

// `npm run portal`: the example portal, by default against `f7t-conformance serve` on port 8000.
// The environment is read here only; the portal gets a frozen config.

function readConfig(env: NodeJS.ProcessEnv): PortalConfig & { port: number; host: string } {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
    return value;
  };
  const version = env.FIRECREST_API_VERSION ?? 'v2';
  if (version !== 'v1' && version !== 'v2') throw new Error('FIRECREST_API_VERSION must be v1 or v2');
  const port = number('PORTAL_PORT', 8300);
  const host = env.PORTAL_HOST ?? '127.0.0.1';
  return Object.freeze({
    port,
    host,
    publicUrl: (env.PORTAL_URL ?? `http://${host}:${port}`).replace(/\/+$/, ''),
    oidc: Object.freeze({
      issuer: env.OIDC_ISSUER ?? 'http://127.0.0.1:8000/auth',
      clientId: env.OIDC_CLIENT_ID ?? 'portal',
      clientSecret: env.OIDC_CLIENT_SECRET || undefined,
      scope: env.OIDC_SCOPE ?? 'openid profile email offline_access',
    }),
    firecrest: Object.freeze({
      url: env.FIRECREST_URL ?? `http://127.0.0.1:8000/${version}`,
      version,
    }),
    refreshS: number('PORTAL_REFRESH_S', 15),
    workDir: env.PORTAL_WORKDIR ?? '/home/{username}',
    stageAboveBytes: number('PORTAL_STAGE_ABOVE_BYTES', 1024 * 1024),
    siteName: env.PORTAL_SITE_NAME ?? 'HPC site',
  });
}

const config = readConfig(process.env);
const server = serve({ fetch: createPortal(config).fetch, port: config.port, hostname: config.host }, () => {
  process.stdout.write(
    `FirecREST portal on ${config.publicUrl} (FirecREST ${config.firecrest.version} ${config.firecrest.url}, issuer ${config.oidc.issuer}, client ${config.oidc.clientId})\n`,
  );
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
