// Favourites (seed 003) and the watchlist (seed 001): per-profile sets of titles. Adding is idempotent
// (an upsert on the (profile_id, title_id) key, so a double click or 20 parallel adds keep one row).
import * as library from '../../repositories/library.ts';
import type { Collection, Page } from '../../repositories/library.ts';
import type { Card } from '../catalog/cards.ts';
import type { Em } from '../db/orm.ts';
import type { Viewer } from '../deps.ts';
import { cardsFor, requireTitle, resolveTitleId } from './titles.ts';

export type { Collection, Page };

/** Adds a title; `created` is false when it was already there (nothing changes then). */
export async function addToCollection(
  em: Em,
  viewer: Viewer,
  which: Collection,
  rawId: string,
): Promise<{ title_id: string; created: boolean }> {
  const title = await requireTitle(em, viewer, rawId);
  const created = await library.addToCollection(em, which, {
    userId: viewer.userId,
    profileId: viewer.profileId,
    titleId: title.id,
  });
  return { title_id: title.id, created };
}

/** Removes a title; `removed` is false when it was not there (still a success: the end state is the same). */
export async function removeFromCollection(
  em: Em,
  viewer: Viewer,
  which: Collection,
  rawId: string,
): Promise<{ title_id: string; removed: boolean }> {
  const id = await resolveTitleId(em, rawId);
  return { title_id: id, removed: await library.removeFromCollection(em, which, viewer.profileId, id) };
}

/** Newest first; titles now above the viewer's ceiling or removed from the catalog are left out. */
export async function listCollection(
  em: Em,
  viewer: Viewer,
  which: Collection,
  page: Page,
): Promise<{ items: Card[]; total: number }> {
  const { titleIds, total } = await library.listCollection(em, which, viewer.profileId, viewer.maxLevel, page);
  const cards = await cardsFor(em, viewer, titleIds);
  return { items: titleIds.map((id) => cards.get(id)).filter((c): c is Card => Boolean(c)), total };
}
