// Test titles: inserts the few movies (m<n>), series (s<n>) and episodes a library test needs, with the
// certification's maturity level, straight into the catalog tables.
import type { FastifyInstance } from 'fastify';
import { maturityLevel } from '../../services/catalog/maturity.ts';

let next = 900_000 + Math.floor(Math.random() * 50_000);

export interface TestMovie {
  id: string;
  title: string;
}

export async function addMovie(
  app: FastifyInstance,
  options: { certification?: string; runtime?: number; title?: string } = {},
): Promise<TestMovie> {
  next += 1;
  const id = `m${next}`;
  const title = options.title ?? `Movie ${next}`;
  const cert = options.certification ?? 'PG';
  await app.em().execute(
    `insert into titles (id, kind, source, tmdb_id, title, overview, release_date, runtime, certification, maturity_level, genre_ids, poster_path, vote_average)
     values (?, 'movie', 'local', ?, ?, 'A test film.', '2020-01-01', ?, ?, ?, '{18}', '/p.jpg', 7.5)`,
    [id, next, title, options.runtime ?? 120, cert, maturityLevel(cert)],
  );
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
  const cert = options.certification ?? 'TV-PG';
  const em = app.em();
  await em.execute(
    `insert into titles (id, kind, source, tmdb_id, title, overview, runtime, certification, maturity_level, genre_ids, season_count, episode_count)
     values (?, 'series', 'local', ?, ?, 'A test series.', 45, ?, ?, '{18}', ?, ?)`,
    [id, next, `Series ${next}`, cert, maturityLevel(cert), seasons.length, seasons.reduce((a, b) => a + b, 0)],
  );
  const episodes: string[][] = [];
  for (const [i, count] of seasons.entries()) {
    const season: string[] = [];
    await em.execute(`insert into seasons (id, title_id, season_number, name, episode_count) values (?, ?, ?, ?, ?)`, [
      `${id}-s${i + 1}`,
      id,
      i + 1,
      `Season ${i + 1}`,
      count,
    ]);
    for (let e = 1; e <= count; e++) {
      const epId = `${id}-e${i + 1}x${e}`;
      await em.execute(
        `insert into episodes (id, title_id, season_number, episode_number, name, runtime) values (?, ?, ?, ?, ?, 45)`,
        [epId, id, i + 1, e, `Episode ${e}`],
      );
      season.push(epId);
    }
    episodes.push(season);
  }
  return { id, episodes };
}
