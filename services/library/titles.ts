// Catalog lookups the library needs: a title (404 unknown, 403 above the viewer's maturity), an episode of a
// series, and the cards (seed 003 MOVIE_LIST items with this viewer's flags) of a page of title ids.
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { parseContentId } from '../catalog/ids.ts';
import { CARD_COLUMNS, toCard, withFlags, type Card, type CardRow } from '../catalog/cards.ts';
import type { Viewer } from '../profiles/viewer.ts';

export interface TitleRef {
  id: string;
  kind: 'movie' | 'series';
  maturity_level: number;
}

/** The live title for a client-sent id (seed 003's bare "19404" reads as m19404). */
export async function requireTitle(em: Em, viewer: Viewer, rawId: string): Promise<TitleRef> {
  const { id } = parseContentId(rawId);
  const rows = await em.execute<TitleRef[]>(
    'select id, kind, maturity_level from titles where id = ? and deleted_at is null',
    [id],
  );
  const title = rows[0];
  if (!title) throw new AppError('NOT_FOUND', 'Title not found', { id });
  if (title.maturity_level > viewer.maxLevel)
    throw new AppError('CONTENT_RESTRICTED', 'This title is above the profile’s maturity rating', { id });
  return title;
}

export interface EpisodeRef {
  id: string;
  season_number: number;
  episode_number: number;
  runtime: number | null;
}

export async function requireEpisode(em: Em, titleId: string, episodeId: string): Promise<EpisodeRef> {
  const rows = await em.execute<EpisodeRef[]>(
    'select id, season_number, episode_number, runtime from episodes where id = ? and title_id = ? and deleted_at is null',
    [episodeId, titleId],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'Episode not found in this title', { episode_id: episodeId });
  return rows[0];
}

/** Cards for the ids, in the given order, with the viewer's flags; titles gone or now above the ceiling drop out. */
export async function cardsFor(em: Em, viewer: Viewer, ids: string[]): Promise<Map<string, Card>> {
  if (ids.length === 0) return new Map();
  const rows = await em.execute<CardRow[]>(
    `select ${CARD_COLUMNS} from titles t where t.id in (?) and t.deleted_at is null and t.maturity_level <= ?`,
    [ids, viewer.maxLevel],
  );
  const cards = await withFlags(em, viewer.profileId, rows.map(toCard));
  return new Map(cards.map((c) => [c.id, c]));
}
