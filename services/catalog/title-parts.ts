// The parts of many titles at once (seasons with their episodes, billed credits), in the MOVIE_DETAILS
// shapes: one query per part for a whole page of titles, so a GraphQL list that asks for them stays flat.
import { billedCreditsOf } from '../../repositories/credits.ts';
import { liveEpisodesOf, liveSeasonsOf } from '../../repositories/episodes.ts';
import type { Em } from '../db/orm.ts';
import { type CastMember, type Episode, type Season, toCastMember, toEpisode, toSeason } from './details.ts';

function group<T, K>(rows: T[], keyOf: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const list = out.get(keyOf(row));
    if (list) list.push(row);
    else out.set(keyOf(row), [row]);
  }
  return out;
}

/** Live seasons per title id (without episodes: episodesOfTitles reads those when asked). */
export async function seasonsOfTitles(
  em: Em,
  titleIds: string[],
): Promise<Map<string, Array<Season & { title_id: string }>>> {
  const rows = await liveSeasonsOf(em, [...new Set(titleIds)]);
  const seasons = rows.map((s) => ({ ...toSeason(s, []), title_id: s.title_id }));
  return group(seasons, (s) => s.title_id);
}

/** Live episodes per title id and season number (key `${title_id}:${season_number}`). */
export async function episodesOfTitles(em: Em, titleIds: string[]): Promise<Map<string, Episode[]>> {
  const rows = await liveEpisodesOf(em, [...new Set(titleIds)]);
  const grouped = group(rows, (e) => `${e.title_id}:${e.season_number}`);
  return new Map([...grouped].map(([key, list]) => [key, list.map(toEpisode)]));
}

/** Billed credits per title id: the cast in billing order and the directors' names. */
export async function creditsOfTitles(
  em: Em,
  titleIds: string[],
): Promise<Map<string, { cast: CastMember[]; directors: string[] }>> {
  const rows = await billedCreditsOf(em, [...new Set(titleIds)]);
  const out = new Map<string, { cast: CastMember[]; directors: string[] }>();
  for (const row of rows) {
    let entry = out.get(row.title_id);
    if (!entry) {
      entry = { cast: [], directors: [] };
      out.set(row.title_id, entry);
    }
    if (row.role === 'director') entry.directors.push(row.name);
    else if (row.role === 'cast') entry.cast.push(toCastMember(row));
  }
  return out;
}
