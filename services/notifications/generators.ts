// The catalog-driven notifications: movie_added (a new title in a genre the user follows), favorite_update
// (a new season or episode of a favourited series) and the movie_recommendation digest. The notify*
// functions only enqueue a job, so the admin request that adds a title stays fast; the run* functions are the
// job bodies and fan out in batches.
import { enqueue } from '../../repositories/jobs.ts';
import {
  activeAccountsAudience,
  announcedTitle,
  digestForAll,
  favouritersAudience,
  genreFollowersAudience,
  sameForAll,
} from '../../repositories/notifications.ts';
import type { Em } from '../db/orm.ts';
import { TMDB_IMAGE_BASE } from '../tmdb/client.ts';
import { fanOut } from './fan-out.ts';
import { type FavoriteUpdatePayload, NOTIFICATION_JOBS } from './jobs.ts';
import type { NotifyDeps } from './types.ts';

const POSTER_BASE = `${TMDB_IMAGE_BASE}w500`;
const posterUrl = (path: string | null) => (path ? (path.startsWith('/') ? POSTER_BASE + path : path) : null);

/**
 * Call after a title becomes available (admin create, catalog import): every user who follows one of its
 * genres, and whose maturity filter lets it through, gets one `movie_added` notification. Enqueues a
 * background job (deduplicated per title) and returns at once; safe to call more than once for a title.
 */
export async function notifyNewTitle(deps: { em: Em }, titleId: string): Promise<void> {
  await enqueue(deps.em, NOTIFICATION_JOBS.newTitle, { title_id: titleId }, { dedupeKey: `notify:title:${titleId}` });
}

/**
 * Call after a season (episode_number omitted) or an episode is added to a series: every user with a viewer
 * profile that favourited the series gets one `favorite_update` notification. Enqueues a background job.
 */
export async function notifyNewEpisode(deps: { em: Em }, input: FavoriteUpdatePayload): Promise<void> {
  const key = `notify:episode:${input.title_id}:${input.season_number}:${input.episode_number ?? 'season'}`;
  await enqueue(deps.em, NOTIFICATION_JOBS.favoriteUpdate, input, { dedupeKey: key });
}

export async function runNewTitle(deps: NotifyDeps, titleId: string, batchSize?: number): Promise<number> {
  const title = await announcedTitle(deps.em, titleId);
  if (!title) return 0;
  const audience = genreFollowersAudience(title.id, title.maturity_level);
  const what = title.kind === 'series' ? 'series' : 'movie';
  return fanOut(deps, {
    audience,
    batchSize,
    insert: sameForAll({
      type: 'movie_added',
      title: title.kind === 'series' ? 'New Series Added' : 'New Movie Added',
      message: `A new ${what} '${title.title}' has been added in a genre you follow`,
      image: posterUrl(title.poster_path),
      movie_id: title.id,
      dedupe_key: `title:${title.id}`,
    }),
  });
}

export async function runFavoriteUpdate(
  deps: NotifyDeps,
  input: FavoriteUpdatePayload,
  batchSize?: number,
): Promise<number> {
  const title = await announcedTitle(deps.em, input.title_id);
  if (!title) return 0;
  // Several profiles of one account may favourite the series: fanOut keeps each account once.
  const audience = favouritersAudience(title.id);
  const episode = input.episode_number ?? null;
  const message =
    episode === null
      ? `Season ${input.season_number} of '${title.title}' is now available`
      : `A new episode of '${title.title}' is out: season ${input.season_number}, episode ${episode}`;
  return fanOut(deps, {
    audience,
    batchSize,
    insert: sameForAll({
      type: 'favorite_update',
      title: episode === null ? 'New Season Available' : 'New Episode Available',
      message,
      image: posterUrl(title.poster_path),
      movie_id: title.id,
      dedupe_key: `episode:${title.id}:${input.season_number}:${episode ?? 'season'}`,
    }),
  });
}

export interface DigestOptions {
  /** Users with a login session used within this many days get a digest. */
  activeDays: number;
  /** Titles named per digest. */
  picks?: number;
  batchSize?: number;
  now?: Date;
}

/**
 * The movie_recommendation digest: one notification per active user naming the most popular titles in the
 * genres they follow that their maturity filter allows. One per user per day at most (dedupe key).
 */
export async function runDigest(deps: NotifyDeps, options: DigestOptions): Promise<number> {
  const day = (options.now ?? new Date()).toISOString().slice(0, 10);
  return fanOut(deps, {
    audience: activeAccountsAudience(deps.em, options.activeDays),
    batchSize: options.batchSize,
    insert: digestForAll({
      title: 'Your Top Picks',
      prefix: 'Popular now in the genres you follow: ',
      posterBase: POSTER_BASE,
      dedupeKey: `digest:${day}`,
      picks: options.picks ?? 3,
    }),
  });
}
