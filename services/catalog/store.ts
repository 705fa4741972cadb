// Writes titles into the catalog tables in batches: titles, title_genres, seasons, episodes, people and
// credits, then their search vectors. Used by the demo seed, the TMDb read-through and catalog:sync.
import type { Em } from '../db/orm.ts';
import { maturityLevel } from './maturity.ts';
import { refreshSearchVectors } from './search-index.ts';
import type { Kind } from './ids.ts';

export interface EpisodeInput {
  id: string;
  tmdb_id: number | null;
  season_number: number;
  episode_number: number;
  name: string;
  overview: string | null;
  air_date: string | null;
  runtime: number | null;
  still_path: string | null;
  vote_average: number;
}

export interface SeasonInput {
  id: string;
  tmdb_id: number | null;
  season_number: number;
  name: string;
  overview: string | null;
  air_date: string | null;
  poster_path: string | null;
  vote_average: number;
  episode_count: number;
  /** Undefined: the season's episodes are not known yet (TMDb lists them per season). */
  episodes?: EpisodeInput[];
}

export interface CreditInput {
  person_id: string;
  tmdb_id: number | null;
  name: string;
  profile_path: string | null;
  role: 'cast' | 'director';
  character: string | null;
  ord: number;
}

export interface TitleInput {
  id: string;
  kind: Kind;
  source: 'tmdb' | 'local';
  tmdb_id: number | null;
  title: string;
  original_title: string | null;
  original_language: string | null;
  overview: string | null;
  release_date: string | null;
  runtime: number | null;
  certification: string;
  genre_ids: number[];
  poster_path: string | null;
  backdrop_path: string | null;
  homepage: string | null;
  network: string | null;
  network_logo_path: string | null;
  popularity: number;
  vote_average: number;
  vote_count: number;
  season_count: number | null;
  episode_count: number | null;
  /** True for a full record (details): it may overwrite certification, runtime, network and counts. */
  details: boolean;
  /** Undefined leaves the stored seasons/credits as they are (a list entry knows none of them). */
  seasons?: SeasonInput[];
  credits?: CreditInput[];
}

const CHUNK = 1000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** A date TMDb may send as "" becomes null; anything else must be YYYY-MM-DD. */
const day = (value: string | null | undefined): string | null =>
  value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;

/**
 * Inserts or updates the titles and what they carry, in the caller's transaction. Each table gets one
 * statement per 1000 rows (jsonb_to_recordset), so seeding hundreds of titles stays a few queries.
 */
export async function upsertTitles(tx: Em, titles: TitleInput[]): Promise<void> {
  if (titles.length === 0) return;
  const now = new Date().toISOString();
  for (const batch of chunks(titles)) {
    const rows = batch.map((t) => ({
      ...t,
      release_date: day(t.release_date),
      genre_ids: `{${t.genre_ids.map((g) => Math.trunc(g)).join(',')}}`,
      maturity_level: maturityLevel(t.certification),
      details_synced_at: t.details ? now : null,
      seasons: undefined,
      credits: undefined,
    }));
    await tx.execute(
      `insert into titles (id, kind, source, tmdb_id, title, original_title, original_language, overview, release_date, runtime,
         certification, maturity_level, genre_ids, poster_path, backdrop_path, homepage, network, network_logo_path,
         popularity, vote_average, vote_count, season_count, episode_count, details_synced_at)
       select x.id, x.kind, x.source, x.tmdb_id, x.title, x.original_title, x.original_language, x.overview, x.release_date::date, x.runtime,
         x.certification, x.maturity_level, x.genre_ids::int[], x.poster_path, x.backdrop_path, x.homepage, x.network, x.network_logo_path,
         x.popularity, x.vote_average, x.vote_count, x.season_count, x.episode_count, x.details_synced_at::timestamptz
       from jsonb_to_recordset(?::jsonb) as x(id text, kind text, source text, tmdb_id int, title text, original_title text,
         original_language text, overview text, release_date text, runtime int, certification text, maturity_level int,
         genre_ids text, poster_path text, backdrop_path text, homepage text, network text, network_logo_path text,
         popularity real, vote_average real, vote_count int, season_count int, episode_count int, details_synced_at text)
       on conflict (id) do update set
         title = excluded.title, original_title = excluded.original_title, original_language = excluded.original_language,
         overview = coalesce(nullif(excluded.overview, ''), titles.overview), release_date = excluded.release_date,
         genre_ids = excluded.genre_ids, poster_path = coalesce(excluded.poster_path, titles.poster_path),
         backdrop_path = coalesce(excluded.backdrop_path, titles.backdrop_path), popularity = excluded.popularity,
         vote_average = excluded.vote_average, vote_count = excluded.vote_count, updated_at = now(),
         runtime = case when excluded.details_synced_at is null then titles.runtime else excluded.runtime end,
         certification = case when excluded.details_synced_at is null then titles.certification else excluded.certification end,
         maturity_level = case when excluded.details_synced_at is null then titles.maturity_level else excluded.maturity_level end,
         homepage = case when excluded.details_synced_at is null then titles.homepage else excluded.homepage end,
         network = case when excluded.details_synced_at is null then titles.network else excluded.network end,
         network_logo_path = case when excluded.details_synced_at is null then titles.network_logo_path else excluded.network_logo_path end,
         season_count = case when excluded.details_synced_at is null then titles.season_count else excluded.season_count end,
         episode_count = case when excluded.details_synced_at is null then titles.episode_count else excluded.episode_count end,
         details_synced_at = coalesce(excluded.details_synced_at, titles.details_synced_at)`,
      [JSON.stringify(rows)],
    );
    const ids = batch.map((t) => t.id);
    // title_genres copies the sort keys from titles, so it is rebuilt from the stored rows.
    await tx.execute('delete from title_genres where title_id in (?)', [ids]);
    await tx.execute(
      `insert into title_genres (genre_id, title_id, popularity, maturity_level)
       select g, t.id, t.popularity, t.maturity_level from titles t, unnest(t.genre_ids) as g where t.id in (?)`,
      [ids],
    );
  }
  await writeSeasons(
    tx,
    titles.filter((t) => t.seasons !== undefined),
  );
  await writeCredits(
    tx,
    titles.filter((t) => t.credits !== undefined),
  );
  await refreshSearchVectors(
    tx,
    titles.map((t) => t.id),
  );
}

async function writeSeasons(tx: Em, titles: TitleInput[]): Promise<void> {
  if (titles.length === 0) return;
  const seasons = titles.flatMap((t) =>
    t.seasons!.map((s) => ({ ...s, title_id: t.id, air_date: day(s.air_date), episodes: undefined })),
  );
  for (const batch of chunks(seasons)) {
    await tx.execute(
      `insert into seasons (id, title_id, tmdb_id, season_number, name, overview, air_date, poster_path, vote_average, episode_count)
       select x.id, x.title_id, x.tmdb_id, x.season_number, x.name, x.overview, x.air_date::date, x.poster_path, x.vote_average, x.episode_count
       from jsonb_to_recordset(?::jsonb) as x(id text, title_id text, tmdb_id int, season_number int, name text, overview text,
         air_date text, poster_path text, vote_average real, episode_count int)
       on conflict (title_id, season_number) do update set name = excluded.name, overview = excluded.overview,
         air_date = excluded.air_date, poster_path = coalesce(excluded.poster_path, seasons.poster_path),
         vote_average = excluded.vote_average, episode_count = excluded.episode_count, deleted_at = null, updated_at = now()`,
      [JSON.stringify(batch)],
    );
  }
  const episodes = titles.flatMap((t) =>
    t.seasons!.flatMap((s) =>
      (s.episodes ?? []).map((e) => ({
        ...e,
        title_id: t.id,
        season_number: s.season_number,
        air_date: day(e.air_date),
      })),
    ),
  );
  for (const batch of chunks(episodes)) {
    await tx.execute(
      `insert into episodes (id, title_id, tmdb_id, season_number, episode_number, name, overview, air_date, runtime, still_path, vote_average)
       select x.id, x.title_id, x.tmdb_id, x.season_number, x.episode_number, x.name, x.overview, x.air_date::date, x.runtime, x.still_path, x.vote_average
       from jsonb_to_recordset(?::jsonb) as x(id text, title_id text, tmdb_id int, season_number int, episode_number int, name text,
         overview text, air_date text, runtime int, still_path text, vote_average real)
       on conflict (title_id, season_number, episode_number) do update set name = excluded.name, overview = excluded.overview,
         air_date = excluded.air_date, runtime = excluded.runtime, still_path = coalesce(excluded.still_path, episodes.still_path),
         vote_average = excluded.vote_average, deleted_at = null, updated_at = now()`,
      [JSON.stringify(batch)],
    );
  }
}

async function writeCredits(tx: Em, titles: TitleInput[]): Promise<void> {
  if (titles.length === 0) return;
  await tx.execute('delete from credits where title_id in (?)', [titles.map((t) => t.id)]);
  const people = new Map<string, CreditInput>();
  const credits: Array<{ title_id: string; person_id: string; role: string; character: string | null; ord: number }> =
    [];
  const seen = new Set<string>();
  for (const t of titles) {
    for (const c of t.credits!) {
      people.set(c.person_id, c);
      const key = `${t.id}|${c.person_id}|${c.role}`;
      if (seen.has(key)) continue; // one person listed twice (two characters) keeps the first billing
      seen.add(key);
      credits.push({ title_id: t.id, person_id: c.person_id, role: c.role, character: c.character, ord: c.ord });
    }
  }
  for (const batch of chunks([...people.values()])) {
    await tx.execute(
      `insert into people (id, tmdb_id, name, profile_path)
       select x.person_id, x.tmdb_id, x.name, x.profile_path from jsonb_to_recordset(?::jsonb) as x(person_id text, tmdb_id int, name text, profile_path text)
       on conflict (id) do update set name = excluded.name, profile_path = coalesce(excluded.profile_path, people.profile_path)`,
      [JSON.stringify(batch)],
    );
  }
  for (const batch of chunks(credits)) {
    await tx.execute(
      `insert into credits (title_id, person_id, role, character, ord)
       select x.title_id, x.person_id, x.role, x.character, x.ord from jsonb_to_recordset(?::jsonb) as x(title_id text, person_id text, role text, character text, ord int)`,
      [JSON.stringify(batch)],
    );
  }
}
