// The catalog-driven notifications: movie_added (a new title in a genre the user follows), favorite_update
// (a new season or episode of a favourited series) and the movie_recommendation digest. The notify*
// functions only enqueue a job, so the admin request that adds a title stays fast; the run* functions are the
// job bodies and fan out in batches.
import type { Em } from '../db/orm.ts';
import { enqueue } from '../../repositories/jobs.ts';
import { TMDB_IMAGE_BASE } from '../tmdb/client.ts';
import { fanOut, RETURNING, type Sql } from './fan-out.ts';
import { NOTIFICATION_JOBS, type FavoriteUpdatePayload } from './jobs.ts';
import type { NotifyDeps } from './types.ts';

const POSTER_BASE = `${TMDB_IMAGE_BASE}w500`;
const posterUrl = (path: string | null) => (path ? (path.startsWith('/') ? POSTER_BASE + path : path) : null);
// The highest maturity level an account's maturity_filter lets through (services/catalog/maturity.ts).
const USER_LEVEL = `(case u.maturity_filter when 'teen' then 2 else 3 end)`;

interface TitleRow {
  id: string;
  title: string;
  kind: 'movie' | 'series';
  poster_path: string | null;
  maturity_level: number;
}

async function loadTitle(em: Em, titleId: string): Promise<TitleRow | null> {
  const rows = await em.execute<TitleRow[]>(
    `select id, title, kind, poster_path, maturity_level from titles where id = ? and deleted_at is null`,
    [titleId],
  );
  return rows[0] ?? null;
}

/** One notification per audience member, all with the same content. */
const sameForAll =
  (values: {
    type: string;
    title: string;
    message: string;
    image: string | null;
    movie_id: string | null;
    dedupe_key: string;
  }) =>
  (batch: Sql): Sql => ({
    sql: `insert into user_notifications (id, user_id, type, title, message, image, movie_id, dedupe_key)
        select gen_random_uuid(), b.id, ?, ?, ?, ?, ?, ? from (${batch.sql}) b on conflict do nothing ${RETURNING}`,
    params: [
      values.type,
      values.title,
      values.message,
      values.image,
      values.movie_id,
      values.dedupe_key,
      ...batch.params,
    ],
  });

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
  const title = await loadTitle(deps.em, titleId);
  if (!title) return 0;
  // titles.genre_ids is the authoritative genre list; user_genres keeps TMDb ids as strings.
  const audience: Sql = {
    sql: `select ug.user_id as id from user_genres ug join users u on u.id = ug.user_id
          where ug.genre_id in (select g::text from titles t, unnest(t.genre_ids) g where t.id = ?) and ${USER_LEVEL} >= ?`,
    params: [title.id, title.maturity_level],
  };
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
  const title = await loadTitle(deps.em, input.title_id);
  if (!title) return 0;
  // Several profiles of one account may favourite the series: fanOut keeps each account once.
  const audience: Sql = {
    sql: `select vp.user_id as id from user_favourites f join viewer_profiles vp on vp.id = f.profile_id where f.title_id = ?`,
    params: [title.id],
  };
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
  const audience: Sql = {
    sql: `select s.user_id as id from login_sessions s where s.status = 'active' and s.last_used_at > now() - make_interval(days => ?)`,
    params: [options.activeDays],
  };
  return fanOut(deps, {
    audience,
    batchSize: options.batchSize,
    insert: (batch) => ({
      sql: `insert into user_notifications (id, user_id, type, title, message, image, movie_id, dedupe_key)
        select gen_random_uuid(), u.id, 'movie_recommendation', ?, ? || picks.names,
          case when picks.poster like '/%' then ? || picks.poster else picks.poster end, picks.top_id, ?
        from (${batch.sql}) b
        join users u on u.id = b.id
        cross join lateral (
          select string_agg('''' || p.title || '''', ', ' order by p.rank) as names,
                 (array_agg(p.id order by p.rank))[1] as top_id,
                 (array_agg(p.poster_path order by p.rank))[1] as poster
          from (
            select t.id, t.title, t.poster_path, row_number() over (order by top.popularity desc, t.id) as rank
            from (
              select tg.title_id, max(tg.popularity) as popularity from title_genres tg
              where tg.genre_id::text in (select ug.genre_id from user_genres ug where ug.user_id = u.id)
                and tg.maturity_level <= ${USER_LEVEL}
              group by tg.title_id order by max(tg.popularity) desc, tg.title_id limit ?) top
            join titles t on t.id = top.title_id and t.deleted_at is null) p
        ) picks
        where picks.top_id is not null
        on conflict do nothing ${RETURNING}`,
      params: [
        'Your Top Picks',
        'Popular now in the genres you follow: ',
        POSTER_BASE,
        `digest:${day}`,
        ...batch.params,
        options.picks ?? 3,
      ],
    }),
  });
}
