import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerRuntimeClient, StartedTestContainer } from 'testcontainers';
import { afterAll, expect, test } from 'vitest';

// Ryuk, the reaper testcontainers starts by default, is an image from Docker Hub, which may not be
// reachable; afterAll stops the container instead. Set before testcontainers loads.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
const { GenericContainer, ImageName, Wait, getContainerRuntimeClient } = await import('testcontainers');

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'f7t-conformance.ts');
const baseImage = 'f7t-conformance-base:node24';
const image = 'f7t-conformance:test';

/** A port free on this machine now, for the container to publish: the simulator must know its URL. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port to publish the simulator on');
  return address.port;
}

function runCheck(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'check', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

let container: StartedTestContainer | undefined;

afterAll(async () => {
  await container?.stop();
}, 60_000);

/** The engine testcontainers would use, or why there is none. */
async function findEngine(): Promise<ContainerRuntimeClient | string> {
  try {
    return await getContainerRuntimeClient();
  } catch (error) {
    return `no Docker engine: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
  }
}

test('the image serves a site that check passes', async (ctx) => {
  const engine = await findEngine();
  if (typeof engine === 'string') {
    // Vitest's default reporter does not print a skip's note; the warning carries it to CI logs.
    console.warn(`skipped: ${engine}`);
    return ctx.skip(engine);
  }

  let since = performance.now();
  if (!(await engine.image.exists(ImageName.fromString(baseImage))))
    await promisify(execFile)('bash', [join(root, 'docker', 'base-image.sh'), baseImage]);
  // BuildKit: the classic builder starts a container per step, a full copy of the image under vfs.
  const built = await GenericContainer.fromDockerfile(root)
    .withBuildArgs({ BASE_IMAGE: baseImage })
    .withBuildkit()
    .build(image, { deleteOnExit: false });
  const buildTime = seconds(since);

  // Tokens name the public URL as issuer and presigned S3 URLs point at it: it must be the
  // address this process reaches, so the host port is chosen before the container starts.
  // The site clock is real: check's waits advance it through the control plane, and a faster
  // clock would expire tokens (300 s of site time) within seconds on a busy machine.
  since = performance.now();
  const port = await freePort();
  const origin = `http://${engine.info.containerRuntime.host}:${port}`;
  container = await built
    .withExposedPorts({ container: 8000, host: port })
    .withCommand(['--public-url', origin])
    .withWaitStrategy(Wait.forLogMessage(/FirecREST v2:/))
    .withStartupTimeout(60_000)
    .start();
  const startTime = seconds(since);

  since = performance.now();
  const out = mkdtempSync(join(tmpdir(), 'f7t-image-'));
  try {
    const result = await runCheck([
      '--target',
      `${origin}/v2`,
      '--v1-target',
      `${origin}/v1`,
      '--token-url',
      `${origin}/auth/token`,
      '--client-id',
      'alice-client',
      '--client-secret',
      'alice-secret',
      '--second-client-id',
      'bob-client',
      '--second-client-secret',
      'bob-secret',
      '--control-url',
      `${origin}/_sim`,
      // Two whole profiles: the site's status and errors, and the beamline workflow (staged
      // upload through the container's object store, a job, the download); serve on a port
      // passes every check in cli/cli.test.ts.
      '--filter',
      '^(V2-STATUS|V2-ERRORS|V2-WORKFLOW)-',
      '--out',
      out,
      '--report',
      'console',
    ]);
    console.info(`image built in ${buildTime}, started in ${startTime}, checked in ${seconds(since)}`);
    expect(result.stdout).toMatch(/^\s+core: PASS/m);
    expect(result.stdout).toMatch(/^\s+workflow: PASS/m);
    expect(result.stdout).not.toMatch(/^\s+[\w-]+: (FAIL|INCOMPLETE)/m);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^verdict: PASS/);
    expect(result.code, result.stderr).toBe(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 900_000);
