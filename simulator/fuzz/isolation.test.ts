import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadSpec, type LoadedSpec, type Operation } from '../../spec/load.ts';
import { credentialsOf } from '../engines/slurm/index.ts';
import { createSimulator, type Simulator } from '../index.ts';
import { snapshotSite } from '../snapshot.ts';

// Issue 14, item 6: for every operation of both documents that takes a path, a job id or a task id,
// bob aims it at alice's resource. Generated from the documents, not listed: a new operation is
// covered when it appears. Properties: alice's files, jobs and tasks stay as they were, none of
// her data reaches bob, and the answer is the site's (real 2.5.6 and v1.16.6 samples).

const SECRET = 'alice-secret-7f3a';
const TARGET = /path|jobid|job_id|taskid|task_id|^id$|^source|^target/i;

interface Target {
  readonly name: string;
  readonly where: 'path' | 'query' | 'body' | 'header';
  readonly kind: 'path' | 'job' | 'task';
}

function targetsOf(spec: LoadedSpec, op: Operation): Target[] {
  const item = spec.document.paths?.[op.path] as { parameters?: unknown[] } | undefined;
  const params = [...(item?.parameters ?? []), ...(op.object.parameters ?? [])] as { name: string; in: string }[];
  const body = op.object.requestBody as { content?: Record<string, { schema?: { properties?: object } }> } | undefined;
  const fields = Object.values(body?.content ?? {}).flatMap((c) => Object.keys(c.schema?.properties ?? {}));
  const kindOf = (name: string): Target['kind'] =>
    /job/i.test(name) ? 'job' : /task|^id$/i.test(name) ? 'task' : 'path';
  return [
    ...params
      .filter((p) => TARGET.test(p.name))
      .map((p) => ({ name: p.name, where: p.in as Target['where'], kind: kindOf(p.name) })),
    ...fields.filter((f) => TARGET.test(f)).map((f) => ({ name: f, where: 'body' as const, kind: kindOf(f) })),
  ];
}

interface Site {
  readonly sim: Simulator;
  readonly bob: string;
  readonly alice: { job: string; task: string; paths: readonly string[] };
}

async function site(): Promise<Site> {
  const sim = await createSimulator({ clock: { mode: 'manual' } });
  const alice = sim.state.user('alice');
  if (!alice) throw new Error('no alice');
  const fs = sim.state.filesystem('daint');
  fs.writeFile(credentialsOf(alice), '/home/alice/secret.txt', `${SECRET}\n`);
  fs.mkdir(credentialsOf(alice), '/home/alice/dir');
  fs.writeFile(credentialsOf(alice), '/home/alice/dir/inner.txt', `${SECRET}\n`);
  const job = sim.state.scheduler.submit('daint', alice, {
    script: '#!/bin/bash\nsleep 100000000\n',
    workingDirectory: '/home/alice',
  });
  sim.control.advance(1);
  const task = sim.state.tasks.create('alice', 'compute', 'daint', { status: '200', data: SECRET });
  sim.control.advance(10); // the task shows its outcome
  return {
    sim,
    bob: `Bearer ${await sim.control.mintToken({ username: 'bob', ttlS: 3600 })}`,
    alice: {
      job: String(job.id),
      task: task.id,
      paths: ['/home/alice/secret.txt', '/home/alice/dir', '/home/alice/dir/inner.txt'],
    },
  };
}

/** What of the site is alice's: her home, her jobs, her tasks. */
const alicesPart = (snapshot: string, job: string, task: string) =>
  snapshot
    .split('\n')
    .filter((l) => l.startsWith('/home/alice') || l.includes(` ${job} `) || l.includes(task))
    .join('\n');

/** The request bob sends: the target names alice's resource, other fields name bob's own things. */
function requestFor(
  spec: LoadedSpec,
  op: Operation,
  target: Target,
  value: string,
  s: Site,
  multipart: boolean,
): Request {
  let path = `/${spec.generation}${op.path}`.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === target.name ? encodeURIComponent(value) : /job/i.test(name) ? s.alice.job : 'daint',
  );
  const headers = new Headers({ authorization: s.bob, 'x-machine-name': 'daint' });
  if (target.where === 'header') headers.set(target.name, value);
  const query = new URLSearchParams();
  if (target.where === 'query') query.set(target.name, value);
  type Field = { type?: string; enum?: unknown[] };
  // the other fields: bob's own paths, the first allowed value, or left out when optional
  const other = (name: string, field: Field | undefined): unknown => {
    if (/path|source|target/i.test(name)) return `/home/bob/x-${name}`;
    if (field?.enum) return field.enum.includes('none') ? 'none' : field.enum[0];
    if (field?.type === 'boolean') return false;
    if (name === 'owner' || name === 'group') return 'bob';
    if (name === 'mode') return '700';
    if (name === 'command') return 'hostname';
    return field?.type === 'object' ? undefined : 'a';
  };
  const keep = (schema: { required?: string[] } | undefined, k: string, v: unknown) =>
    v !== undefined &&
    (k === target.name || /path|source|target/i.test(k) || (schema?.required ?? []).includes(k) || v !== 'a');
  const fieldsOf = (schema: { properties?: Record<string, Field>; required?: string[] } | undefined) =>
    Object.fromEntries(
      Object.entries(schema?.properties ?? {})
        .map(([k, f]) => [k, k === target.name ? value : other(k, f)] as const)
        .filter(([k, v]) => keep(schema, k, v)),
    );
  const content =
    (op.object.requestBody as { content?: Record<string, { schema?: never }> } | undefined)?.content ?? {};
  let body: string | FormData | URLSearchParams | undefined;
  if (content['application/json']) {
    const fields = fieldsOf(content['application/json'].schema);
    body = JSON.stringify(fields);
    headers.set('content-type', 'application/json');
  } else {
    const schema = (content['multipart/form-data'] ?? content['application/x-www-form-urlencoded'])?.schema;
    if (schema) {
      const fields = Object.entries(fieldsOf(schema));
      if (multipart) {
        const form = new FormData();
        for (const [k, v] of fields) form.append(k, String(v));
        body = form;
      } else body = new URLSearchParams(fields.map(([k, v]): [string, string] => [k, String(v)]));
    }
  }
  // v1 names the path of a GET in the query
  if (spec.generation === 'v1' && op.method === 'GET' && target.where === 'body') query.set(target.name, value);
  const q = query.toString();
  path = `${path}${q ? `?${q}` : ''}`;
  return new Request(`http://localhost${path}`, {
    method: op.method,
    headers,
    ...(body === undefined || op.method === 'GET' ? {} : { body }),
  });
}

/**
 * The site's answer when bob aims an operation at alice's resource, by kind of operation (real
 * 2.5.6 and v1.16.6: permission errors 403 / 400 with the command's words, other users' jobs
 * readable, scancel and srun refusals 500, asynchronous work accepted and failing later).
 */
function answerProblem(generation: string, op: Operation, target: Target, status: number, text: string): string {
  const denied = /Permission denied|Access\/permission denied/.test(text);
  const aboutBob = text.includes('/home/bob/x-');
  const refused = (statuses: number[]) =>
    statuses.includes(status) && (denied || aboutBob) ? '' : 'a refusal naming the permission';
  if (generation === 'v2') {
    if (op.id === 'getJob' || op.id === 'getJobMetadata')
      return status === 200 ? '' : "other users' jobs are readable (200)";
    if (op.id === 'deleteJob' || op.id === 'putJobAttach') return refused([500]);
    if (op.path.includes('/transfer/'))
      return status < 300 || status === 400 ? '' : 'a transfer job, or 400 for its body';
    if (op.id === 'getFileType') return status === 200 && text.includes('cannot open') ? '' : "file -b's 'cannot open'";
    if (op.id === 'postSymlink' && target.name === 'path')
      return status === 201 || aboutBob ? '' : 'ln -s does not read its target';
    if (op.id === 'postUpload') return status === 400 ? '' : '400 (no file in the body)';
    return refused([403, 404]);
  }
  if (op.id === 'v1GetTask')
    return status === 403 && text.includes('Invalid task owner') ? '' : '403 Invalid task owner';
  if (op.id === 'v1GetJob' || op.id === 'v1CancelJob') return status === 200 ? '' : 'a task (200)';
  if (op.id.startsWith('v1Internal') && op.id !== 'v1InternalExtract') return status === 201 ? '' : 'a task (201)';
  if (op.id === 'v1Symlink' && target.name === 'targetPath')
    return status === 201 || aboutBob ? '' : 'ln -s does not read its target';
  if (op.id === 'v1SubmitPath')
    return status === 400 && text.includes('Failed to submit job') ? '' : "400 'Failed to submit job'";
  if (
    op.id === 'v1Upload' ||
    op.id === 'v1ExternalDownload' ||
    op.id === 'v1ExternalUpload' ||
    op.id.endsWith('Extract')
  ) {
    return status === 400 ? '' : '400';
  }
  return refused([400]);
}

const valueFor = (s: Site, kind: Target['kind']) =>
  kind === 'job'
    ? fc.constant(s.alice.job)
    : kind === 'task'
      ? fc.constant(s.alice.task)
      : fc.constantFrom(...s.alice.paths);

describe("isolation: bob can neither read nor change what is alice's", () => {
  test('every operation with a path, job id or task id, in both generations', async () => {
    const specs = await Promise.all([loadSpec('v1'), loadSpec('v2')]);
    const seen: string[] = [];
    for (const spec of specs) {
      for (const op of spec.operations) {
        for (const target of targetsOf(spec, op)) {
          const s = await site();
          await fc.assert(
            fc.asyncProperty(valueFor(s, target.kind), fc.boolean(), async (value, multipart) => {
              const before = alicesPart(snapshotSite(s.sim.state), s.alice.job, s.alice.task);
              const answer = await s.sim.fetch(requestFor(spec, op, target, value, s, multipart));
              const text = await answer.text();
              s.sim.control.advance(120);
              const after = alicesPart(snapshotSite(s.sim.state), s.alice.job, s.alice.task);
              const what = `${spec.generation} ${op.id} ${target.name}=${value} -> ${answer.status} ${text.slice(0, 160)}`;
              expect(after, what).toBe(before);
              expect(text, what).not.toContain(SECRET);
              expect(answerProblem(spec.generation, op, target, answer.status, text), what).toBe('');
              seen.push(what);
            }),
            { seed: 6, numRuns: 3 },
          );
        }
      }
    }
    const operations = new Set(seen.map((w) => w.split(' ').slice(0, 2).join(' ')));
    console.log(`isolation: ${seen.length} requests by bob at alice's things, ${operations.size} operations`);
    expect(operations.size).toBeGreaterThan(50);
  }, 60_000);
});
