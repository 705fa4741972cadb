// One title in the seed 003 MOVIE_DETAILS shape (series with seasons and episodes, cast, reviews,
// same-genre recommendations), from the local tables, cached per maturity level; flags per request.
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Viewer } from '../profiles/viewer.ts';
import { NO_FLAGS, personalFlags, type PersonalFlags } from '../library/flags.ts';
import { maturityLevel } from './maturity.ts';
import { CARD_COLUMNS, genreList, image, isoDay, round, toCard, type Card, type CardRow } from './cards.ts';
import { cachedRead, detailsKey, entryForm, envelopeJson, TTL } from './cache.ts';
import { levelOf, type ListDeps, type Served } from './lists.ts';

export interface Episode {
  id: string;
  name: string;
  overview: string;
  air_date: string | null;
  episode_number: number;
  runtime: number | null;
  season_number: number;
  still_path: string | null;
  vote_average: number;
}

export interface Season {
  id: string;
  air_date: string | null;
  episode_count: number;
  name: string;
  overview: string;
  poster_path: string | null;
  season_number: number;
  vote_average: number;
  episodes: Episode[];
}

export interface Details extends PersonalFlags {
  id: string;
  is_series: boolean;
  title: string;
  original_title: string | null;
  language: string | null;
  original_language: string | null;
  release_date: string | null;
  rating: number;
  vote_count: number;
  runtime: number | null;
  certification: string;
  network: string | null;
  network_logo: string | null;
  backdrop_url: string | null;
  poster_url: string | null;
  genres: string[];
  synopsis: string;
  homepage: string | null;
  directors: string[];
  seasons: Season[];
  cast: Array<{ id: string; name: string; profile_path: string | null; character: string | null; order: number }>;
  reviews: Array<{
    id: string;
    author: string;
    avatar: string | null;
    rating: number | null;
    content: string;
    created_at: string;
  }>;
  recommendations: Card[];
  upvotes: number;
  downvotes: number;
}

const languages = new Intl.DisplayNames(['en'], { type: 'language' });

export function languageName(code: string | null): string | null {
  if (!code) return null;
  try {
    return languages.of(code) ?? code;
  } catch {
    return code;
  }
}

interface TitleRow extends CardRow {
  original_title: string | null;
  original_language: string | null;
  vote_count: number;
  homepage: string | null;
  network: string | null;
  network_logo_path: string | null;
}

/** Up/down ratings of the title. */
async function voteCounts(em: Em, id: string): Promise<{ up: number; down: number }> {
  const [row] = await em.execute<{ up: string | number; down: string | number }[]>(
    `select count(*) filter (where rating = 'up') as up, count(*) filter (where rating = 'down') as down from ratings where title_id = ?`,
    [id],
  );
  return { up: Number(row?.up ?? 0), down: Number(row?.down ?? 0) };
}

/** Reads the details from the local tables; null when the title does not exist (or is deleted). */
export async function loadLocalDetails(em: Em, id: string, level: number): Promise<Details | null> {
  const rows = await em.execute<TitleRow[]>(
    `select ${CARD_COLUMNS}, t.original_title, t.original_language, t.vote_count, t.homepage, t.network, t.network_logo_path
     from titles t where t.id = ? and t.deleted_at is null`,
    [id],
  );
  const t = rows[0];
  if (!t) return null;
  const [seasons, episodes, credits, recs, votes] = await Promise.all([
    t.kind === 'series'
      ? em.execute<any[]>(
          'select id, season_number, name, overview, air_date, poster_path, vote_average, episode_count from seasons where title_id = ? and deleted_at is null order by season_number',
          [id],
        )
      : [],
    t.kind === 'series'
      ? em.execute<any[]>(
          'select id, season_number, episode_number, name, overview, air_date, runtime, still_path, vote_average from episodes where title_id = ? and deleted_at is null order by season_number, episode_number',
          [id],
        )
      : [],
    em.execute<any[]>(
      'select p.id, p.name, p.profile_path, c.role, c.character, c.ord from credits c join people p on p.id = c.person_id where c.title_id = ? order by c.role, c.ord limit 60',
      [id],
    ),
    // Same-genre titles, most shared genres first, then popularity; never above the viewer's ceiling.
    t.genre_ids.length === 0
      ? []
      : em.execute<CardRow[]>(
          `select ${CARD_COLUMNS} from titles t where t.deleted_at is null and t.maturity_level <= ? and t.id <> ? and t.genre_ids && ?::int[]
           order by cardinality(array(select unnest(t.genre_ids) intersect select unnest(?::int[]))) desc, t.popularity desc, t.id limit 10`,
          [level, id, `{${t.genre_ids.join(',')}}`, `{${t.genre_ids.join(',')}}`],
        ),
    voteCounts(em, id),
  ]);
  const episodesOf = new Map<number, Episode[]>();
  for (const e of episodes) {
    const list = episodesOf.get(e.season_number) ?? [];
    list.push({
      id: e.id,
      name: e.name,
      overview: e.overview ?? '',
      air_date: isoDay(e.air_date),
      episode_number: e.episode_number,
      runtime: e.runtime,
      season_number: e.season_number,
      still_path: image(e.still_path),
      vote_average: round(e.vote_average),
    });
    episodesOf.set(e.season_number, list);
  }
  const card = toCard(t);
  return {
    id: t.id,
    is_series: t.kind === 'series',
    title: t.title,
    original_title: t.original_title,
    language: languageName(t.original_language),
    original_language: t.original_language,
    release_date: card.release_date,
    rating: card.rating,
    vote_count: t.vote_count,
    runtime: t.kind === 'series' ? null : t.runtime,
    certification: t.certification,
    network: t.network,
    network_logo: image(t.network_logo_path),
    backdrop_url: image(t.backdrop_path, 'w1280'),
    poster_url: image(t.poster_path),
    genres: genreList(t.genre_ids),
    synopsis: card.synopsis,
    homepage: t.homepage,
    directors: credits.filter((c) => c.role === 'director').map((c) => c.name),
    seasons: seasons.map((s) => ({
      id: s.id,
      air_date: isoDay(s.air_date),
      episode_count: s.episode_count,
      name: s.name,
      overview: s.overview ?? '',
      poster_path: image(s.poster_path),
      season_number: s.season_number,
      vote_average: round(s.vote_average),
      episodes: episodesOf.get(s.season_number) ?? [],
    })),
    cast: credits
      .filter((c) => c.role === 'cast')
      .slice(0, 30)
      .map((c) => ({
        id: c.id,
        name: c.name,
        profile_path: image(c.profile_path, 'w128_and_h128_face'),
        character: c.character,
        order: c.ord,
      })),
    reviews: [],
    recommendations: recs.map(toCard),
    upvotes: votes.up,
    downvotes: votes.down,
    ...NO_FLAGS,
  };
}

export type DetailsLoader = (id: string, level: number) => Promise<Details | null>;

/**
 * The title for this viewer: 404 when unknown, 403 CONTENT_RESTRICTED above the viewer's ceiling.
 * `load` reads the details (the local tables, or TMDb read through into them in TMDb mode).
 */
export async function titleDetails(
  deps: ListDeps,
  viewer: Viewer | null,
  id: string,
  load: DetailsLoader,
  field: 'movie' | 'content' = 'movie',
): Promise<Served<Record<string, Details>>> {
  const level = levelOf(viewer);
  const entry = await cachedRead(deps.cache, detailsKey(id, level), TTL.details, async () => {
    const movie = await load(id, level);
    if (!movie) throw new AppError('NOT_FOUND', 'Content not found');
    return { movie };
  });
  if (maturityLevel(entry.data.movie.certification) > level) {
    throw new AppError('CONTENT_RESTRICTED', 'This title is above the maturity rating of this profile', {
      certification: entry.data.movie.certification,
    });
  }
  if (!viewer) {
    if (field === 'movie') return { json: envelopeJson(entry) };
    return { json: entryForm(entry, field, (d) => `{"success":true,"data":{"${field}":${JSON.stringify(d.movie)}}}`) };
  }
  const movie = entry.data.movie;
  const flags = await personalFlags(deps.em, viewer.profileId, [movie.id, ...movie.recommendations.map((r) => r.id)]);
  return {
    data: {
      [field]: {
        ...movie,
        ...(flags.get(movie.id) ?? NO_FLAGS),
        recommendations: movie.recommendations.map((r) => ({ ...r, ...(flags.get(r.id) ?? NO_FLAGS) })),
      },
    },
  };
}
