import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `load --embedded`: the simulator runs as `serve` in a child process, so the load generator's
// event loop measures the site and not itself (one loop doing both would serialise the two).

const bin = fileURLToPath(new URL('../bin/f7t-conformance.ts', import.meta.url));

export interface ServedSite {
  readonly baseUrl: string;
  readonly tokenUrl: string;
  /** The default site's clients (`serve` prints them; they are no secret of anyone's). */
  readonly identities: readonly { clientId: string; clientSecret: string }[];
  close(): Promise<void>;
}

/** Starts `f7t-conformance serve --port 0` and reads its URLs from what it prints. */
export function startServedSite(seed: number | undefined, timeoutMs = 60_000): Promise<ServedSite> {
  const args = [bin, 'serve', '--port', '0', ...(seed === undefined ? [] : ['--seed', String(seed)])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  // The child must not outlive the command, also when the command ends on an error.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      void close().then(() => reject(new Error(`load --embedded: serve ${why}${err ? `: ${err.trim()}` : ''}`)));
    };
    const timer = setTimeout(() => fail(`printed no URLs within ${timeoutMs / 1000} s`), timeoutMs);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const early = (code: number | null) => fail(`ended (exit ${code ?? 'by a signal'}) before it served`);
    child.once('exit', early);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const v2 = /FirecREST v2:\s+(\S+)/.exec(out)?.[1];
      const tokenUrl = /token URL:\s+(\S+)/.exec(out)?.[1];
      const clients = [...out.matchAll(/^\s+(\S+) \/ (\S+)\s+-> \S+$/gm)];
      if (!v2 || !tokenUrl || !/clients \(client_credentials\):[\s\S]*browser login/.test(out)) return;
      clearTimeout(timer);
      child.removeListener('exit', early);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        baseUrl: v2,
        tokenUrl,
        identities: clients.map((m) => ({ clientId: m[1] ?? '', clientSecret: m[2] ?? '' })),
        close: async () => {
          process.removeListener('exit', killOnExit);
          await close();
        },
      });
    });
  });
}
