import { serve } from '@hono/node-server';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningSimulator } from '../../cli/serve.ts';
import { createPortal } from './app.ts';

// The portal in a real browser: Debian's chromium, driven by playwright-core, against a simulator
// on a manual clock that the test moves through the control plane. Where no browser can run the
// tests are skipped with the reason, never passed.

/** Debian's chromium; CHROMIUM_PATH names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the README's screenshots are written when asked (PORTAL_SCREENSHOTS=examples/portal/screenshots). */
const SHOTS = process.env.PORTAL_SCREENSHOTS ?? join(tmpdir(), 'f7t-portal-screenshots');
const WAIT = { timeout: 15_000 };

let browser: Browser | undefined;
let noBrowser = '';

async function startPortal(simUrl: string, version: 'v1' | 'v2') {
  const holder: { fetch?: (request: Request) => Response | Promise<Response> } = {};
  const server = serve({
    fetch: (r: Request) => holder.fetch?.(r) ?? new Response('starting', { status: 503 }),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  holder.fetch = createPortal({
    publicUrl: url,
    oidc: {
      issuer: `${simUrl}/auth`,
      clientId: 'portal',
      clientSecret: undefined,
      scope: 'openid profile offline_access',
    },
    firecrest: { url: `${simUrl}/${version}`, version },
    refreshS: 1,
    workDir: '/home/{username}',
    stageAboveBytes: 64 * 1024,
    siteName: 'cscs-sim',
  }).fetch;
  return { server, url };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    noBrowser = `no browser: ${CHROMIUM} is missing (apt-get install -y chromium)`;
    return;
  }
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  } catch (error) {
    noBrowser = `chromium cannot start here: ${String((error as Error).message).split('\n')[0]}`;
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** A simulator and a portal in front of it, talking FirecREST `version`. */
async function startSite(version: 'v1' | 'v2') {
  // The portal runs on a free port: its client registers no redirect URI, so any loopback one is taken.
  const sim = await startServer({
    port: 0,
    host: '127.0.0.1',
    seed: undefined,
    clients: [],
    publicUrl: undefined,
    // v1 answers through tasks that settle after a second of site time: its site runs on a real
    // clock, which the test still moves on at once through the control plane.
    clock: { mode: version === 'v1' ? 'real' : 'manual' },
    controlPlane: true,
    privateJobs: false,
    login: { logins: [], publicClients: [{ id: 'portal', redirectUris: [] }], redirectUris: {} },
  });
  const portal = await startPortal(sim.url, version);
  return {
    sim,
    portalUrl: portal.url,
    async close() {
      const closed = new Promise((resolve) => portal.server.close(resolve));
      if ('closeAllConnections' in portal.server) portal.server.closeAllConnections();
      await closed;
      await sim.close();
    },
  };
}

const advance = async (sim: RunningSimulator, seconds: number) => {
  const answer = await fetch(`${sim.url}/_sim/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  expect(answer.status).toBe(200);
};

/** Submits a job as a user through the API (client credentials), as another tool of theirs would. */
async function submitAs(sim: RunningSimulator, user: 'alice' | 'bob', name: string, script: string) {
  const token = await fetch(`${sim.url}/auth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: `${user}-client`,
      client_secret: `${user}-secret`,
    }),
  });
  const { access_token } = (await token.json()) as { access_token: string };
  const answer = await fetch(`${sim.url}/v2/compute/daint/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ job: { name, script, workingDirectory: `/home/${user}` } }),
  });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { jobId: string }).jobId;
}

async function logIn(page: Page, portalUrl: string, user: string) {
  await page.goto(portalUrl);
  await page.click('#login');
  await page.fill('#username', user);
  await page.fill('#password', `${user}-password`);
  await page.click('button[type=submit]');
  await page.locator('#user', { hasText: user }).waitFor(WAIT);
}

const jobState = (page: Page, jobId: string, state: string) =>
  page.locator(`#job-rows tr[data-job-id="${jobId}"] td.state`, { hasText: new RegExp(`^${state}$`) }).waitFor(WAIT);

describe.each(['v2', 'v1'] as const)('the example portal on FirecREST %s, in Chromium', (version) => {
  // Above the portal's 64 KiB: v2 stages it; v1 (no staged upload in the portal) sends it directly.
  const dataset = randomBytes(300 * 1024);
  let aliceJob = '';
  let site: Awaited<ReturnType<typeof startSite>>;
  beforeAll(async () => {
    site = await startSite(version);
  }, 60_000);
  afterAll(async () => {
    await site.close();
  });

  test('alice logs in, watches a job, submits one, runs the beamline flow and logs out', async (ctx) => {
    if (!browser) return ctx.skip(noBrowser);
    await mkdir(SHOTS, { recursive: true });
    // bob fills the reservation's two nodes, so alice's job waits for them.
    const reservation = '#SBATCH --reservation=firecrest_api\n#SBATCH --time=00:10:00\n';
    await submitAs(site.sim, 'bob', 'bob-blocker', `#!/bin/bash\n${reservation}#SBATCH --nodes=2\nsleep 60\n`);
    aliceJob = await submitAs(site.sim, 'alice', 'alice-watched', `#!/bin/bash\n${reservation}sleep 30\n`);

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    ctx.onTestFinished(() => page.close());
    await logIn(page, site.portalUrl, 'alice');
    await jobState(page, aliceJob, 'PENDING');
    expect(await page.locator('#job-rows').textContent()).not.toContain('bob-blocker');
    await advance(site.sim, 61);
    await jobState(page, aliceJob, 'RUNNING');
    await advance(site.sim, 31);
    await jobState(page, aliceJob, 'COMPLETED');

    // A job from the form, charged to one of her groups.
    await page.fill('#job-name', 'from-the-form');
    await page.selectOption('#account', 'csstaff');
    await page.click('#submit button[type=submit]');
    const formJob = page.locator('#job-rows tr', { hasText: 'from-the-form' });
    await formJob.waitFor(WAIT);
    expect(await formJob.locator('td.state').textContent()).toMatch(/PENDING|RUNNING/);
    if (version === 'v2') await page.locator('#jobs').screenshot({ path: join(SHOTS, 'portal-jobs.png') });

    // The beamline flow: upload (staged), analysis, results.
    await page.setInputFiles('#dataset', {
      name: 'scan-0042.raw',
      mimeType: 'application/octet-stream',
      buffer: dataset,
    });
    await page.click('#beamline button[type=submit]');
    const run = page.locator('#run-rows tr[data-run-id="1"]');
    await run.waitFor(WAIT);
    expect(await run.textContent()).toContain(version === 'v2' ? 'staged' : 'direct');
    for (let i = 0; i < 20 && !(await run.locator('a.result').count()); i++) {
      await advance(site.sim, 15);
      await page.locator('#run-rows tr[data-run-id="1"] td.stage', { hasText: /analysing|done/ }).waitFor(WAIT);
    }
    await run.locator('a.result').waitFor(WAIT);
    if (version === 'v2') await page.screenshot({ path: join(SHOTS, 'portal-beamline.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), run.locator('a.result').click()]);
    const sha = createHash('sha256').update(dataset).digest('hex');
    const expected = `${sha}  scan-0042.raw\n${dataset.length} scan-0042.raw\n`;
    expect(await readFile(await download.path(), 'utf8')).toBe(expected);

    await page.click('#logout');
    await page.locator('#login').waitFor(WAIT);
    // The issuer's session ended too: logging in again asks for the password.
    await page.click('#login');
    await page.locator('#password').waitFor(WAIT);
  }, 120_000);

  test('bob never sees alice’s jobs or runs', async (ctx) => {
    if (!browser) return ctx.skip(noBrowser);
    if (!aliceJob) return ctx.skip('alice’s part did not run');
    const page = await browser.newPage();
    ctx.onTestFinished(() => page.close());
    await logIn(page, site.portalUrl, 'bob');
    await page.locator('#job-rows tr', { hasText: 'bob-blocker' }).waitFor(WAIT);
    const jobs = (await page.locator('#job-rows').textContent()) ?? '';
    expect(jobs).not.toContain(aliceJob);
    expect(jobs).not.toContain('from-the-form');
    expect(await page.locator('#run-rows').textContent()).toContain('No runs yet.');
    const stolen = await page.goto(`${site.portalUrl}/beamline/1/result`);
    expect(stolen?.status()).toBe(404);
  }, 60_000);
});
