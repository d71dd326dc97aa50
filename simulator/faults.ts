/**
 * Fault injection: per-request overrides on top of the site's behaviour, removed on reset. An
 * HTTP fault answers in place of the site or rewrites its answer (see `Fault`); an engine fault
 * is a switch the engines consult through `EngineFaults`, so they never learn about HTTP.
 */
import {
  MAX_FAULT_DELAY_MS,
  bodyAlterations,
  engineFaultKinds,
  faultPresets,
  jsonTypes,
  s3FaultCodes,
  type BodyAlteration,
  type EngineFaults,
  type Fault,
  type JsonType,
} from '../spec/faults.ts';
import { createRandom } from './engines/site/random.ts';

export type { EngineFaults, Fault } from '../spec/faults.ts';

export interface ActiveFault extends Fault {
  readonly id: number;
  remaining: number;
  readonly matcher: RegExp | undefined;
  /** The fault's own PRNG (seeded by the site's seed and its id), for `probability`. */
  readonly random: () => number;
}

/**
 * Whether a fault strikes now: it has uses left and wins its draw. A strike uses one of its
 * `times`; a lost draw uses none, so `times: 2, probability: 0.5` fails two requests in all.
 */
export function strikes(fault: ActiveFault): boolean {
  if (fault.remaining <= 0) return false;
  if (fault.probability !== undefined && fault.random() >= fault.probability) return false;
  fault.remaining--;
  return true;
}

/** A fault that changes the site's answer (status, fields, bytes or headers). */
export const rewritesAnswer = (f: Fault) => rewrites.some((k) => f[k] !== undefined);

/** A fault that answers in place of the site (no rewrite of its answer). */
export const answersInPlace = (f: Fault) => f.status !== undefined || f.s3Error !== undefined;

const rewrites = [
  'replaceStatus',
  'dropField',
  'renameField',
  'setField',
  'retypeField',
  'dropItem',
  'duplicateItem',
  'alterBody',
  'dropHeader',
  'setHeader',
] as const;

const known = new Set([
  'method',
  'path',
  'query',
  'user',
  'onStatus',
  'status',
  'body',
  ...rewrites,
  's3Error',
  'contentType',
  'delayMs',
  'engine',
  'preset',
  'times',
  'probability',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isStatus = (n: unknown) => Number.isInteger(n) && (n as number) >= 100 && (n as number) <= 599;

function checkFieldPath(name: string, value: unknown, extra: (v: Record<string, unknown>) => string | undefined) {
  if (value === undefined) return;
  if (!isObject(value) || typeof value.path !== 'string') throw new TypeError(`${name} needs {path, ...}`);
  const problem = extra(value);
  if (problem) throw new TypeError(`${name}: ${problem}`);
}

/** Throws a TypeError saying what is wrong with a fault; the control plane answers it as a 400. */
function validate(fault: Fault): void {
  const raw: unknown = fault;
  if (!isObject(raw)) throw new TypeError('a fault is a JSON object');
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new TypeError(`unknown field ${unknown.join(', ')}; fields: ${[...known].join(', ')}`);
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0 && fault.times <= 1_000_000))
    throw new TypeError('times: an integer from 1 to 1,000,000');
  if (
    fault.probability !== undefined &&
    !(typeof fault.probability === 'number' && fault.probability > 0 && fault.probability <= 1)
  )
    throw new TypeError('probability: a number above 0 and at most 1');
  if (fault.engine !== undefined) {
    if (!Object.hasOwn(engineFaultKinds, fault.engine))
      throw new TypeError(`engine: one of ${Object.keys(engineFaultKinds).join(', ')}`);
    const extra = Object.keys(raw).filter((k) => !['engine', 'preset', 'times', 'probability'].includes(k));
    if (extra.length > 0)
      throw new TypeError(`an engine fault takes no ${extra.join(', ')} (only times and probability)`);
    return;
  }
  if (typeof fault.path !== 'string' || !fault.path.startsWith('/') || fault.path.length > 2048)
    throw new TypeError('a fault needs a path starting with / (at most 2048 characters), an engine or a preset');
  if (
    fault.delayMs !== undefined &&
    !(Number.isInteger(fault.delayMs) && fault.delayMs >= 0 && fault.delayMs <= MAX_FAULT_DELAY_MS)
  )
    throw new TypeError(`delayMs: an integer from 0 to ${MAX_FAULT_DELAY_MS}`);
  if (fault.s3Error !== undefined && !s3FaultCodes.includes(fault.s3Error))
    throw new TypeError(`s3Error: one of ${s3FaultCodes.join(', ')}`);
  if (fault.s3Error !== undefined && (fault.status !== undefined || fault.body !== undefined))
    throw new TypeError('s3Error answers with its own status and body: it cannot go with status or body');
  if (fault.contentType !== undefined && (typeof fault.contentType !== 'string' || typeof fault.body !== 'string'))
    throw new TypeError('contentType: a string, for a string body');
  const changes = rewrites.filter((k) => fault[k] !== undefined);
  if (!answersInPlace(fault) && changes.length === 0 && fault.delayMs === undefined)
    throw new TypeError(
      `a fault needs a status, an s3Error, a delayMs, an engine, a preset or one of ${rewrites.join(', ')}`,
    );
  if (answersInPlace(fault) && changes.length > 0)
    throw new TypeError(`status answers in place of the site: it cannot go with ${changes.join(', ')}`);
  if (fault.status !== undefined && !isStatus(fault.status)) throw new TypeError('status must be an HTTP status code');
  if (fault.replaceStatus !== undefined && !isStatus(fault.replaceStatus))
    throw new TypeError('replaceStatus must be an HTTP status code');
  if (fault.onStatus !== undefined && !/^[1-5]([0-9]{2}|xx)$/.test(fault.onStatus))
    throw new TypeError("onStatus: a status such as '404' or a class such as '4xx'");
  if (
    fault.query !== undefined &&
    (!isObject(fault.query) || Object.values(fault.query).some((v) => typeof v !== 'string'))
  )
    throw new TypeError('query: an object of strings');
  for (const key of ['method', 'user', 'dropField', 'dropHeader'] as const)
    if (fault[key] !== undefined && typeof fault[key] !== 'string') throw new TypeError(`${key}: a string`);
  if (fault.renameField !== undefined) {
    const r = fault.renameField as unknown;
    if (!isObject(r) || typeof r.from !== 'string' || typeof r.to !== 'string' || r.to.includes('.'))
      throw new TypeError('renameField needs {from: a dotted path, to: a key}');
  }
  checkFieldPath('setField', fault.setField, (v) => ('value' in v ? undefined : 'a value is required'));
  checkFieldPath('retypeField', fault.retypeField, (v) =>
    jsonTypes.includes(v.to as JsonType) ? undefined : `to: one of ${jsonTypes.join(', ')}`,
  );
  for (const key of ['dropItem', 'duplicateItem'] as const)
    checkFieldPath(key, fault[key], (v) => (v.at === 'first' || v.at === 'last' ? undefined : 'at: first or last'));
  if (fault.alterBody !== undefined && !bodyAlterations.includes(fault.alterBody))
    throw new TypeError(`alterBody: one of ${bodyAlterations.join(', ')}`);
  const header = fault.setHeader as unknown;
  if (
    header !== undefined &&
    (!isObject(header) || typeof header.name !== 'string' || typeof header.value !== 'string')
  )
    throw new TypeError('setHeader needs {name, value} strings');
}

/** The fault a preset names, with the fault's own fields on top. */
function expand(fault: Fault): Fault {
  const raw: unknown = fault;
  if (!isObject(raw) || fault.preset === undefined) return fault;
  if (typeof fault.preset !== 'string' || !Object.hasOwn(faultPresets, fault.preset))
    throw new TypeError(`preset: one of ${Object.keys(faultPresets).join(', ')}`);
  const { preset, ...own } = fault;
  return { ...faultPresets[preset], ...own };
}

/** Checks and compiles a fault; `seed` (the site's) and `id` seed its PRNG. */
export function compileFault(input: Fault, id: number, seed = 0): ActiveFault {
  const fault = expand(input);
  validate(fault);
  const matcher =
    fault.path === undefined
      ? undefined
      : new RegExp(
          `^${fault.path
            .split(/(\*\*|\*)/)
            .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
            .join('')}$`,
        );
  return {
    ...fault,
    id,
    remaining: fault.times ?? Number.POSITIVE_INFINITY,
    matcher,
    random: createRandom((seed ^ Math.imul(id, 0x9e3779b1)) >>> 0),
  };
}

/** HTTP faults that match a request before the site answers it (by method, path and query). */
export function matchFaults(faults: readonly ActiveFault[], method: string, url: URL): ActiveFault[] {
  return faults.filter(
    (f) =>
      f.matcher !== undefined &&
      f.remaining > 0 &&
      (!f.method || f.method.toUpperCase() === method) &&
      f.matcher.test(url.pathname) &&
      Object.entries(f.query ?? {}).every(([k, v]) => url.searchParams.get(k) === v),
  );
}

/** Whether a fault applies to the site's answer (its user and status). */
export function appliesTo(fault: Fault, user: string | undefined, status: number): boolean {
  if (fault.user !== undefined && fault.user !== user) return false;
  if (fault.onStatus === undefined) return true;
  const wanted = fault.onStatus;
  return wanted.endsWith('xx') ? String(status)[0] === wanted[0] : String(status) === wanted;
}

/** The engine switches, read live from the active faults. */
export function engineFaultsOf(faults: readonly ActiveFault[]): EngineFaults {
  return {
    has: (kind) => faults.some((f) => f.engine === kind),
    strikes: (kind) => faults.some((f) => f.engine === kind && strikes(f)),
  };
}

/** Removes a dotted field path from a JSON value, crossing arrays. */
export function dropField(value: unknown, path: string): unknown {
  return atPath(value, path, (parent, key) => {
    delete parent[key];
  });
}

/**
 * Calls `change` on the object holding the last key of `path` (a copy of it), for every match
 * across arrays; the empty path calls it on a wrapper whose `''` key is the value itself.
 */
function atPath(value: unknown, path: string, change: (parent: Record<string, unknown>, key: string) => void): unknown {
  if (path === '') {
    const wrapper: Record<string, unknown> = { '': value };
    change(wrapper, '');
    return wrapper[''];
  }
  const [head = '', ...rest] = path.split('.');
  if (Array.isArray(value)) return value.map((item) => atPath(item, path, change));
  if (!isObject(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  if (rest.length === 0) {
    if (head in copy) change(copy, head);
  } else if (head in copy) copy[head] = atPath(copy[head], rest.join('.'), change);
  return copy;
}

function retype(value: unknown, to: JsonType): unknown {
  switch (to) {
    case 'string':
      return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    case 'number':
      return Number(value);
    case 'boolean':
      return Boolean(value);
    case 'null':
      return null;
  }
}

/** The JSON rewrites of a fault, applied in order to a parsed body. */
export function rewriteJson(body: unknown, fault: Fault): unknown {
  let out = body;
  if (fault.dropField !== undefined) out = dropField(out, fault.dropField);
  const rename = fault.renameField;
  if (rename) {
    out = atPath(out, rename.from, (parent, key) => {
      parent[rename.to] = parent[key];
      delete parent[key];
    });
  }
  if (fault.setField) {
    const { path, value } = fault.setField;
    const cut = path.lastIndexOf('.');
    // Sets the field even where it is absent: the parent path must exist.
    out = atPath(out, cut < 0 ? '' : path.slice(0, cut), (parent, key) => {
      const holder = parent[key];
      if (isObject(holder)) parent[key] = { ...holder, [path.slice(cut + 1)]: value };
      else if (Array.isArray(holder))
        parent[key] = (holder as unknown[]).map((item) =>
          isObject(item) ? { ...item, [path.slice(cut + 1)]: value } : item,
        );
    });
  }
  if (fault.retypeField) {
    const { path, to } = fault.retypeField;
    out = atPath(out, path, (parent, key) => {
      parent[key] = retype(parent[key], to);
    });
  }
  for (const [rule, act] of [
    [fault.dropItem, (list: unknown[], first: boolean) => (first ? list.slice(1) : list.slice(0, -1))],
    [fault.duplicateItem, (list: unknown[], first: boolean) => (first ? [list[0], ...list] : [...list, list.at(-1)])],
  ] as const) {
    if (!rule) continue;
    out = atPath(out, rule.path, (parent, key) => {
      const list = parent[key];
      if (Array.isArray(list) && list.length > 0) parent[key] = act(list, rule.at === 'first');
    });
  }
  return out;
}

/** A body's bytes, altered as a broken proxy or transfer would. */
export function alterBytes(bytes: Uint8Array, how: BodyAlteration): Uint8Array {
  switch (how) {
    case 'flip-first-byte': {
      const copy = Uint8Array.from(bytes);
      if (copy.length > 0) copy[0] = (copy[0] ?? 0) ^ 0x01;
      return copy;
    }
    case 'drop-last-byte':
      return bytes.subarray(0, Math.max(0, bytes.length - 1));
    case 'append-newline':
      return Buffer.concat([bytes, Buffer.from('\n')]);
    case 'crlf':
      return Buffer.from(Buffer.from(bytes).toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
  }
}
