// Read side of the admin content API: the full admin view of a title (including soft-deleted ones, with
// raw fields and source), its seasons and episodes, and the paged admin listing.
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { day, imageUrl, iso, type Kind } from './admin-store.ts';

export interface EpisodeView {
  id: string;
  season_number: number;
  episode_number: number;
  name: string;
  overview: string | null;
  air_date: string | null;
  runtime: number | null;
  still_url: string | null;
  updated_at: string;
}

export interface SeasonView {
  id: string;
  season_number: number;
  name: string;
  overview: string | null;
  air_date: string | null;
  poster_url: string | null;
  episode_count: number;
  updated_at: string;
  episodes?: EpisodeView[];
}

export interface ContentSummary {
  id: string;
  type: Kind;
  source: 'tmdb' | 'local';
  title: string;
  release_date: string | null;
  certification: string;
  maturity_level: number;
  popularity: number;
  season_count: number | null;
  episode_count: number | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface ContentView extends ContentSummary {
  tmdb_id: number | null;
  original_title: string | null;
  original_language: string | null;
  overview: string | null;
  runtime: number | null;
  genre_ids: number[];
  genres: { id: string; name: string }[];
  poster_url: string | null;
  backdrop_url: string | null;
  homepage: string | null;
  vote_average: number;
  vote_count: number;
  cast: { id: string; name: string; character: string | null }[];
  directors: { id: string; name: string }[];
  seasons: SeasonView[];
}

type Row = Record<string, unknown>;

const SUMMARY_COLUMNS =
  'id, kind, source, title, release_date, certification, maturity_level, popularity, season_count, episode_count, created_at, updated_at, deleted_at';

function summary(row: Row): ContentSummary {
  return {
    id: row.id as string,
    type: row.kind as Kind,
    source: row.source as 'tmdb' | 'local',
    title: row.title as string,
    release_date: day(row.release_date),
    certification: row.certification as string,
    maturity_level: Number(row.maturity_level),
    popularity: Number(row.popularity),
    season_count: row.season_count === null ? null : Number(row.season_count),
    episode_count: row.episode_count === null ? null : Number(row.episode_count),
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    deleted_at: iso(row.deleted_at),
  };
}

export function episodeView(row: Row): EpisodeView {
  return {
    id: row.id as string,
    season_number: Number(row.season_number),
    episode_number: Number(row.episode_number),
    name: row.name as string,
    overview: (row.overview as string | null) ?? null,
    air_date: day(row.air_date),
    runtime: row.runtime === null ? null : Number(row.runtime),
    still_url: imageUrl(row.still_path as string | null),
    updated_at: iso(row.updated_at)!,
  };
}

export function seasonView(row: Row): SeasonView {
  return {
    id: row.id as string,
    season_number: Number(row.season_number),
    name: row.name as string,
    overview: (row.overview as string | null) ?? null,
    air_date: day(row.air_date),
    poster_url: imageUrl(row.poster_path as string | null),
    episode_count: Number(row.episode_count),
    updated_at: iso(row.updated_at)!,
  };
}

export async function getSeason(em: Em, titleId: string, seasonNumber: number): Promise<SeasonView> {
  const rows = await em.execute<Row[]>(
    'select * from seasons where title_id = ? and season_number = ? and deleted_at is null',
    [titleId, seasonNumber],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'Season not found');
  const episodes = await em.execute<Row[]>(
    'select * from episodes where title_id = ? and season_number = ? and deleted_at is null order by episode_number',
    [titleId, seasonNumber],
  );
  return { ...seasonView(rows[0]), episodes: episodes.map(episodeView) };
}

export async function getEpisode(
  em: Em,
  titleId: string,
  seasonNumber: number,
  episodeNumber: number,
): Promise<EpisodeView> {
  const rows = await em.execute<Row[]>(
    'select * from episodes where title_id = ? and season_number = ? and episode_number = ? and deleted_at is null',
    [titleId, seasonNumber, episodeNumber],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'Episode not found');
  return episodeView(rows[0]);
}

export async function getContentView(em: Em, id: string): Promise<ContentView> {
  const rows = await em.execute<Row[]>('select * from titles where id = ?', [id]);
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', 'Content not found');
  const genreIds = ((row.genre_ids as number[] | null) ?? []).map(Number);
  const genres = genreIds.length
    ? await em.execute<{ id: string; name: string }[]>(
        `select id, name from genres where id in (${genreIds.map(() => '?').join(',')})`,
        genreIds.map(String),
      )
    : [];
  const credits = await em.execute<{ id: string; name: string; role: string; character: string | null }[]>(
    'select p.id, p.name, c.role, c.character from credits c join people p on p.id = c.person_id where c.title_id = ? order by c.role, c.ord, p.name',
    [id],
  );
  let seasons: SeasonView[] = [];
  if (row.kind === 'series') {
    const seasonRows = await em.execute<Row[]>(
      'select * from seasons where title_id = ? and deleted_at is null order by season_number',
      [id],
    );
    const episodeRows = await em.execute<Row[]>(
      'select * from episodes where title_id = ? and deleted_at is null order by season_number, episode_number',
      [id],
    );
    seasons = seasonRows.map((s) => ({
      ...seasonView(s),
      episodes: episodeRows.filter((e) => Number(e.season_number) === Number(s.season_number)).map(episodeView),
    }));
  }
  const byId = new Map(genres.map((g) => [String(g.id), g.name]));
  return {
    ...summary(row),
    tmdb_id: row.tmdb_id === null ? null : Number(row.tmdb_id),
    original_title: (row.original_title as string | null) ?? null,
    original_language: (row.original_language as string | null) ?? null,
    overview: (row.overview as string | null) ?? null,
    runtime: row.runtime === null ? null : Number(row.runtime),
    genre_ids: genreIds,
    genres: genreIds.filter((g) => byId.has(String(g))).map((g) => ({ id: String(g), name: byId.get(String(g))! })),
    poster_url: imageUrl(row.poster_path as string | null),
    backdrop_url: imageUrl(row.backdrop_path as string | null),
    homepage: (row.homepage as string | null) ?? null,
    vote_average: Number(row.vote_average),
    vote_count: Number(row.vote_count),
    cast: credits
      .filter((c) => c.role === 'cast')
      .map((c) => ({ id: c.id, name: c.name, character: c.character ?? null })),
    directors: credits.filter((c) => c.role === 'director').map((c) => ({ id: c.id, name: c.name })),
    seasons,
  };
}

export interface ListQuery {
  page: number;
  limit: number;
  q?: string;
  type?: Kind;
  source?: 'tmdb' | 'local';
  include_deleted: boolean;
}

/** Newest changes first; `q` matches part of the title (the trigram index on lower(title) serves it). */
export async function listContent(em: Em, query: ListQuery): Promise<{ items: ContentSummary[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!query.include_deleted) where.push('deleted_at is null');
  if (query.type) {
    where.push('kind = ?');
    params.push(query.type);
  }
  if (query.source) {
    where.push('source = ?');
    params.push(query.source);
  }
  if (query.q) {
    where.push(`lower(title) like ? escape '\\'`);
    params.push(`%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  const clause = where.length ? `where ${where.join(' and ')}` : '';
  const countRows = await em.execute<{ n: string | number }[]>(`select count(*) as n from titles ${clause}`, params);
  const rows = await em.execute<Row[]>(
    `select ${SUMMARY_COLUMNS} from titles ${clause} order by updated_at desc, id limit ? offset ?`,
    [...params, query.limit, (query.page - 1) * query.limit],
  );
  return { items: rows.map(summary), total: Number(countRows[0]?.n ?? 0) };
}
