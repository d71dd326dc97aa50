import type { Group, Site } from './types.ts';

/** The site's /etc/passwd and /etc/group: names for ids and ids for names. */
export interface NameDirectory {
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
  uidOf(nameOrId: string): number | undefined;
  gidOf(nameOrId: string): number | undefined;
}

export function createNameDirectory(site: Site): NameDirectory {
  const root: Group = { name: 'root', gid: 0 };
  const users = new Map<number, string>([[0, 'root'], ...site.users.map((u) => [u.uid, u.name] as const)]);
  const groups = new Map<number, string>([[root.gid, root.name]]);
  for (const user of site.users) for (const g of user.groups) groups.set(g.gid, g.name);
  const invert = (map: Map<number, string>) => new Map([...map].map(([id, name]) => [name, id]));
  const uids = invert(users);
  const gids = invert(groups);
  const lookup = (byName: Map<string, number>, byId: Map<number, string>, text: string) => {
    const named = byName.get(text);
    if (named !== undefined) return named;
    return /^\d+$/.test(text) && byId.has(Number(text)) ? Number(text) : undefined;
  };
  return {
    userName: (uid) => users.get(uid),
    groupName: (gid) => groups.get(gid),
    uidOf: (text) => lookup(uids, users, text),
    gidOf: (text) => lookup(gids, groups, text),
  };
}
