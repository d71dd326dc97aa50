import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createAuth, type PendingLogin, type Tokens } from './auth.ts';
import { RESULT_FILE, advanceRun, startRun, type BeamlineRun } from './beamline.ts';
import { createFirecrest } from './firecrest.ts';
import { dashboard, errorPage, jobRows, runRows, welcomePage } from './pages.ts';

export interface PortalConfig {
  /** Where browsers reach the portal, e.g. `http://127.0.0.1:8300`. */
  readonly publicUrl: string;
  readonly oidc: {
    readonly issuer: string;
    readonly clientId: string;
    readonly clientSecret: string | undefined;
    readonly scope: string;
  };
  readonly firecrest: { readonly url: string; readonly version: 'v1' | 'v2' };
  /** How often the job table refreshes itself, in seconds. */
  readonly refreshS: number;
  /** The user's working directory on the system; `{username}` is replaced. */
  readonly workDir: string;
  /** Data sets above this size go through the staged transfer. */
  readonly stageAboveBytes: number;
  /** The site's name on the welcome page. */
  readonly siteName: string;
}

interface Session {
  tokens: Tokens;
  system: string | undefined;
  flash: string | undefined;
}

const SESSION = 'portal_session';
const LOGIN = 'portal_login';
const id = () => randomBytes(24).toString('base64url');

/** The portal: one instance holds its sessions and runs; two portals in a process share nothing. */
export function createPortal(config: PortalConfig) {
  const auth = createAuth({
    ...config.oidc,
    redirectUri: `${config.publicUrl}/callback`,
    postLogoutUri: `${config.publicUrl}/`,
  });
  const api = createFirecrest({ ...config.firecrest, stageAboveBytes: config.stageAboveBytes });
  const sessions = new Map<string, Session>();
  const pending = new Map<string, PendingLogin>();
  /** Beamline runs by user name: a user sees their own, from any session. */
  const runs = new Map<string, BeamlineRun[]>();
  let nextRun = 1;
  const cookie = { path: '/', httpOnly: true, sameSite: 'Lax' } as const;

  /** The caller's session with a token that has a minute left; undefined when logged out. */
  const sessionOf = async (c: Context) => {
    const session = sessions.get(getCookie(c, SESSION) ?? '');
    if (!session) return undefined;
    try {
      session.tokens = await auth.fresh(session.tokens);
    } catch {
      sessions.delete(getCookie(c, SESSION) ?? '');
      return undefined;
    }
    return session;
  };
  const runsOf = (username: string) => runs.get(username) ?? [];
  const workDir = (session: Session) => config.workDir.replaceAll('{username}', session.tokens.username);
  const systemOf = async (session: Session) => (session.system ??= (await api.systems(session.tokens.accessToken))[0]);
  const advanceAll = async (session: Session) => {
    for (const run of runsOf(session.tokens.username)) await advanceRun(api, session.tokens.accessToken, run);
  };

  const app = new Hono();
  app.onError((error, c) => c.html(errorPage(error.message), 502));

  app.get('/', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.html(welcomePage(config.siteName));
    const token = session.tokens.accessToken;
    const systems = await api.systems(token);
    const system = (await systemOf(session)) ?? '';
    const [accounts, jobs] = await Promise.all([api.accounts(token, system), api.jobs(token, system)]);
    await advanceAll(session);
    const error = session.flash;
    session.flash = undefined;
    return c.html(
      dashboard({
        username: session.tokens.username,
        systems,
        system,
        accounts,
        jobs,
        runs: runsOf(session.tokens.username),
        refreshS: config.refreshS,
        workDir: workDir(session),
        error,
      }),
    );
  });

  app.get('/login', async (c) => {
    const { url, pending: login } = await auth.start();
    const key = id();
    pending.set(key, login);
    setCookie(c, LOGIN, key, { ...cookie, maxAge: 600 });
    return c.redirect(url.href, 302);
  });

  app.get('/callback', async (c) => {
    const key = getCookie(c, LOGIN) ?? '';
    const login = pending.get(key);
    pending.delete(key);
    deleteCookie(c, LOGIN, cookie);
    if (!login) return c.html(errorPage('The login expired; please log in again.'), 400);
    const callback = new URL(`${config.publicUrl}/callback`);
    callback.search = new URL(c.req.url).search;
    const tokens = await auth.finish(callback, login);
    const sid = id();
    sessions.set(sid, { tokens, system: undefined, flash: undefined });
    setCookie(c, SESSION, sid, cookie);
    return c.redirect('/', 302);
  });

  app.post('/system', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.redirect('/', 302);
    const { system } = await c.req.parseBody();
    if (typeof system === 'string') session.system = system;
    return c.redirect('/', 302);
  });

  app.get('/jobs', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.text('logged out', 401);
    const jobs = await api.jobs(session.tokens.accessToken, (await systemOf(session)) ?? '');
    return c.html(jobRows(jobs));
  });

  app.post('/jobs', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.redirect('/', 302);
    const form = await c.req.parseBody();
    const text = (name: string) => (typeof form[name] === 'string' ? form[name] : '');
    try {
      await api.submit(session.tokens.accessToken, (await systemOf(session)) ?? '', {
        name: text('name') || 'portal-job',
        script: text('script').replaceAll('\r\n', '\n'),
        workingDirectory: workDir(session),
        account: text('account') || undefined,
      });
    } catch (error) {
      session.flash = `The job was not submitted: ${(error as Error).message}`;
    }
    return c.redirect('/', 302);
  });

  app.post('/beamline', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.redirect('/', 302);
    const { dataset } = await c.req.parseBody();
    if (!(dataset instanceof File) || dataset.name === '') {
      session.flash = 'Pick a data set to upload.';
      return c.redirect('/', 302);
    }
    const runId = nextRun++;
    const username = session.tokens.username;
    try {
      const run = await startRun(
        api,
        session.tokens.accessToken,
        {
          id: runId,
          system: (await systemOf(session)) ?? '',
          dataset: dataset.name.replace(/[^\w.-]/g, '_'),
          bytes: dataset.size,
          directory: `${workDir(session)}/beamline/run-${runId}`,
        },
        new Uint8Array(await dataset.arrayBuffer()),
      );
      runs.set(username, [run, ...runsOf(username)]);
    } catch (error) {
      session.flash = `The beamline run did not start: ${(error as Error).message}`;
    }
    return c.redirect('/', 302);
  });

  app.get('/beamline', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.text('logged out', 401);
    await advanceAll(session);
    return c.html(runRows(runsOf(session.tokens.username)));
  });

  app.get('/beamline/:id/result', async (c) => {
    const session = await sessionOf(c);
    if (!session) return c.redirect('/', 302);
    const run = runsOf(session.tokens.username).find((r) => String(r.id) === c.req.param('id'));
    if (run?.stage !== 'done') return c.html(errorPage('No results for this run.'), 404);
    const bytes = await api.download(session.tokens.accessToken, run.system, `${run.directory}/${RESULT_FILE}`);
    return c.body(bytes.buffer as ArrayBuffer, 200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="run-${run.id}-${RESULT_FILE}"`,
    });
  });

  app.get('/logout', async (c) => {
    const sid = getCookie(c, SESSION) ?? '';
    const session = sessions.get(sid);
    sessions.delete(sid);
    deleteCookie(c, SESSION, cookie);
    return c.redirect((await auth.logoutUrl(session?.tokens)).href, 302);
  });

  return app;
}
