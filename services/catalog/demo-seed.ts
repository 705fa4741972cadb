// The bundled demo catalog (services/catalog/demo-catalog.json, facts only) and its one-time import into an
// empty catalog, in one transaction, with a synopsis generated from each title's facts, generated artwork,
// the demo reviews and dates placed relative to the first start (demo-alive.ts).
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockCatalogSeed } from '../../repositories/title-store.ts';
import { hasAnyTitle } from '../../repositories/titles.ts';
import type { Em } from '../db/orm.ts';
import { ALL_GENRES } from './genres.ts';
import { tmdbContentId } from './ids.ts';
import { demoArtwork, loadDemoReviews, type Placed, placeDates } from './demo-alive.ts';
import { upsertTitles, type CreditInput, type ReviewInput, type TitleInput } from './store.ts';
import { synopsis } from './synopsis.ts';

export interface DemoTitle {
  tmdb_id: number;
  type: 'movie' | 'series';
  title: string;
  original_title?: string | null;
  original_language?: string | null;
  release_date?: string | null;
  runtime?: number | null;
  genres: number[];
  certification?: string | null;
  popularity?: number;
  vote_average?: number;
  vote_count?: number;
  directors?: string[];
  cast?: Array<{ name: string; character?: string | null }>;
  network?: string | null;
  seasons?: Array<{
    season_number: number;
    air_date?: string | null;
    episodes?: Array<{ episode_number: number; name: string; air_date?: string | null; runtime?: number | null }>;
  }>;
}

export const DEMO_CATALOG_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo-catalog.json');

const genreName = new Map(ALL_GENRES.map((g) => [g.id, g.name]));

/** People of the demo catalog have no TMDb id: a stable id from the name keeps one row per person. */
const personId = (name: string): string =>
  `n${createHash('sha1').update(name.trim().toLowerCase()).digest('hex').slice(0, 16)}`;

/** Where a demo title lands on the first start (demo-alive.ts); without it, the dates of the file. */
export interface DemoPlacement {
  placed?: Placed;
  reviews?: ReviewInput[];
}

export function demoTitleInput(d: DemoTitle, at: DemoPlacement = {}): TitleInput {
  const releaseDate = at.placed ? at.placed.release_date : (d.release_date ?? null);
  const kind = d.type === 'series' ? 'series' : 'movie';
  const id = tmdbContentId(kind, d.tmdb_id);
  const directors = d.directors ?? [];
  const cast = d.cast ?? [];
  const seasons = kind === 'series' ? (d.seasons ?? []) : [];
  const credits: CreditInput[] = [
    ...directors.map(
      (name, i): CreditInput => ({
        person_id: personId(name),
        tmdb_id: null,
        name,
        profile_path: null,
        role: 'director',
        character: null,
        ord: i,
      }),
    ),
    ...cast.map(
      (c, i): CreditInput => ({
        person_id: personId(c.name),
        tmdb_id: null,
        name: c.name,
        profile_path: null,
        role: 'cast',
        character: c.character ?? null,
        ord: i,
      }),
    ),
  ];
  const episodeCount = seasons.reduce((n, s) => n + (s.episodes?.length ?? 0), 0);
  return {
    id,
    kind,
    source: 'tmdb',
    tmdb_id: d.tmdb_id,
    title: d.title,
    original_title: d.original_title ?? d.title,
    original_language: d.original_language ?? null,
    overview: synopsis({
      kind,
      year: releaseDate ? Number(releaseDate.slice(0, 4)) : null,
      genres: d.genres.map((g) => genreName.get(g)).filter((g): g is string => Boolean(g)),
      directors,
      cast: cast.map((c) => c.name),
      network: d.network ?? null,
      seasons: seasons.length,
    }),
    release_date: releaseDate,
    available_at: at.placed?.available_at,
    runtime: d.runtime ?? null,
    certification: d.certification ?? 'NR',
    genre_ids: d.genres,
    ...demoArtwork(id),
    homepage: null,
    network: d.network ?? null,
    network_logo_path: null,
    popularity: d.popularity ?? 0,
    vote_average: d.vote_average ?? 0,
    vote_count: d.vote_count ?? 0,
    season_count: kind === 'series' ? seasons.length : null,
    episode_count: kind === 'series' ? episodeCount : null,
    details: true,
    seasons: seasons.map((s) => ({
      id: `${id}-s${s.season_number}`,
      tmdb_id: null,
      season_number: s.season_number,
      name: s.season_number === 0 ? 'Specials' : `Season ${s.season_number}`,
      overview: null,
      air_date: s.air_date ?? null,
      poster_path: null,
      vote_average: 0,
      episode_count: s.episodes?.length ?? 0,
      episodes: (s.episodes ?? []).map((e) => ({
        id: `${id}-s${s.season_number}e${e.episode_number}`,
        tmdb_id: null,
        season_number: s.season_number,
        episode_number: e.episode_number,
        name: e.name,
        overview: null,
        air_date: e.air_date ?? null,
        runtime: e.runtime ?? null,
        still_path: null,
        vote_average: 0,
      })),
    })),
    credits,
    reviews: at.reviews,
  };
}

export async function loadDemoCatalog(file = DEMO_CATALOG_FILE): Promise<DemoTitle[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { titles: DemoTitle[] };
  return parsed.titles;
}

/**
 * Imports the demo catalog when the titles table is empty; returns how many titles it imported (0 when
 * the catalog already has rows). Dates are placed relative to `now` (the first start) and the demo
 * reviews attached. An advisory lock makes concurrent first starts import once.
 */
export async function seedDemoCatalog(em: Em, titles: DemoTitle[], now = new Date()): Promise<number> {
  const reviews = await loadDemoReviews(now);
  const placed = placeDates(titles, now);
  return em.transactional(async (tx) => {
    await lockCatalogSeed(tx as Em);
    if (await hasAnyTitle(tx as Em)) return 0;
    await upsertTitles(
      tx as Em,
      titles.map((d, i) =>
        demoTitleInput(d, { placed: placed[i], reviews: reviews.get(tmdbContentId(d.type, d.tmdb_id)) }),
      ),
    );
    return titles.length;
  });
}
