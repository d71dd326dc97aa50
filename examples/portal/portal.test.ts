import { serve, type ServerType } from '@hono/node-server';
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

let sim: RunningSimulator;
let portal: ServerType;
let portalUrl = '';
let browser: Browser | undefined;
let noBrowser = '';

async function startPortal(simUrl: string) {
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
    firecrest: { url: `${simUrl}/v2`, version: 'v2' },
    refreshS: 1,
    workDir: '/home/{username}',
    stageAboveBytes: 64 * 1024,
    siteName: 'cscs-sim',
  }).fetch;
  return { server, url };
}

beforeAll(async () => {
  // The portal runs on a free port: its client registers no redirect URI, so any loopback one is taken.
  sim = await startServer({
    port: 0,
    host: '127.0.0.1',
    seed: undefined,
    clients: [],
    publicUrl: undefined,
    clock: { mode: 'manual' },
    controlPlane: true,
    privateJobs: false,
    login: { logins: [], publicClients: [{ id: 'portal', redirectUris: [] }], redirectUris: {} },
  });
  ({ server: portal, url: portalUrl } = await startPortal(sim.url));
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
  await new Promise((resolve) => portal.close(resolve));
  await sim.close();
});

const advance = async (seconds: number) => {
  const answer = await fetch(`${sim.url}/_sim/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  expect(answer.status).toBe(200);
};

/** Submits a job as a user through the API (client credentials), as another tool of theirs would. */
async function submitAs(user: 'alice' | 'bob', name: string, script: string) {
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

async function logIn(page: Page, user: string) {
  await page.goto(portalUrl);
  await page.click('#login');
  await page.fill('#username', user);
  await page.fill('#password', `${user}-password`);
  await page.click('button[type=submit]');
  await page.locator('#user', { hasText: user }).waitFor(WAIT);
}

const jobState = (page: Page, jobId: string, state: string) =>
  page.locator(`#job-rows tr[data-job-id="${jobId}"] td.state`, { hasText: new RegExp(`^${state}$`) }).waitFor(WAIT);

describe('the example portal in Chromium', () => {
  const dataset = randomBytes(300 * 1024); // above the portal's 64 KiB: the staged transfer
  let aliceJob = '';

  test('alice logs in, watches a job, submits one, runs the beamline flow and logs out', async (ctx) => {
    if (!browser) return ctx.skip(noBrowser);
    await mkdir(SHOTS, { recursive: true });
    // bob fills the reservation's two nodes, so alice's job waits for them.
    const reservation = '#SBATCH --reservation=firecrest_api\n#SBATCH --time=00:10:00\n';
    await submitAs('bob', 'bob-blocker', `#!/bin/bash\n${reservation}#SBATCH --nodes=2\nsleep 60\n`);
    aliceJob = await submitAs('alice', 'alice-watched', `#!/bin/bash\n${reservation}sleep 30\n`);

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await logIn(page, 'alice');
    await jobState(page, aliceJob, 'PENDING');
    expect(await page.locator('#job-rows').textContent()).not.toContain('bob-blocker');
    await advance(61);
    await jobState(page, aliceJob, 'RUNNING');
    await advance(31);
    await jobState(page, aliceJob, 'COMPLETED');

    // A job from the form, charged to one of her groups.
    await page.fill('#job-name', 'from-the-form');
    await page.selectOption('#account', 'csstaff');
    await page.click('#submit button[type=submit]');
    const formJob = page.locator('#job-rows tr', { hasText: 'from-the-form' });
    await formJob.waitFor(WAIT);
    expect(await formJob.locator('td.state').textContent()).toMatch(/PENDING|RUNNING/);
    await page.locator('#jobs').screenshot({ path: join(SHOTS, 'portal-jobs.png') });

    // The beamline flow: upload (staged), analysis, results.
    await page.setInputFiles('#dataset', {
      name: 'scan-0042.raw',
      mimeType: 'application/octet-stream',
      buffer: dataset,
    });
    await page.click('#beamline button[type=submit]');
    const run = page.locator('#run-rows tr[data-run-id="1"]');
    await run.waitFor(WAIT);
    expect(await run.textContent()).toContain('staged');
    for (let i = 0; i < 20 && !(await run.locator('a.result').count()); i++) {
      await advance(15);
      await page.locator('#run-rows tr[data-run-id="1"] td.stage', { hasText: /analysing|done/ }).waitFor(WAIT);
    }
    await run.locator('a.result').waitFor(WAIT);
    await page.screenshot({ path: join(SHOTS, 'portal-beamline.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), run.locator('a.result').click()]);
    const sha = createHash('sha256').update(dataset).digest('hex');
    const expected = `${sha}  scan-0042.raw\n${dataset.length} scan-0042.raw\n`;
    expect(await readFile(await download.path(), 'utf8')).toBe(expected);

    await page.click('#logout');
    await page.locator('#login').waitFor(WAIT);
    // The issuer's session ended too: logging in again asks for the password.
    await page.click('#login');
    await page.locator('#password').waitFor(WAIT);
    await page.close();
  }, 120_000);

  test('bob never sees alice’s jobs or runs', async (ctx) => {
    if (!browser) return ctx.skip(noBrowser);
    if (!aliceJob) return ctx.skip('alice’s part did not run');
    const page = await browser.newPage();
    await logIn(page, 'bob');
    await page.locator('#job-rows tr', { hasText: 'bob-blocker' }).waitFor(WAIT);
    const jobs = (await page.locator('#job-rows').textContent()) ?? '';
    expect(jobs).not.toContain(aliceJob);
    expect(jobs).not.toContain('from-the-form');
    expect(await page.locator('#run-rows').textContent()).toContain('No runs yet.');
    const stolen = await page.goto(`${portalUrl}/beamline/1/result`);
    expect(stolen?.status()).toBe(404);
    await page.close();
  }, 60_000);
});
