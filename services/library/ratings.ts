// Up/down ratings (seed 004): one per profile per title, and the per-title vote counts title details show.
// POST is an upsert on (profile_id, title_id): a second POST changes the existing rating instead of failing.
import type { Static } from '@sinclair/typebox';
import * as ratings from '../../repositories/ratings.ts';
import type { RatingRow, Vote } from '../../repositories/ratings.ts';
import type { Page } from '../../repositories/library.ts';
import type { RatingResponse, VoteIn } from '../../schemas/library.ts';
import type { Cache } from '../cache/types.ts';
import { forgetVotes } from '../catalog/votes.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Viewer } from '../deps.ts';
import { requireTitle, resolveTitleId } from './titles.ts';

export type { Vote, VoteIn };
export type RatingView = Static<typeof RatingResponse>['data']['rating'];
/** A vote changes the title's live counts, so the ratings writers also get the cache. */
export interface RatingDeps {
  em: Em;
  cache: Cache;
}

/** Seed 004's UPVOTE/DOWNVOTE are the same votes as up/down. */
export const toVote = (v: VoteIn): Vote => (v === 'UPVOTE' ? 'up' : v === 'DOWNVOTE' ? 'down' : v);

const view = (r: RatingRow): RatingView => ({
  id: r.id,
  movie_id: r.title_id,
  title: r.title,
  rating: r.rating,
  rating_type: r.rating === 'up' ? 'UPVOTE' : 'DOWNVOTE',
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

/** Creates the profile's rating of a title, or changes it; `created` tells which. */
export async function rate(
  deps: RatingDeps,
  viewer: Viewer,
  rawId: string,
  rating: VoteIn,
): Promise<{ rating: RatingView; created: boolean }> {
  const { em } = deps;
  const title = await requireTitle(em, viewer, rawId);
  const { id, created } = await ratings.upsertRating(em, {
    userId: viewer.userId,
    profileId: viewer.profileId,
    titleId: title.id,
    rating: toVote(rating),
  });
  await forgetVotes(deps.cache, title.id);
  return { rating: await getRating(em, viewer, id), created };
}

/** A rating of this profile; any other id (another profile's, another account's, unknown) is 404. */
export async function getRating(em: Em, viewer: Viewer, id: string): Promise<RatingView> {
  const row = await ratings.findRating(em, viewer.profileId, id);
  if (!row) throw new AppError('NOT_FOUND', 'Rating not found');
  return view(row);
}

export async function listRatings(em: Em, viewer: Viewer, page: Page): Promise<{ items: RatingView[]; total: number }> {
  const { rows, total } = await ratings.listRatings(em, viewer.profileId, viewer.maxLevel, page);
  return { items: rows.map(view), total };
}

/** Whether a client-sent id (a bare number included) names the stored title id. */
const sameTitle = async (em: Em, rawId: string, titleId: string) => (await resolveTitleId(em, rawId)) === titleId;

/** Changes the vote; `movieId` (PUT, optional) must name the rating's own title: a rating never moves. */
export async function changeRating(
  deps: RatingDeps,
  viewer: Viewer,
  id: string,
  rating: VoteIn,
  movieId?: string,
): Promise<RatingView> {
  const { em } = deps;
  const current = await getRating(em, viewer, id);
  if (movieId !== undefined && !(await sameTitle(em, movieId, current.movie_id))) {
    throw new AppError('INVALID_REQUEST', 'movie_id cannot change: delete this rating and rate the other title', {
      fields: [{ field: 'movie_id', in: 'body', message: 'must be the rated title' }],
    });
  }
  await ratings.setVote(em, viewer.profileId, id, toVote(rating));
  await forgetVotes(deps.cache, current.movie_id);
  return getRating(em, viewer, id);
}

export async function deleteRating(deps: RatingDeps, viewer: Viewer, id: string): Promise<void> {
  const current = await getRating(deps.em, viewer, id);
  if (!(await ratings.deleteRating(deps.em, viewer.profileId, id))) throw new AppError('NOT_FOUND', 'Rating not found');
  await forgetVotes(deps.cache, current.movie_id);
}

/** Upvote and downvote counts for the titles (absent titles have none), in one index-only query. */
export async function ratingCounts(
  em: Em,
  titleIds: string[],
): Promise<Map<string, { upvotes: number; downvotes: number }>> {
  const out = new Map<string, { upvotes: number; downvotes: number }>();
  for (const r of await ratings.voteCounts(em, [...new Set(titleIds)])) {
    const entry = out.get(r.title_id) ?? { upvotes: 0, downvotes: 0 };
    if (r.rating === 'up') entry.upvotes = r.n;
    else entry.downvotes = r.n;
    out.set(r.title_id, entry);
  }
  return out;
}
