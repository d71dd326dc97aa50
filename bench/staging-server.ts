// The simulator of the staging bench, in a process of its own so that its RSS is its own: started
// as `serve` starts it, it sends its URL and a token, then its RSS every 50 ms (and on request,
// after a full collection) until it is told to stop. Argument: the data directory, if any.
import { startSite } from '../cli/live-site.ts';

const send = (message: unknown) => process.send?.(message);
const dataDir = process.argv[2];
const running = await startSite({
  controlPlane: true,
  ...(dataDir ? { dataDir } : {}),
});
const token = await running.simulator.control.mintToken({ username: 'alice', ttlS: 3600 });
setInterval(() => send({ rss: process.memoryUsage.rss() }), 50).unref();
process.on('message', (message: string) => {
  if (message === 'settle') {
    globalThis.gc?.();
    const cpu = process.cpuUsage();
    send({ settled: process.memoryUsage.rss(), cpuS: (cpu.user + cpu.system) / 1e6 });
  } else if (message === 'stop') {
    void running.close().then(() => process.exit(0));
  }
});
send({ url: running.url, token });
