import type { PartitionShape, SiteShape, SystemShape } from '../fixtures/site-shape.ts';
import { defaultSite } from '../fixtures/sites/default.ts';
import type { SiteProfile } from './site-profile.ts';

// `serve --site`: a simulator shaped like the site a profile describes, so that `check --site`
// can be tried against it before it is pointed at the real deployment.

const [model] = defaultSite.systems;

function partitionsOf(names: readonly string[] | undefined, base: SystemShape): PartitionShape[] {
  if (!names?.length) return [...base.partitions];
  const known = new Map(base.partitions.map((p) => [p.name, p]));
  const made = names.map(
    (name, i): PartitionShape =>
      known.get(name) ?? {
        name,
        maxTime: '1-00:00:00',
        defaultTime: '01:00:00',
        ...(i === 0 ? { default: true } : {}),
      },
  );
  return made.some((p) => p.name === base.transferPartition)
    ? made
    : [...made, { name: base.transferPartition, maxTime: '1-00:00:00', defaultTime: '00:15:00', hidden: true }];
}

export function shapeFromProfile(profile: SiteProfile): SiteShape {
  if (!model) throw new Error('the default site has no system to model on');
  const missing = profile.identities.filter((i) => !i.username).map((i) => i.clientId);
  if (missing.length > 0)
    throw new Error(`serve --site needs a username for every identity (missing for ${missing.join(', ')})`);
  const users = profile.identities.map((i) => i.username ?? '');
  const scratchMount = profile.scratch?.includes('/{username}') ? profile.scratch.split('/{username}')[0] : undefined;
  const systems = profile.systems.map((s): SystemShape => {
    const partitions = partitionsOf(s.partitions, model);
    const computePartitions = partitions.filter((p) => p.name !== model.transferPartition).map((p) => p.name);
    const reservation = profile.jobs?.reservation;
    return {
      ...model,
      name: s.name,
      partitions,
      nodeGroups: model.nodeGroups.map((g) =>
        g.partitions.includes(model.transferPartition) ? g : { ...g, partitions: computePartitions },
      ),
      reservations: reservation
        ? [{ name: reservation, nodeCount: 2, startsInHours: -1, durationHours: 24 * 30, users }]
        : [],
      fileSystems: [
        ...model.fileSystems,
        ...(scratchMount && !model.fileSystems.some((f) => f.path === scratchMount)
          ? [{ path: scratchMount, dataType: 'scratch' as const, perUser: true, mode: 0o1777 }]
          : []),
      ],
    };
  });
  return {
    ...defaultSite,
    name: profile.name,
    systems,
    users: users.map((name) => ({
      name,
      accounts: profile.jobs?.account ? [profile.jobs.account] : [],
      extraGroups: [],
    })),
    clients: profile.identities.map((i) => ({ id: i.clientId, secret: i.clientSecret, username: i.username ?? '' })),
  };
}
