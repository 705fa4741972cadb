// Favourites (seed 003) and the watchlist (seed 001): per-profile sets of titles. Adding is idempotent
// (an upsert on the (profile_id, title_id) key, so a double click or 20 parallel adds keep one row).
import type { Em } from '../db/orm.ts';
import { parseContentId } from '../catalog/ids.ts';
import type { Card } from '../catalog/cards.ts';
import type { Viewer } from '../profiles/viewer.ts';
import { cardsFor, requireTitle } from './titles.ts';

export type Collection = 'favourites' | 'watchlist';

const TABLE: Record<Collection, string> = { favourites: 'user_favourites', watchlist: 'watchlist' };

export interface Page {
  page: number;
  limit: number;
}

/** Adds a title; `created` is false when it was already there (nothing changes then). */
export async function addToCollection(
  em: Em,
  viewer: Viewer,
  which: Collection,
  rawId: string,
): Promise<{ title_id: string; created: boolean }> {
  const title = await requireTitle(em, viewer, rawId);
  const rows =
    which === 'favourites'
      ? await em.execute<{ title_id: string }[]>(
          `insert into user_favourites (id, user_id, profile_id, title_id) values (?, ?, ?, ?)
           on conflict (profile_id, title_id) do nothing returning title_id`,
          [crypto.randomUUID(), viewer.userId, viewer.profileId, title.id],
        )
      : await em.execute<{ title_id: string }[]>(
          `insert into watchlist (profile_id, title_id) values (?, ?) on conflict (profile_id, title_id) do nothing returning title_id`,
          [viewer.profileId, title.id],
        );
  return { title_id: title.id, created: rows.length > 0 };
}

/** Removes a title; `removed` is false when it was not there (still a success: the end state is the same). */
export async function removeFromCollection(
  em: Em,
  viewer: Viewer,
  which: Collection,
  rawId: string,
): Promise<{ title_id: string; removed: boolean }> {
  const { id } = parseContentId(rawId);
  const rows = await em.execute<{ title_id: string }[]>(
    `delete from ${TABLE[which]} where profile_id = ? and title_id = ? returning title_id`,
    [viewer.profileId, id],
  );
  return { title_id: id, removed: rows.length > 0 };
}

/** Newest first; titles now above the viewer's ceiling or removed from the catalog are left out. */
export async function listCollection(
  em: Em,
  viewer: Viewer,
  which: Collection,
  page: Page,
): Promise<{ items: Card[]; total: number }> {
  const rows = await em.execute<{ title_id: string; total: string | number }[]>(
    `select c.title_id, count(*) over () as total
     from ${TABLE[which]} c join titles t on t.id = c.title_id
     where c.profile_id = ? and t.deleted_at is null and t.maturity_level <= ?
     order by c.created_at desc, c.title_id limit ? offset ?`,
    [viewer.profileId, viewer.maxLevel, page.limit, (page.page - 1) * page.limit],
  );
  const total = rows[0] ? Number(rows[0].total) : await countCollection(em, viewer, which);
  const cards = await cardsFor(
    em,
    viewer,
    rows.map((r) => r.title_id),
  );
  return { items: rows.map((r) => cards.get(r.title_id)).filter((c): c is Card => Boolean(c)), total };
}

// A page past the end has no rows to carry the window count.
async function countCollection(em: Em, viewer: Viewer, which: Collection): Promise<number> {
  const [row] = await em.execute<{ n: string | number }[]>(
    `select count(*) as n from ${TABLE[which]} c join titles t on t.id = c.title_id
     where c.profile_id = ? and t.deleted_at is null and t.maturity_level <= ?`,
    [viewer.profileId, viewer.maxLevel],
  );
  return Number(row.n);
}
