import type { SiteShape } from '../fixtures/site-shape.ts';
import type { EngineFaults } from '../spec/faults.ts';
import { createClock, type Clock, type ClockMode } from './engines/clock/index.ts';
import { ROOT, createFileSystem, type FileSystem } from './engines/fs/index.ts';
import { generateSite } from './engines/site/generate.ts';
import { createNameDirectory, type NameDirectory } from './engines/site/names.ts';
import type { Site, User } from './engines/site/types.ts';
import { createScheduler, type Scheduler } from './engines/slurm/index.ts';
import { createTaskStore, type TaskStore } from './engines/tasks/index.ts';
import { createObjectStore, type ObjectStore } from './engines/objectstore/index.ts';
import { createDiskContentStore, createMemoryContentStore, type ContentStore } from './engines/content/index.ts';

/** Everything a reset throws away and rebuilds: the site, its clock, files and jobs. */
export interface SiteState {
  readonly site: Site;
  readonly clock: Clock;
  readonly filesystems: ReadonlyMap<string, FileSystem>;
  readonly scheduler: Scheduler;
  /** FirecREST v1's asynchronous tasks. */
  readonly tasks: TaskStore;
  /** The S3-compatible staging area. */
  readonly objects: ObjectStore;
  /** Where the bytes of files and objects are kept (memory, or a directory). */
  readonly contents: ContentStore;
  /** Removes what the site wrote outside memory (its data directory); the state is not used after. */
  close(): Promise<void>;
  user(name: string): User | undefined;
  /** Names of uids and gids, as /etc/passwd and /etc/group give them. */
  readonly names: NameDirectory;
  filesystem(system: string): FileSystem;
}

export interface SiteStateOptions {
  readonly shape: SiteShape;
  readonly seed: number;
  readonly clockMode: ClockMode;
  readonly clockScale?: number | undefined;
  readonly privateJobs: boolean;
  /** Epoch ms the site clock starts at; defaults to now. */
  readonly startAt?: number | undefined;
  /** Injected engine faults, consulted by the file systems and the scheduler. */
  readonly faults?: EngineFaults | undefined;
  /** Keep bytes under this directory instead of in memory (see SimulatorOptions.dataDir). */
  readonly dataDir?: string | undefined;
}

export function createSiteState(options: SiteStateOptions): SiteState {
  const startedAt = options.startAt ?? Date.now();
  const clock = createClock({ mode: options.clockMode, scale: options.clockScale, start: startedAt });
  const site = generateSite(options.shape, { seed: options.seed, startedAt });
  const users = new Map(site.users.map((u) => [u.name, u]));
  const contents = options.dataDir ? createDiskContentStore(options.dataDir) : createMemoryContentStore();
  const filesystems = new Map<string, FileSystem>();
  for (const system of site.systems) {
    const fs = createFileSystem({
      now: () => clock.now(),
      contents,
      ...(options.faults ? { faults: options.faults } : {}),
    });
    for (const mount of system.fileSystems) {
      fs.mkdir(ROOT, mount.path, { mode: 0o755, parents: true });
      fs.chmod(ROOT, mount.path, mount.mode ?? 0o755);
      if (!mount.perUser) continue;
      for (const user of site.users) {
        const dir = `${mount.path}/${user.name}`;
        fs.mkdir(ROOT, dir, { mode: 0o700 });
        fs.chown(ROOT, dir, user.uid, user.gid);
      }
    }
    filesystems.set(system.name, fs);
  }
  const filesystem = (system: string) => {
    const fs = filesystems.get(system);
    if (!fs) throw new Error(`no file system for system ${system}`);
    return fs;
  };
  const scheduler = createScheduler({
    site,
    clock,
    filesystem,
    privateJobs: options.privateJobs,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  return {
    site,
    clock,
    filesystems,
    scheduler,
    tasks: createTaskStore({ now: () => clock.now() }),
    objects: createObjectStore({ now: () => clock.now(), contents }),
    contents,
    close: () => contents.close(),
    user: (name) => users.get(name),
    filesystem,
    names: createNameDirectory(site),
  };
}
