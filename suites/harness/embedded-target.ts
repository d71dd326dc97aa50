// The one file of the suites that may import the simulator: it runs one in-process.
import { generateKeyPair } from 'jose';
import { createSimulator } from '../../simulator/index.ts';
import type { EmbeddedTargetConfig } from './config.ts';
import { createIdentity, type Fetch, type Target } from './target.ts';

// One signing key for the sites a worker starts (each check file starts one; a mutant run starts
// a few): an RSA key costs about 40 ms of CPU to make. The key is never changed, only used.
let workerKey: ReturnType<typeof generateKeyPair> | undefined;
const signingKey = () => (workerKey ??= generateKeyPair('RS256', { modulusLength: 2048, extractable: true }));

export async function createEmbeddedTarget(config: EmbeddedTargetConfig): Promise<Target> {
  const sim = await createSimulator({
    clock: { mode: 'manual' },
    signingKey: await signingKey(),
    ...(config.seed === undefined ? {} : { seed: config.seed }),
  });
  for (const fault of config.faults ?? []) sim.control.injectFault(fault);
  const fetcher: Fetch = (input, init) => sim.fetch(new Request(input, init));
  const tokenUrl = `${sim.issuer}/token`;
  const [alice, bob] = sim.clients;
  if (!alice || !bob) throw new Error('the embedded site needs two clients');
  const identity = (label: 'primary' | 'second', c: typeof alice) =>
    createIdentity(label, fetcher, tokenUrl, { clientId: c.id, clientSecret: c.secret });
  return {
    kind: 'embedded',
    baseUrl: `${sim.publicUrl}/v2`,
    v1BaseUrl: `${sim.publicUrl}/v1`,
    tokenUrl,
    fetch: fetcher,
    primary: identity('primary', alice),
    second: identity('second', bob),
    system: config.system,
    control: {
      // Between two polls the site's background work (streams of a data-mover job) gets its turn,
      // as it would while wall time passes.
      advance: async (seconds) => {
        await new Promise((resolve) => setImmediate(resolve));
        sim.control.advance(seconds);
      },
      mintToken: (o) =>
        sim.control.mintToken({
          username: o.username,
          ...(o.ttl === undefined ? {} : { ttlS: o.ttl }),
          ...(o.issuer === undefined ? {} : { issuer: o.issuer }),
        }),
    },
    jobBudgetS: 3600,
    expiredToken: undefined,
    agingToken: undefined,
    run: config.run ?? {},
    close: async () => {},
  };
}
