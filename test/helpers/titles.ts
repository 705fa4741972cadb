// Test titles: the few movies (m<n>), series (s<n>) and episodes a library test needs, written through the
// catalog's own import path (services/catalog/store.ts), so they carry genre rows and search vectors too.
import type { FastifyInstance } from 'fastify';
import type { Em } from '../../services/db/orm.ts';
import { type SeasonInput, type TitleInput, upsertTitles } from '../../services/catalog/store.ts';

let next = 900_000 + Math.floor(Math.random() * 50_000);

export interface TestMovie {
  id: string;
  title: string;
}

const base = (id: string, title: string): TitleInput => ({
  id,
  kind: 'movie',
  source: 'local',
  tmdb_id: next,
  title,
  original_title: null,
  original_language: null,
  overview: null,
  release_date: null,
  runtime: null,
  certification: 'NR',
  genre_ids: [18],
  poster_path: null,
  backdrop_path: null,
  homepage: null,
  network: null,
  network_logo_path: null,
  popularity: 0,
  vote_average: 0,
  vote_count: 0,
  season_count: null,
  episode_count: null,
  details: true,
});

const write = (app: FastifyInstance, title: TitleInput): Promise<void> =>
  app.em().transactional((tx) => upsertTitles(tx as Em, [title]));

export async function addMovie(
  app: FastifyInstance,
  options: { certification?: string; runtime?: number; title?: string; availableAt?: Date } = {},
): Promise<TestMovie> {
  next += 1;
  const id = `m${next}`;
  const title = options.title ?? `Movie ${next}`;
  await write(app, {
    ...base(id, title),
    overview: 'A test film.',
    release_date: '2020-01-01',
    runtime: options.runtime ?? 120,
    certification: options.certification ?? 'PG',
    poster_path: '/p.jpg',
    vote_average: 7.5,
    ...(options.availableAt ? { available_at: options.availableAt } : {}),
  });
  return { id, title };
}

export interface TestSeries {
  id: string;
  /** episodes[season - 1][episode - 1] */
  episodes: string[][];
}

/** A series with the given number of episodes per season (seasons numbered from 1). */
export async function addSeries(
  app: FastifyInstance,
  seasons: number[],
  options: { certification?: string } = {},
): Promise<TestSeries> {
  next += 1;
  const id = `s${next}`;
  const episodes = seasons.map((count, i) => Array.from({ length: count }, (_, e) => `${id}-e${i + 1}x${e + 1}`));
  const seasonInputs: SeasonInput[] = seasons.map((count, i) => ({
    id: `${id}-s${i + 1}`,
    tmdb_id: null,
    season_number: i + 1,
    name: `Season ${i + 1}`,
    overview: null,
    air_date: null,
    poster_path: null,
    vote_average: 0,
    episode_count: count,
    episodes: episodes[i].map((epId, e) => ({
      id: epId,
      tmdb_id: null,
      season_number: i + 1,
      episode_number: e + 1,
      name: `Episode ${e + 1}`,
      overview: null,
      air_date: null,
      runtime: 45,
      still_path: null,
      vote_average: 0,
    })),
  }));
  await write(app, {
    ...base(id, `Series ${next}`),
    kind: 'series',
    overview: 'A test series.',
    runtime: 45,
    certification: options.certification ?? 'TV-PG',
    season_count: seasons.length,
    episode_count: seasons.reduce((a, b) => a + b, 0),
    seasons: seasonInputs,
  });
  return { id, episodes };
}
