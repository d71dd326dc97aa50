import { serve as serveHttp, type Http2Bindings, type HttpBindings, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { ClientShape, LoginShape, PublicClientShape, SiteShape } from '../fixtures/site-shape.ts';
import type { ClockMode } from '../simulator/engines/clock/index.ts';
import { createSimulator, type Simulator } from '../simulator/index.ts';

export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly seed: number | undefined;
  readonly clients: readonly ClientShape[];
  readonly publicUrl: string | undefined;
  readonly clock: { readonly mode: ClockMode; readonly scale?: number };
  readonly controlPlane: boolean;
  readonly privateJobs: boolean;
  /** The site's shape (from a site profile); the default site when absent. */
  readonly site?: SiteShape | undefined;
  /** How long the issuer's tokens live (default 300 s, as Keycloak's). */
  readonly tokenTtlS?: number | undefined;
  /** Keep file and object bytes under this directory instead of in memory. */
  readonly dataDir?: string | undefined;
  /** The browser login: passwords, public clients (default `portal`), registered redirect URIs. */
  readonly login?: {
    readonly logins: readonly LoginShape[];
    readonly publicClients: readonly PublicClientShape[] | undefined;
    readonly redirectUris: Readonly<Record<string, readonly string[]>>;
  };
}

export interface RunningSimulator {
  readonly simulator: Simulator;
  readonly server: ServerType;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the simulator on a port. The port is bound first so that port 0 can name its issuer. */
export async function startServer(config: ServeConfig): Promise<RunningSimulator> {
  const started: { simulator?: Simulator } = {};
  const server = serveHttp({
    // The app gets node-server's bindings: S3 reads large bodies from the socket's message itself.
    fetch: (request: Request, env: HttpBindings | Http2Bindings) =>
      started.simulator
        ? started.simulator.app.fetch(request, env)
        : new Response('starting', { status: 503, headers: { 'retry-after': '1' } }),
    port: config.port,
    hostname: config.host,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = config.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const simulator = await createSimulator({
    publicUrl: url,
    clients: config.clients,
    clock: config.clock,
    controlPlane: config.controlPlane,
    privateJobs: config.privateJobs,
    ...(config.site ? { site: config.site } : {}),
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    ...(config.tokenTtlS === undefined ? {} : { tokenTtlS: config.tokenTtlS }),
    ...(config.login?.logins.length ? { logins: config.login.logins } : {}),
    ...(config.login?.publicClients ? { publicClients: config.login.publicClients } : {}),
    ...(config.login ? { redirectUris: config.login.redirectUris } : {}),
    ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
  });
  started.simulator = simulator;
  return {
    simulator,
    server,
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      // What the site wrote to its data directory goes when it stops.
      await simulator.state.close();
    },
  };
}

export async function describeServer(running: RunningSimulator, controlPlane: boolean): Promise<string> {
  const { simulator, url } = running;
  // What a centre saves from its own issuer for the expired-token check (`expiredToken`).
  const [first] = simulator.clients;
  const expired = first ? await simulator.control.mintToken({ username: first.username, ttlS: -3600 }) : '';
  const info = simulator.control.info();
  const width = Math.max(...simulator.clients.map((c) => `${c.id} / ${c.secret}`.length));
  return [
    `f7t-conformance simulator: site ${info.site}, seed ${info.seed}, systems ${info.systems.join(', ')}`,
    `  FirecREST v2:    ${url}/v2`,
    `  FirecREST v1:    ${url}/v1 (system in the X-Machine-Name header)`,
    `  token URL:       ${simulator.issuer}/token`,
    `  OIDC discovery:  ${simulator.issuer}/.well-known/openid-configuration`,
    `  S3 endpoint:     ${simulator.s3.endpoint} (path-style; access key ${simulator.s3.credentials.accessKeyId}, secret ${simulator.s3.credentials.secretAccessKey}, region ${simulator.s3.credentials.region})`,
    controlPlane ? `  control plane:   ${url}/_sim` : '  control plane:   off',
    `  file data:       ${simulator.state.contents.directory ?? 'in memory'}`,
    '  clients (client_credentials):',
    ...simulator.clients.map((c) => `    ${`${c.id} / ${c.secret}`.padEnd(width)}  -> ${c.username}`),
    `  browser login:   ${simulator.issuer}/authorize (authorization code + PKCE; password of a user without --user: NAME-password)`,
    `  public clients:  ${simulator.publicClients.map((c) => `${c.id} -> ${c.redirectUris.join(', ') || 'any loopback URI'}`).join('; ') || 'none'}`,
    ...(expired ? [`  expired token:   ${expired}`] : []),
  ].join('\n');
}
