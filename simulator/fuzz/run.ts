import fc from 'fast-check';
import { loadSpec } from '../../spec/load.ts';
import { credentialsOf } from '../engines/slurm/index.ts';
import { createSimulator, type Simulator } from '../index.ts';
import { snapshotSite } from '../snapshot.ts';
import { hostileRequests, type GeneratedRequest, type SiteRef, type TokenKind } from './generate.ts';
import { listedQuirk, partialOnFailure } from './quirks.ts';

export interface FuzzOptions {
  readonly seed: number;
  /** Generated requests (fast-check runs); shrinking a failure adds a few more. */
  readonly count: number;
  /** The site is rebuilt every so many requests, so that snapshots stay small. */
  readonly resetEvery?: number;
  readonly livenessEvery?: number;
}

export interface FuzzReport {
  readonly seed: number;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** 5xx answers that a real deployment gives too, by quirk id. */
  readonly listed5xx: Readonly<Record<string, number>>;
  readonly unlisted5xx: number;
  readonly livenessProbes: number;
  readonly worstLivenessMs: number;
  /** fast-check's report of the shrunk counterexample, when a property failed. */
  readonly failure: string | undefined;
}

interface Fixtures {
  readonly refs: Record<SiteRef, string>;
}

/** Things of the site the generated requests may name: each user's job, task, file. */
function seedFixtures(sim: Simulator): Fixtures {
  const { state } = sim;
  const alice = state.user('alice');
  const bob = state.user('bob');
  if (!alice || !bob) throw new Error('[fuzz] the default site has alice and bob');
  const fs = state.filesystem('daint');
  fs.writeFile(credentialsOf(alice), '/home/alice/file.txt', 'hello\n');
  fs.mkdir(credentialsOf(alice), '/home/alice/dir');
  fs.writeFile(credentialsOf(bob), '/home/bob/secret.txt', 'secret\n');
  const script = '#!/bin/bash\nsleep 600\n';
  const job = state.scheduler.submit('daint', alice, { script, workingDirectory: '/home/alice' });
  const other = state.scheduler.submit('daint', bob, { script, workingDirectory: '/home/bob' });
  const task = state.tasks.create('alice', 'compute', 'daint', { status: '200', data: 'done' });
  const otherTask = state.tasks.create('bob', 'compute', 'daint', { status: '200', data: 'done' });
  return {
    refs: {
      '@job': String(job.id),
      '@otherJob': String(other.id),
      '@task': task.id,
      '@otherTask': otherTask.id,
      '@file': '/home/alice/file.txt',
      '@otherFile': '/home/bob/secret.txt',
      '@dir': '/home/alice/dir',
    },
  };
}

async function mintTokens(sim: Simulator): Promise<Record<TokenKind, string | undefined>> {
  const alice = await sim.control.mintToken({ username: 'alice', ttlS: 86_400 });
  const [header = '', payload = ''] = alice.split('.');
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const flipped = alice.slice(0, -2) + (alice.endsWith('A') ? 'BB' : 'AA');
  return {
    alice: `Bearer ${alice}`,
    bob: `Bearer ${await sim.control.mintToken({ username: 'bob', ttlS: 86_400 })}`,
    none: undefined,
    'empty-bearer': 'Bearer ',
    garbage: 'Bearer not.a.jwt',
    basic: `Basic ${Buffer.from('alice:alice-password').toString('base64')}`,
    'alg-none': `Bearer ${none}.${payload}.`,
    'bad-signature': `Bearer ${header ? flipped : alice}`,
    expired: `Bearer ${await sim.control.mintToken({ username: 'alice', ttlS: -120 })}`,
    'unknown-user': `Bearer ${await sim.control.mintToken({ username: 'mallory', ttlS: 86_400 })}`,
    huge: `Bearer ${'a'.repeat(20_000)}`,
  };
}

/** The Request a generated one stands for, or undefined when fetch itself cannot build it. */
export function toRequest(
  g: GeneratedRequest,
  refs: Record<SiteRef, string>,
  tokens: Record<TokenKind, string | undefined>,
): Request | undefined {
  const resolve = (v: string) => (v in refs ? refs[v as SiteRef] : v);
  const path = g.path
    .map((s) => (typeof s === 'string' ? s : s.raw ? resolve(s.value) : encodeURIComponent(resolve(s.value))))
    .join('');
  const query = new URLSearchParams(g.query.map(([k, v]): [string, string] => [k, resolve(v)]));
  const headers = new Headers(g.headers);
  const token = tokens[g.token];
  if (token !== undefined) headers.set('authorization', token);
  let body: string | FormData | URLSearchParams | undefined;
  if (g.body.kind === 'json') {
    body = JSON.stringify(g.body.value) ?? '';
    headers.set('content-type', g.body.contentType);
  } else if (g.body.kind === 'raw') {
    body = g.body.text;
    if (g.body.contentType) headers.set('content-type', g.body.contentType);
  } else if (g.body.kind === 'form') {
    const entries = Object.entries(g.body.fields).map(([k, v]): [string, string] => [k, resolve(v)]);
    if (g.body.multipart) {
      const form = new FormData();
      for (const [k, v] of entries) form.append(k, v);
      body = form;
    } else body = new URLSearchParams(entries);
  }
  const q = query.toString();
  try {
    return new Request(`http://localhost/${g.generation}${path}${q ? `?${q}` : ''}`, {
      method: g.method,
      headers,
      ...(body === undefined || g.method === 'GET' || g.method === 'HEAD' ? {} : { body }),
    });
  } catch {
    return undefined;
  }
}

/** The generation's error shape: v2's envelope, v1's `{description, error}` (or its gateway's message). */
export function errorShapeProblem(generation: string, status: number, contentType: string, text: string): string {
  if (status === 400 && text === 'Invalid HTTP request received.') return ''; // uvicorn's own refusal
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON (${contentType}): ${text.slice(0, 80)}`;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return `not an object: ${text.slice(0, 80)}`;
  const b = body as Record<string, unknown>;
  if (generation === 'v2') {
    return typeof b.errorType === 'string' && typeof b.message === 'string'
      ? ''
      : `not v2's envelope: ${text.slice(0, 120)}`;
  }
  const words = ['description', 'error', 'message'].filter((k) => typeof b[k] === 'string');
  return words.length > 0 ? '' : `not v1's error shape: ${text.slice(0, 120)}`;
}

/** A request that takes over 10 s is a failure of its own: the site must answer or refuse. */
async function withinTime(sim: Simulator, request: Request): Promise<{ answer: Response; text: string }> {
  const what = `[${request.method}] ${request.url.slice(0, 200)}`;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within 10 s: ${what}`)), 10_000);
  });
  try {
    return await Promise.race([
      sim.fetch(request).then(async (answer) => ({ answer, text: await answer.text() })),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends generated hostile requests to an in-process simulator and checks the properties of issue 14. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const resetEvery = options.resetEvery ?? 50;
  const livenessEvery = options.livenessEvery ?? 50;
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const specs = await Promise.all([loadSpec('v1'), loadSpec('v2')]);
  const tokens = await mintTokens(sim);
  const statuses: Record<string, number> = {};
  const listed5xx: Record<string, number> = {};
  let unlisted5xx = 0;
  let requests = 0;
  let livenessProbes = 0;
  let worstLivenessMs = 0;
  let fixtures = seedFixtures(sim);

  const property = async (g: GeneratedRequest): Promise<void> => {
    if (requests % resetEvery === 0) {
      sim.control.reset();
      fixtures = seedFixtures(sim);
    }
    requests++;
    if (requests % livenessEvery === 0) {
      const started = performance.now();
      const live = await sim.fetch(new Request('http://localhost/v2/status/liveness/'));
      worstLivenessMs = Math.max(worstLivenessMs, performance.now() - started);
      livenessProbes++;
      if (live.status !== 200) throw new Error(`liveness answered ${live.status}`);
    }
    const request = toRequest(g, fixtures.refs, tokens);
    if (!request) return;
    const before = snapshotSite(sim.state);
    const { answer, text } = await withinTime(sim, request);
    const { status } = answer;
    statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    const where = `[${request.method}] ${request.url.slice(0, 200)} -> ${status} ${text.slice(0, 300)}`;
    if (status >= 500) {
      const quirk = listedQuirk(g, status, text);
      if (!quirk) {
        unlisted5xx++;
        throw new Error(`a 5xx no real deployment gives: ${where}`);
      }
      listed5xx[quirk] = (listed5xx[quirk] ?? 0) + 1;
    }
    if (status >= 400) {
      const problem = errorShapeProblem(g.generation, status, answer.headers.get('content-type') ?? '', text);
      if (problem) throw new Error(`error shape: ${problem}; ${where}`);
      if (!partialOnFailure.has(g.operation) && snapshotSite(sim.state) !== before) {
        throw new Error(`a refused request changed the site: ${where}`);
      }
    }
  };

  const details = await fc.check(fc.asyncProperty(hostileRequests(specs), property), {
    seed: options.seed,
    numRuns: options.count,
  });
  return {
    seed: options.seed,
    requests,
    statuses,
    listed5xx,
    unlisted5xx,
    livenessProbes,
    worstLivenessMs: Math.round(worstLivenessMs * 10) / 10,
    failure: details.failed ? `${String(details.errorInstance)}\n${fc.defaultReportMessage(details) ?? ''}` : undefined,
  };
}

/** The report as the test and the CLI print it. */
export function formatFuzzReport(report: FuzzReport): string {
  const byStatus = Object.entries(report.statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  const listed = Object.entries(report.listed5xx)
    .map(([q, n]) => `${q}: ${n}`)
    .join(', ');
  return [
    `fuzz seed ${report.seed}: ${report.requests} generated requests`,
    `  statuses: ${byStatus}`,
    `  5xx kept on purpose (README, differences): ${listed || 'none'}`,
    `  5xx outside the listed deviations: ${report.unlisted5xx}`,
    `  liveness: ${report.livenessProbes} probes, all 200, slowest ${report.worstLivenessMs} ms`,
    ...(report.failure ? [`  FAILED:\n${report.failure}`] : []),
  ].join('\n');
}
