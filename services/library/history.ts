// What a profile watched: the history page (one entry per title, newest first), removing entries (which
// also drops the title from continue watching and next up), continue watching and next up.
import type { Em } from '../db/orm.ts';
import { parseContentId } from '../catalog/ids.ts';
import { image, type Card } from '../catalog/cards.ts';
import type { Viewer } from '../profiles/viewer.ts';
import { cardsFor } from './titles.ts';
import type { Page } from './collections.ts';

export interface EpisodeInfo {
  id: string;
  season_number: number;
  episode_number: number;
  name: string;
  runtime: number | null;
  still: string | null;
}

/** Seconds (the card's own `duration` is the runtime in minutes). */
export interface PlaybackState {
  position: number;
  duration: number;
  completed: boolean;
}

export interface HistoryItem extends Card {
  watched_at: string;
  episode: EpisodeInfo | null;
  progress: PlaybackState;
}

export interface ContinueItem extends Card {
  episode: EpisodeInfo | null;
  progress: PlaybackState;
  updated_at: string;
}

export interface NextUpItem extends Card {
  episode: EpisodeInfo;
  last_watched_at: string;
}

interface EpisodeCols {
  e_id: string | null;
  e_season: number | null;
  e_number: number | null;
  e_name: string | null;
  e_runtime: number | null;
  e_still: string | null;
}

const EPISODE_COLS =
  'e.id as e_id, e.season_number as e_season, e.episode_number as e_number, e.name as e_name, e.runtime as e_runtime, e.still_path as e_still';

const episodeOf = (r: EpisodeCols): EpisodeInfo | null =>
  r.e_id === null
    ? null
    : {
        id: r.e_id,
        season_number: r.e_season!,
        episode_number: r.e_number!,
        name: r.e_name ?? '',
        runtime: r.e_runtime,
        still: image(r.e_still),
      };

const iso = (x: string | Date): string => new Date(x).toISOString();
const offset = (page: Page) => (page.page - 1) * page.limit;

/** Rows of a page plus their cards, in the rows' order; `total` comes from a window count (0 past the end). */
async function withCards<R extends { title_id: string; total: string | number }, T>(
  em: Em,
  viewer: Viewer,
  rows: R[],
  build: (r: R, card: Card) => T,
) {
  const cards = await cardsFor(
    em,
    viewer,
    rows.map((r) => r.title_id),
  );
  const items = rows.flatMap((r) => {
    const card = cards.get(r.title_id);
    return card ? [build(r, card)] : [];
  });
  return { items, total: rows[0] ? Number(rows[0].total) : 0 };
}

export async function listHistory(
  em: Em,
  viewer: Viewer,
  page: Page,
): Promise<{ items: HistoryItem[]; total: number }> {
  type R = EpisodeCols & {
    title_id: string;
    watched_at: string;
    position: number;
    duration: number;
    completed: boolean;
    total: string;
  };
  const rows = await em.execute<R[]>(
    `select h.title_id, h.watched_at, h.position, h.duration, h.completed, ${EPISODE_COLS}, count(*) over () as total
     from watch_history h join titles t on t.id = h.title_id
     left join episodes e on e.id = h.episode_id
     where h.profile_id = ? and t.deleted_at is null and t.maturity_level <= ?
     order by h.watched_at desc, h.title_id limit ? offset ?`,
    [viewer.profileId, viewer.maxLevel, page.limit, offset(page)],
  );
  return withCards(em, viewer, rows, (r, card) => ({
    ...card,
    watched_at: iso(r.watched_at),
    episode: episodeOf(r),
    progress: { position: Number(r.position), duration: Number(r.duration), completed: r.completed },
  }));
}

/** Forgets one title (history entry and every progress row of it); `removed` is false if it was not there. */
export async function removeFromHistory(
  em: Em,
  viewer: Viewer,
  rawId: string,
): Promise<{ title_id: string; removed: boolean }> {
  const { id } = parseContentId(rawId);
  return em.transactional(async (tx) => {
    const a = await tx.execute<{ title_id: string }[]>(
      'delete from watch_history where profile_id = ? and title_id = ? returning title_id',
      [viewer.profileId, id],
    );
    const b = await tx.execute<{ title_id: string }[]>(
      'delete from playback_progress where profile_id = ? and title_id = ? returning title_id',
      [viewer.profileId, id],
    );
    return { title_id: id, removed: a.length + b.length > 0 };
  });
}

export async function clearHistory(em: Em, viewer: Viewer): Promise<{ removed: number }> {
  return em.transactional(async (tx) => {
    const a = await tx.execute<{ title_id: string }[]>(
      'delete from watch_history where profile_id = ? returning title_id',
      [viewer.profileId],
    );
    await tx.execute('delete from playback_progress where profile_id = ?', [viewer.profileId]);
    return { removed: a.length };
  });
}

// The most recent progress row of each title of the profile.
const LAST_PER_TITLE = `select distinct on (p.title_id) p.title_id, p.episode_id, p.position, p.duration, p.resume_position, p.completed, p.updated_at
  from playback_progress p where p.profile_id = ? order by p.title_id, p.updated_at desc`;

/** Titles whose latest item has a resume point, most recent first. */
export async function continueWatching(
  em: Em,
  viewer: Viewer,
  page: Page,
): Promise<{ items: ContinueItem[]; total: number }> {
  type R = EpisodeCols & {
    title_id: string;
    position: number;
    duration: number;
    resume_position: number;
    updated_at: string;
    total: string;
  };
  const rows = await em.execute<R[]>(
    `select last.title_id, last.position, last.duration, last.resume_position, last.updated_at, ${EPISODE_COLS}, count(*) over () as total
     from (${LAST_PER_TITLE}) last
     join titles t on t.id = last.title_id
     left join episodes e on e.id = nullif(last.episode_id, '')
     where last.resume_position is not null and t.deleted_at is null and t.maturity_level <= ?
     order by last.updated_at desc, last.title_id limit ? offset ?`,
    [viewer.profileId, viewer.maxLevel, page.limit, offset(page)],
  );
  return withCards(em, viewer, rows, (r, card) => ({
    ...card,
    episode: episodeOf(r),
    progress: { position: Number(r.resume_position), duration: Number(r.duration), completed: false },
    updated_at: iso(r.updated_at),
  }));
}

/**
 * For each series whose latest episode has no resume point: the episode to play next. Watched (over 90 %)
 * → the following one in (season, episode) order, across seasons and past specials (season 0); started but
 * under 5 % → that same episode again. A series whose final episode was the last one watched leaves the
 * list; re-watching any earlier episode brings it back with the episode after that one.
 */
export async function nextUp(em: Em, viewer: Viewer, page: Page): Promise<{ items: NextUpItem[]; total: number }> {
  type R = EpisodeCols & { title_id: string; updated_at: string; total: string };
  const rows = await em.execute<R[]>(
    `select last.title_id, last.updated_at, ${EPISODE_COLS}, count(*) over () as total
     from (${LAST_PER_TITLE}) last
     join titles t on t.id = last.title_id
     join episodes cur on cur.id = last.episode_id and cur.title_id = last.title_id
     join lateral (
       select x.id, x.season_number, x.episode_number, x.name, x.runtime, x.still_path from episodes x
       where x.title_id = last.title_id and x.deleted_at is null and (
         (not last.completed and x.id = last.episode_id) or
         (last.completed and x.season_number > 0 and (x.season_number, x.episode_number) > (cur.season_number, cur.episode_number)))
       order by x.season_number, x.episode_number limit 1
     ) e on true
     where t.kind = 'series' and last.resume_position is null and t.deleted_at is null and t.maturity_level <= ?
     order by last.updated_at desc, last.title_id limit ? offset ?`,
    [viewer.profileId, viewer.maxLevel, page.limit, offset(page)],
  );
  return withCards(em, viewer, rows, (r, card) => ({
    ...card,
    episode: episodeOf(r)!,
    last_watched_at: iso(r.updated_at),
  }));
}
