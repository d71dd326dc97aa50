// Run by the Dockerfile on the copied checkout: keeps in node_modules only the production
// dependencies and what they need (after package-lock.json, as `npm ci --omit=dev` would install),
// then removes the build's own files. The base image has no npm, and the build no registry:
// node_modules comes from the build context and is cut down here.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>;
}

type Lock = Readonly<Record<string, LockEntry>>;

/** Where Node finds `name` from the package at `from` ('' is the root): the nearest node_modules up. */
function resolve(lock: Lock, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (candidate in lock) return candidate;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/** The lock paths of every package reachable from the root's (production) dependencies. */
function runtimeClosure(lock: Lock): Set<string> {
  const keep = new Set<string>();
  const visit = (from: string, names: Iterable<string>) => {
    for (const name of names) {
      const path = resolve(lock, from, name);
      if (path === undefined || keep.has(path)) continue;
      keep.add(path);
      const entry = lock[path] ?? {};
      const peers = Object.keys(entry.peerDependencies ?? {}).filter((p) => !entry.peerDependenciesMeta?.[p]?.optional);
      visit(path, [
        ...Object.keys(entry.dependencies ?? {}),
        ...Object.keys(entry.optionalDependencies ?? {}),
        ...peers,
      ]);
    }
  };
  visit('', Object.keys(lock['']?.dependencies ?? {}));
  return keep;
}

/** Removes every package under `dir`/node_modules whose lock path is not kept, and npm's dot files. */
function prune(root: string, dir: string, keep: ReadonlySet<string>): void {
  const modules = dir === '' ? 'node_modules' : `${dir}/node_modules`;
  if (!existsSync(join(root, modules))) return;
  for (const name of readdirSync(join(root, modules))) {
    const names = name.startsWith('@') ? readdirSync(join(root, modules, name)).map((sub) => `${name}/${sub}`) : [name];
    for (const pkg of names) {
      const path = `${modules}/${pkg}`;
      if (keep.has(path)) prune(root, path, keep);
      else rmSync(join(root, path), { recursive: true, force: true });
    }
    if (name.startsWith('@') && readdirSync(join(root, modules, name)).length === 0)
      rmSync(join(root, modules, name), { recursive: true });
  }
}

const root = join(import.meta.dirname, '..');
const lock = (JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Lock }).packages;
prune(root, '', runtimeClosure(lock));
rmSync(import.meta.dirname, { recursive: true });
// testcontainers adds the Dockerfile to the context even when .dockerignore leaves it out.
rmSync(join(root, 'Dockerfile'), { force: true });
