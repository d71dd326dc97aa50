import { ROOT, type FileSystem } from './engines/fs/index.ts';
import type { SiteState } from './site-state.ts';

function walk(fs: FileSystem, path: string, out: string[]): void {
  for (const { name, stat } of fs.list(ROOT, path)) {
    const child = path === '/' ? `/${name}` : `${path}/${name}`;
    // access times move on reads; everything else a change would show
    out.push(
      `${child} ${stat.type} ${stat.mode.toString(8)} ${stat.uid}:${stat.gid} ${stat.size} ${stat.mtime} ${stat.target ?? ''}`,
    );
    if (stat.type === 'directory') walk(fs, child, out);
  }
}

/**
 * What a request could change of a site, as text: every file (but access times), every job and
 * its state, every v1 task and every staged object. Two equal snapshots are the same site.
 */
export function snapshotSite(state: SiteState): string {
  const lines: string[] = [];
  for (const [system, fs] of state.filesystems) {
    lines.push(`fs ${system}`);
    walk(fs, '/', lines);
  }
  for (const system of state.site.systems) {
    for (const user of state.site.users) {
      for (const job of state.scheduler.list(system.name, user))
        lines.push(`job ${system.name} ${job.id} ${job.state}`);
    }
  }
  for (const user of state.site.users) {
    for (const task of state.tasks.list(user.name)) lines.push(`task ${task.id} ${JSON.stringify(task)}`);
  }
  for (const bucket of state.objects.buckets()) {
    const objects = state.objects.list(bucket.name, {}).contents.map((o) => `${o.key}:${o.etag}`);
    lines.push(`bucket ${bucket.name} ${objects.join(' ')}`);
  }
  return lines.join('\n');
}
