// Catalog lookups the library needs: a title (404 unknown, 403 above the viewer's maturity), an episode of a
// series, and the cards (seed 003 MOVIE_LIST items with this viewer's flags) of a page of title ids.
import { type EpisodeRef, findLiveEpisode } from '../../repositories/episodes.ts';
import { visibleCardRows } from '../../repositories/library-catalog.ts';
import { findLiveTitle, type TitleRef } from '../../repositories/titles.ts';
import { type Card, toCard, withFlags } from '../catalog/cards.ts';
import { bareSeriesId, parseContentId } from '../catalog/ids.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Viewer } from '../deps.ts';

export type { EpisodeRef, TitleRef };

/** The live title a client-sent id names: a bare number is the movie, or the series when no movie has it. */
async function findByClientId(em: Em, rawId: string): Promise<{ id: string; title: TitleRef | undefined }> {
  const { id } = parseContentId(rawId);
  const movie = await findLiveTitle(em, id);
  const series = bareSeriesId(rawId);
  if (movie || !series) return { id, title: movie };
  const title = await findLiveTitle(em, series);
  return title ? { id: series, title } : { id, title: undefined };
}

/** The stored id a client-sent id names (for removals, which must work on titles gone from the catalog too). */
export async function resolveTitleId(em: Em, rawId: string): Promise<string> {
  return (await findByClientId(em, rawId)).id;
}

/** The live title for a client-sent id (seed 003's bare "19404" reads as m19404, else s19404). */
export async function requireTitle(em: Em, viewer: Viewer, rawId: string): Promise<TitleRef> {
  const { id, title } = await findByClientId(em, rawId);
  if (!title) throw new AppError('NOT_FOUND', 'Title not found', { id });
  if (title.maturity_level > viewer.maxLevel)
    throw new AppError('CONTENT_RESTRICTED', 'This title is above the profile’s maturity rating', { id });
  return title;
}

export async function requireEpisode(em: Em, titleId: string, episodeId: string): Promise<EpisodeRef> {
  const episode = await findLiveEpisode(em, titleId, episodeId);
  if (!episode) throw new AppError('NOT_FOUND', 'Episode not found in this title', { episode_id: episodeId });
  return episode;
}

/** Cards for the ids, in the given order, with the viewer's flags; titles gone or now above the ceiling drop out. */
export async function cardsFor(em: Em, viewer: Viewer, ids: string[]): Promise<Map<string, Card>> {
  if (ids.length === 0) return new Map();
  const rows = await visibleCardRows(em, ids, viewer.maxLevel);
  const cards = await withFlags(em, viewer.profileId, rows.map(toCard));
  return new Map(cards.map((c) => [c.id, c]));
}
