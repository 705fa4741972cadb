// What makes the demo catalog look alive on its first start: release and availability dates placed
// relative to that start (so new releases and coming soon are never empty, whenever it is installed),
// the generated artwork paths, and the short reviews written for the demo (demo-reviews.json).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { artworkPath } from './artwork.ts';
import type { ReviewInput } from './store.ts';

const DAY = 86_400_000;

/** The day the demo facts describe: the recent slice moves so that this day becomes the first start. */
export const DEMO_AS_OF = '2025-07-19';
/** Releases from this day on are the recent slice; older titles keep their dates. */
const RECENT_FROM = '2024-01-01';
/** How many of the newest releases count as added lately, one every RECENT_STEP days back from the start. */
const RECENT_ADDED = 24;
const RECENT_STEP = 2.5;
/** Announced titles come out two weeks apart, the first UPCOMING_FIRST days after the start. */
const UPCOMING_FIRST = 10;
const UPCOMING_STEP = 14;
/** The rest of the catalog was added this long before the first start. */
const BACKLIST_AGE = 400;

export interface Placed {
  release_date: string | null;
  available_at: Date;
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Dates for each demo title (by position), relative to `now`: past releases of the recent slice shift by
 * (now − DEMO_AS_OF), announced ones come out two weeks apart from ten days on, the newest releases were
 * added over the last two months (newest first) and everything else long ago.
 */
export function placeDates(titles: Array<{ release_date?: string | null }>, now: Date): Placed[] {
  const start = now.getTime();
  const shift = start - Date.parse(DEMO_AS_OF);
  const placed: Placed[] = titles.map((t) => {
    const d = t.release_date ?? null;
    const recentPast = d !== null && d >= RECENT_FROM && d <= DEMO_AS_OF;
    return {
      release_date: recentPast ? dayOf(Date.parse(d) + shift) : d,
      available_at: new Date(start - BACKLIST_AGE * DAY),
    };
  });
  const upcoming = titles
    .map((t, i) => ({ d: t.release_date ?? '', i }))
    .filter((x) => x.d > DEMO_AS_OF)
    .sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : a.i - b.i));
  upcoming.forEach((x, rank) => {
    placed[x.i] = {
      release_date: dayOf(start + (UPCOMING_FIRST + rank * UPCOMING_STEP) * DAY),
      // Announced a month ago: in the catalog, not yet a new release (it is not out).
      available_at: new Date(start - 30 * DAY),
    };
  });
  const released = placed
    .map((p, i) => ({ d: p.release_date ?? '', i }))
    .filter((x) => x.d !== '' && x.d <= dayOf(start))
    .sort((a, b) => (a.d > b.d ? -1 : a.d < b.d ? 1 : a.i - b.i))
    .slice(0, RECENT_ADDED);
  released.forEach((x, rank) => {
    const added = start - (1 + rank * RECENT_STEP) * DAY;
    // A title is never available before its release.
    placed[x.i].available_at = new Date(Math.max(added, Date.parse(x.d)));
  });
  return placed;
}

/** Generated artwork for a demo title (served by GET /api/v1/artwork/:id/:kind.svg). */
export const demoArtwork = (id: string) => ({
  poster_path: artworkPath(id, 'poster'),
  backdrop_path: artworkPath(id, 'backdrop'),
});

interface DemoReview {
  author: string;
  rating: number | null;
  content: string;
  /** Days before the first start. */
  days_ago: number;
}

export const DEMO_REVIEWS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo-reviews.json');

/** The demo reviews by content id, dated relative to `now`. */
export async function loadDemoReviews(now: Date, file = DEMO_REVIEWS_FILE): Promise<Map<string, ReviewInput[]>> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { reviews: Record<string, DemoReview[]> };
  const out = new Map<string, ReviewInput[]>();
  for (const [titleId, list] of Object.entries(parsed.reviews)) {
    out.set(
      titleId,
      list.map((r, i) => ({
        id: `demo-${titleId}-${i + 1}`,
        author: r.author,
        avatar_path: null,
        rating: r.rating,
        content: r.content,
        created_at: new Date(now.getTime() - r.days_ago * DAY).toISOString(),
      })),
    );
  }
  return out;
}
