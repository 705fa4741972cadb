// Writes titles into the catalog tables in batches: titles, title_genres, seasons, episodes, people and
// credits, reviews, then their search vectors. Used by the demo seed, the TMDb read-through and catalog:sync.
import { deleteCredits, insertCredits, upsertPeople } from '../../repositories/credits.ts';
import { upsertEpisodeRows, upsertSeasonRows } from '../../repositories/episodes.ts';
import { replaceReviews } from '../../repositories/reviews.ts';
import { rebuildTitleGenres, refreshSearchVectors, upsertTitleRows } from '../../repositories/title-store.ts';
import type { Em } from '../db/orm.ts';
import { maturityLevel } from './maturity.ts';
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
  /** Undefined leaves the stored reviews; an array replaces them (TMDb details, the demo seed). */
  reviews?: ReviewInput[];
  /** When the title entered the catalog (default: now); an update never moves it. */
  available_at?: Date;
}

export interface ReviewInput {
  id: string;
  author: string;
  avatar_path: string | null;
  rating: number | null;
  content: string;
  created_at: string;
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
 * statement per 1000 rows, so seeding hundreds of titles stays a few queries.
 */
export async function upsertTitles(tx: Em, titles: TitleInput[]): Promise<void> {
  if (titles.length === 0) return;
  const now = new Date();
  for (const batch of chunks(titles)) {
    await upsertTitleRows(
      tx,
      batch.map(({ details, seasons: _s, credits: _c, reviews: _r, ...t }) => ({
        ...t,
        release_date: day(t.release_date),
        genre_ids: t.genre_ids.map((g) => Math.trunc(g)),
        maturity_level: maturityLevel(t.certification),
        details_synced_at: details ? now : null,
      })),
    );
    await rebuildTitleGenres(
      tx,
      batch.map((t) => t.id),
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
  const reviewed = titles.filter((t) => t.reviews !== undefined);
  await replaceReviews(
    tx,
    reviewed.map((t) => t.id),
    reviewed.flatMap((t) =>
      (t.reviews ?? []).map((r) => ({ ...r, created_at: new Date(r.created_at), title_id: t.id })),
    ),
  );
  await refreshSearchVectors(
    tx,
    titles.map((t) => t.id),
  );
}

async function writeSeasons(tx: Em, titles: TitleInput[]): Promise<void> {
  const seasons = titles.flatMap((t) =>
    (t.seasons ?? []).map(({ episodes: _e, ...s }) => ({ ...s, title_id: t.id, air_date: day(s.air_date) })),
  );
  for (const batch of chunks(seasons)) await upsertSeasonRows(tx, batch);
  const episodes = titles.flatMap((t) =>
    (t.seasons ?? []).flatMap((s) =>
      (s.episodes ?? []).map((e) => ({
        ...e,
        title_id: t.id,
        season_number: s.season_number,
        air_date: day(e.air_date),
      })),
    ),
  );
  for (const batch of chunks(episodes)) await upsertEpisodeRows(tx, batch);
}

async function writeCredits(tx: Em, titles: TitleInput[]): Promise<void> {
  if (titles.length === 0) return;
  await deleteCredits(
    tx,
    titles.map((t) => t.id),
  );
  const people = new Map<string, { id: string; tmdb_id: number | null; name: string; profile_path: string | null }>();
  const credits: Array<{
    title_id: string;
    person_id: string;
    role: CreditInput['role'];
    character: string | null;
    ord: number;
  }> = [];
  const seen = new Set<string>();
  for (const t of titles) {
    for (const c of t.credits ?? []) {
      people.set(c.person_id, { id: c.person_id, tmdb_id: c.tmdb_id, name: c.name, profile_path: c.profile_path });
      const key = `${t.id}|${c.person_id}|${c.role}`;
      if (seen.has(key)) continue; // one person listed twice (two characters) keeps the first billing
      seen.add(key);
      credits.push({ title_id: t.id, person_id: c.person_id, role: c.role, character: c.character, ord: c.ord });
    }
  }
  for (const batch of chunks([...people.values()])) await upsertPeople(tx, batch);
  for (const batch of chunks(credits)) await insertCredits(tx, batch);
}
