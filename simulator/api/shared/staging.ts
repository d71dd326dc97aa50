// The staging area both generations hand out: one bucket a user, presigned URLs, FirecREST's limits.
import type { ObjectStore } from '../../engines/objectstore/index.ts';
import type { User } from '../../engines/site/types.ts';

/**
 * The largest part a client uploads (FirecREST's multipart max_part_size). Sites use 1 or 2 GiB;
 * the simulator's 8 MiB makes multi-part uploads happen at sizes a test can afford, and clients
 * split by the maxPartSize they are given.
 */
export const MAX_PART_SIZE = 8 * 1024 * 1024;
/** How long presigned URLs stay valid, in seconds (FirecREST's ttl). */
export const URL_TTL_S = 604800;
/** Staged objects expire after this many days (FirecREST's bucket lifecycle). */
export const STAGING_DAYS = 10;

/** The user's staging bucket, named after them, made with its expiry rule on first use. */
export function stagingBucket(store: ObjectStore, user: User): string {
  if (!store.hasBucket(user.name)) {
    store.createBucket(user.name);
    store.setLifecycle(user.name, [{ id: 'ExpireObjects', prefix: '', days: STAGING_DAYS, enabled: true }]);
  }
  return user.name;
}
