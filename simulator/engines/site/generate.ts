import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';
import type { SiteShape } from '../../../fixtures/site-shape.ts';
import { parseSlurmDuration } from '../slurm/duration.ts';
import type { Group, NodeSpec, Site, SystemSpec, User } from './types.ts';

export interface GenerateOptions {
  readonly seed: number;
  /** Epoch ms the site clock starts at; reservations are placed around it. */
  readonly startedAt: number;
}

/** Expands a site shape into a concrete site. The same shape and seed give the same site. */
// The package's main entry loads every locale (about 80 ms at each start of a process or worker);
// the English entry loads one, and gives its class and definitions for a generator of our own, so
// that sites never share the seeded state of one module-wide instance.
const FakerOfEnglish = english.constructor as typeof Faker;

export function generateSite(shape: SiteShape, options: GenerateOptions): Site {
  const faker = new FakerOfEnglish({ locale: [english.rawDefinitions], seed: options.seed });
  const startS = Math.floor(options.startedAt / 1000);

  const usedIds = new Set<number>();
  const freshId = (min: number, max: number) => {
    let id = faker.number.int({ min, max });
    while (usedIds.has(id)) id = faker.number.int({ min, max });
    usedIds.add(id);
    return id;
  };

  const sharedGroups = new Map<string, Group>();
  const groupNamed = (name: string) => {
    let group = sharedGroups.get(name);
    if (!group) {
      group = { name, gid: freshId(30000, 39999) };
      sharedGroups.set(name, group);
    }
    return group;
  };
  const projectAccount = `g${faker.number.int({ min: 10, max: 199 })}`;
  const people = shape.users.map((u) => {
    const uid = freshId(1001, 29999);
    const own: Group = { name: u.name, gid: uid };
    const accounts =
      u.accounts.length > 0 ? u.accounts : [`s${faker.number.int({ min: 100, max: 9999 })}`, projectAccount];
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    return {
      name: u.name,
      uid,
      gid: uid,
      groups: [own, ...u.extraGroups.map(groupNamed)],
      // As at CSCS, a project's Unix group is its Slurm account: portals offer the user's groups as
      // the accounts of a job, so every group but the user's own is one.
      accounts: [...new Set([...accounts, ...u.extraGroups])],
      fullName: `${first} ${last}`,
      email: faker.internet.email({ firstName: first, lastName: last, provider: 'example.org' }),
    };
  });

  let nodeNumber = 1;
  const systems: SystemSpec[] = shape.systems.map((sys) => {
    const nodes: NodeSpec[] = sys.nodeGroups.flatMap((group) =>
      Array.from({ length: group.count }, () => {
        const cpus = faker.helpers.arrayElement(group.cpus);
        const sockets = cpus >= 64 ? 2 : 1;
        const number = nodeNumber++;
        return {
          name: `${sys.nodePrefix}${String(number).padStart(6, '0')}`,
          cpus,
          sockets,
          cores: cpus / sockets,
          threads: 1,
          memoryMiB: faker.helpers.arrayElement(group.memoryMiB),
          features: group.features,
          partitions: group.partitions,
          address: `10.100.${Math.floor(number / 250)}.${(number % 250) + 1}`,
        };
      }),
    );
    const partitions = sys.partitions.map((p) => ({
      ...p,
      maxTimeS: parseSlurmDuration(p.maxTime),
      defaultTimeS: parseSlurmDuration(p.defaultTime),
      nodes: nodes.filter((n) => n.partitions.includes(p.name)).map((n) => n.name),
    }));
    const reservations = sys.reservations.map((r) => {
      const candidates = nodes.filter((n) => !r.feature || n.features.includes(r.feature));
      return {
        name: r.name,
        nodes: candidates.slice(0, r.nodeCount).map((n) => n.name),
        start: startS + Math.round(r.startsInHours * 3600),
        end: startS + Math.round((r.startsInHours + r.durationHours) * 3600),
        features: r.feature ?? null,
        users: r.users,
      };
    });
    return {
      name: sys.name,
      schedulerVersion: sys.schedulerVersion,
      nodes,
      partitions,
      reservations,
      fileSystems: sys.fileSystems,
      transferPartition: sys.transferPartition,
    };
  });

  const firstJobId = faker.number.int({ min: 100000, max: 899999 });
  // The account groups get their ids last, so a seed gives the same uids, nodes and job ids as before.
  const users: User[] = people.map((u) => ({
    ...u,
    groups: [...u.groups, ...u.accounts.filter((a) => !u.groups.some((g) => g.name === a)).map(groupNamed)],
  }));
  return {
    name: shape.name,
    seed: options.seed,
    appVersion: shape.appVersion,
    startedAt: options.startedAt,
    firstJobId,
    systems,
    users,
  };
}
