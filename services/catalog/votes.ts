// A title's live up/down counts. They are kept out of the cached details entry (which lives for minutes,
// and for seconds more in each process's hot tier) and cached on their own under one shared key that a
// vote deletes, so every process shows a vote at once while details stay a cached read.
import { voteCounts } from '../../repositories/titles.ts';
import type { Cache } from '../cache/types.ts';
import type { Em } from '../db/orm.ts';

export interface VoteCounts {
  upvotes: number;
  downvotes: number;
}

// Short: a reader that counted just before a vote and stores just after it keeps a stale count this long.
const TTL_SECONDS = 60;
const key = (titleId: string) => `catalog:votes:${titleId}`;

export async function liveVotes(deps: { em: Em; cache: Cache }, titleId: string): Promise<VoteCounts> {
  const load = async () => {
    const { up, down } = await voteCounts(deps.em, titleId);
    return { upvotes: up, downvotes: down };
  };
  try {
    return await deps.cache.wrap(key(titleId), TTL_SECONDS, load);
  } catch {
    // A cache outage degrades to counting in the database.
    return load();
  }
}

/** Called after a vote on the title is created, changed or deleted; never fails the vote. */
export async function forgetVotes(cache: Cache, titleId: string): Promise<void> {
  try {
    await cache.del(key(titleId));
  } catch {
    // The entry expires within TTL_SECONDS.
  }
}
