// A profile's sets of titles (favourites and the watchlist) and the personal flags every title card shows.
// Adding is an upsert on the (profile_id, title_id) key, so parallel adds keep one row.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';
import { catalogDb, visibleTitle } from './library-catalog.ts';

export type Collection = 'favourites' | 'watchlist';

const TABLE = { favourites: 'user_favourites', watchlist: 'watchlist' } as const;

export interface Page {
  page: number;
  limit: number;
}

export const pageOffset = (page: Page): number => (page.page - 1) * page.limit;

/** Adds the title; false when it was already there (nothing changes then). */
export async function addToCollection(
  em: Em,
  which: Collection,
  entry: { userId: string; profileId: string; titleId: string },
): Promise<boolean> {
  const k = db(em);
  const rows =
    which === 'favourites'
      ? await k
          .insertInto('user_favourites')
          .values({
            id: crypto.randomUUID(),
            user_id: entry.userId,
            profile_id: entry.profileId,
            title_id: entry.titleId,
          })
          .onConflict((oc) => oc.columns(['profile_id', 'title_id']).doNothing())
          .returning('title_id')
          .execute()
      : await k
          .insertInto('watchlist')
          .values({ profile_id: entry.profileId, title_id: entry.titleId })
          .onConflict((oc) => oc.columns(['profile_id', 'title_id']).doNothing())
          .returning('title_id')
          .execute();
  return rows.length > 0;
}

/** Removes the title; false when it was not there. */
export async function removeFromCollection(
  em: Em,
  which: Collection,
  profileId: string,
  titleId: string,
): Promise<boolean> {
  const rows = await db(em)
    .deleteFrom(TABLE[which])
    .where('profile_id', '=', profileId)
    .where('title_id', '=', titleId)
    .returning('title_id')
    .execute();
  return rows.length > 0;
}

/** A page of the set's visible titles, newest first, and how many visible titles it holds. */
export async function listCollection(
  em: Em,
  which: Collection,
  profileId: string,
  maxLevel: number,
  page: Page,
): Promise<{ titleIds: string[]; total: number }> {
  const k = catalogDb(em);
  // The set as a derived table, so one query serves both (the planner flattens it).
  const set =
    which === 'favourites'
      ? k.selectFrom('user_favourites').select(['title_id', 'created_at']).where('profile_id', '=', profileId).as('c')
      : k.selectFrom('watchlist').select(['title_id', 'created_at']).where('profile_id', '=', profileId).as('c');
  const visible = () => k.selectFrom(set).innerJoin('titles', 'titles.id', 'c.title_id').where(visibleTitle(maxLevel));
  const rows = await visible()
    .select((eb) => ['c.title_id', eb.fn.countAll<string>().over().as('total')])
    .orderBy('c.created_at', 'desc')
    .orderBy('c.title_id')
    .limit(page.limit)
    .offset(pageOffset(page))
    .execute();
  if (rows[0]) return { titleIds: rows.map((r) => r.title_id), total: Number(rows[0].total) };
  // A page past the end has no rows to carry the window count.
  const count = await visible()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { titleIds: [], total: Number(count.n) };
}

export interface FlagRow {
  id: string;
  is_favorite: boolean;
  in_watchlist: boolean;
  user_rating: 'up' | 'down' | null;
  /** Whole seconds. */
  resume_position: number | null;
}

/**
 * One profile's flags for the titles, in one round trip: each flag is an index probe on its table's
 * (profile_id, title_id) key. The resume position of a series is that of its most recently played episode.
 */
export async function flagsOf(em: Em, profileId: string, titleIds: string[]): Promise<FlagRow[]> {
  if (titleIds.length === 0) return [];
  const rows = await catalogDb(em)
    .selectFrom('titles')
    .select((eb) => [
      'titles.id',
      eb
        .exists(
          eb
            .selectFrom('user_favourites as f')
            .select(sql`1`.as('one'))
            .where('f.profile_id', '=', profileId)
            .whereRef('f.title_id', '=', 'titles.id'),
        )
        .$castTo<boolean>()
        .as('is_favorite'),
      eb
        .exists(
          eb
            .selectFrom('watchlist as w')
            .select(sql`1`.as('one'))
            .where('w.profile_id', '=', profileId)
            .whereRef('w.title_id', '=', 'titles.id'),
        )
        .$castTo<boolean>()
        .as('in_watchlist'),
      eb
        .selectFrom('ratings as r')
        .select('r.rating')
        .where('r.profile_id', '=', profileId)
        .whereRef('r.title_id', '=', 'titles.id')
        .as('user_rating'),
      eb
        .selectFrom('playback_progress as p')
        .select('p.resume_position')
        .where('p.profile_id', '=', profileId)
        .whereRef('p.title_id', '=', 'titles.id')
        .orderBy('p.updated_at', 'desc')
        .limit(1)
        .as('resume_position'),
    ])
    .where('titles.id', 'in', titleIds)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    is_favorite: r.is_favorite,
    in_watchlist: r.in_watchlist,
    user_rating: r.user_rating,
    resume_position: r.resume_position === null ? null : Math.floor(r.resume_position),
  }));
}
