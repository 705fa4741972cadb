// Up/down ratings (seed 004): one per profile per title, and the per-title vote counts title details show.
// POST is an upsert on (profile_id, title_id): a second POST changes the existing rating instead of failing.
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { parseContentId } from '../catalog/ids.ts';
import type { Viewer } from '../profiles/viewer.ts';
import { requireTitle } from './titles.ts';
import type { Page } from './collections.ts';

export type Vote = 'up' | 'down';

export interface RatingView {
  id: string;
  movie_id: string;
  title: string;
  rating: Vote;
  created_at: string;
  updated_at: string;
}

interface Row {
  id: string;
  title_id: string;
  title: string;
  rating: Vote;
  created_at: string;
  updated_at: string;
}

const view = (r: Row): RatingView => ({
  id: r.id,
  movie_id: r.title_id,
  title: r.title,
  rating: r.rating,
  created_at: new Date(r.created_at).toISOString(),
  updated_at: new Date(r.updated_at).toISOString(),
});

const SELECT = `select r.id, r.title_id, t.title, r.rating, r.created_at, r.updated_at from ratings r join titles t on t.id = r.title_id`;

/** Creates the profile's rating of a title, or changes it; `created` tells which. */
export async function rate(
  em: Em,
  viewer: Viewer,
  rawId: string,
  rating: Vote,
): Promise<{ rating: RatingView; created: boolean }> {
  const title = await requireTitle(em, viewer, rawId);
  // xmax = 0 only on a freshly inserted row: how PostgreSQL tells an upsert's insert from its update.
  const rows = await em.execute<{ id: string; created: boolean }[]>(
    `insert into ratings as r (id, user_id, profile_id, title_id, rating) values (?, ?, ?, ?, ?)
     on conflict (profile_id, title_id) do update set rating = excluded.rating,
       updated_at = case when r.rating = excluded.rating then r.updated_at else now() end
     returning r.id, (r.xmax = 0) as created`,
    [crypto.randomUUID(), viewer.userId, viewer.profileId, title.id, rating],
  );
  return { rating: await getRating(em, viewer, rows[0].id), created: rows[0].created };
}

/** A rating of this profile; any other id (another profile's, another account's, unknown) is 404. */
export async function getRating(em: Em, viewer: Viewer, id: string): Promise<RatingView> {
  const rows = await em.execute<Row[]>(`${SELECT} where r.id = ? and r.profile_id = ?`, [id, viewer.profileId]);
  if (!rows[0]) throw new AppError('NOT_FOUND', 'Rating not found');
  return view(rows[0]);
}

export async function listRatings(em: Em, viewer: Viewer, page: Page): Promise<{ items: RatingView[]; total: number }> {
  const rows = await em.execute<(Row & { total: string })[]>(
    `${SELECT.replace('r.updated_at from', 'r.updated_at, count(*) over () as total from')}
     where r.profile_id = ? and t.deleted_at is null and t.maturity_level <= ?
     order by r.updated_at desc, r.id limit ? offset ?`,
    [viewer.profileId, viewer.maxLevel, page.limit, (page.page - 1) * page.limit],
  );
  return { items: rows.map(view), total: rows[0] ? Number(rows[0].total) : 0 };
}

/** Changes the vote; `movieId` (PUT) must name the rating's own title: a rating never moves to another title. */
export async function changeRating(
  em: Em,
  viewer: Viewer,
  id: string,
  rating: Vote,
  movieId?: string,
): Promise<RatingView> {
  const current = await getRating(em, viewer, id);
  if (movieId !== undefined && parseContentId(movieId).id !== current.movie_id) {
    throw new AppError('INVALID_REQUEST', 'movie_id cannot change: delete this rating and rate the other title', {
      fields: [{ field: 'movie_id', in: 'body', message: 'must be the rated title' }],
    });
  }
  await em.execute(
    `update ratings set rating = ?, updated_at = case when rating = ? then updated_at else now() end where id = ? and profile_id = ?`,
    [rating, rating, id, viewer.profileId],
  );
  return getRating(em, viewer, id);
}

export async function deleteRating(em: Em, viewer: Viewer, id: string): Promise<void> {
  const rows = await em.execute<{ id: string }[]>('delete from ratings where id = ? and profile_id = ? returning id', [
    id,
    viewer.profileId,
  ]);
  if (rows.length === 0) throw new AppError('NOT_FOUND', 'Rating not found');
}

/** Upvote and downvote counts for the titles (absent titles have none), in one index-only query. */
export async function ratingCounts(
  em: Em,
  titleIds: string[],
): Promise<Map<string, { upvotes: number; downvotes: number }>> {
  const out = new Map<string, { upvotes: number; downvotes: number }>();
  if (titleIds.length === 0) return out;
  const rows = await em.execute<{ title_id: string; rating: Vote; n: string | number }[]>(
    'select title_id, rating, count(*) as n from ratings where title_id in (?) group by title_id, rating',
    [[...new Set(titleIds)]],
  );
  for (const r of rows) {
    const entry = out.get(r.title_id) ?? { upvotes: 0, downvotes: 0 };
    if (r.rating === 'up') entry.upvotes = Number(r.n);
    else entry.downvotes = Number(r.n);
    out.set(r.title_id, entry);
  }
  return out;
}
