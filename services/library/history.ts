// What a profile watched: the history page (one entry per title, newest first), removing entries (which
// also drops the title from continue watching and next up), continue watching and next up.
import type { Static } from '@sinclair/typebox';
import type { Page } from '../../repositories/library.ts';
import * as history from '../../repositories/history.ts';
import type { EpisodeRow } from '../../repositories/history.ts';
import type { ContinueResponse, HistoryResponse, NextUpResponse } from '../../schemas/library.ts';
import { type Card, image } from '../catalog/cards.ts';
import type { Em } from '../db/orm.ts';
import type { Viewer } from '../deps.ts';
import { cardsFor, resolveTitleId } from './titles.ts';

export type HistoryItem = Static<typeof HistoryResponse>['data']['history'][number];
export type ContinueItem = Static<typeof ContinueResponse>['data']['content'][number];
export type NextUpItem = Static<typeof NextUpResponse>['data']['content'][number];
export type EpisodeInfo = NextUpItem['episode'];
/** Seconds (the card's own `duration` is the runtime in minutes). */
export type PlaybackState = HistoryItem['progress'];

const episodeInfo = (e: EpisodeRow): EpisodeInfo => ({
  id: e.id,
  season_number: e.season_number,
  episode_number: e.episode_number,
  name: e.name,
  runtime: e.runtime,
  still: image(e.still_path),
});

/** Rows of a page with their cards, in the rows' order; rows whose title has no card drop out. */
async function withCards<R extends { title_id: string }, T>(
  em: Em,
  viewer: Viewer,
  rows: R[],
  build: (r: R, card: Card) => T,
): Promise<T[]> {
  const cards = await cardsFor(
    em,
    viewer,
    rows.map((r) => r.title_id),
  );
  return rows.flatMap((r) => {
    const card = cards.get(r.title_id);
    return card ? [build(r, card)] : [];
  });
}

export async function listHistory(
  em: Em,
  viewer: Viewer,
  page: Page,
): Promise<{ items: HistoryItem[]; total: number }> {
  const { rows, total } = await history.listHistory(em, viewer.profileId, viewer.maxLevel, page);
  const items = await withCards(em, viewer, rows, (r, card) => ({
    ...card,
    watched_at: r.watched_at.toISOString(),
    episode: r.episode && episodeInfo(r.episode),
    progress: { position: r.position, duration: r.duration, completed: r.completed },
  }));
  return { items, total };
}

/** Forgets one title (history entry and every progress row of it); `removed` is false if it was not there. */
export async function removeFromHistory(
  em: Em,
  viewer: Viewer,
  rawId: string,
): Promise<{ title_id: string; removed: boolean }> {
  const id = await resolveTitleId(em, rawId);
  const removed = await em.transactional((tx) => history.forgetTitle(tx, viewer.profileId, id));
  return { title_id: id, removed };
}

export async function clearHistory(em: Em, viewer: Viewer): Promise<{ removed: number }> {
  return { removed: await em.transactional((tx) => history.forgetAll(tx, viewer.profileId)) };
}

/** Titles whose latest item has a resume point, most recent first. */
export async function continueWatching(
  em: Em,
  viewer: Viewer,
  page: Page,
): Promise<{ items: ContinueItem[]; total: number }> {
  const { rows, total } = await history.listContinue(em, viewer.profileId, viewer.maxLevel, page);
  const items = await withCards(em, viewer, rows, (r, card) => ({
    ...card,
    episode: r.episode && episodeInfo(r.episode),
    progress: { position: r.resume_position, duration: r.duration, completed: false },
    updated_at: r.updated_at.toISOString(),
  }));
  return { items, total };
}

/**
 * For each series whose latest episode has no resume point: the episode to play next. Watched (over 90 %)
 * → the following one in (season, episode) order, across seasons and past specials (season 0); started but
 * under 5 % → that same episode again. A series whose final episode was the last one watched leaves the
 * list; re-watching any earlier episode brings it back with the episode after that one.
 */
export async function nextUp(em: Em, viewer: Viewer, page: Page): Promise<{ items: NextUpItem[]; total: number }> {
  const { rows, total } = await history.listNextUp(em, viewer.profileId, viewer.maxLevel, page);
  const items = await withCards(em, viewer, rows, (r, card) => ({
    ...card,
    episode: episodeInfo(r.episode),
    last_watched_at: r.updated_at.toISOString(),
  }));
  return { items, total };
}
