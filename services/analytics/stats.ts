// A profile's viewing stats (owner only), read from the daily rollups.
import { activeDays, byDay, byDevice, byGenre, profileTotals } from '../../repositories/analytics-stats.ts';
import { rollupUpdatedAt, ownedProfileIds } from '../../repositories/analytics.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { DAILY_ROLLUP } from './rollup.ts';

const DAY_MS = 86_400_000;

/** Consecutive days with viewing, ending today or (when today has none yet) yesterday. */
export function streak(daysDesc: string[], today: Date): number {
  const set = new Set(daysDesc);
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  let t = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  if (!set.has(iso(t))) t -= DAY_MS;
  let n = 0;
  while (set.has(iso(t))) {
    n++;
    t -= DAY_MS;
  }
  return n;
}

export async function viewingStats(deps: Pick<Deps, 'em' | 'clock'>, userId: string, profileId: string) {
  const now = deps.clock.now();
  const today = now.toISOString().slice(0, 10);
  const [owned] = await ownedProfileIds(deps.em, userId, [profileId]);
  if (!owned) throw new AppError('NOT_FOUND', 'Profile not found');
  const { em } = deps;
  const [totals, genres, days, devices, active, through] = await Promise.all([
    profileTotals(em, profileId),
    byGenre(em, profileId),
    byDay(em, profileId, 30, today),
    byDevice(em, profileId),
    activeDays(em, profileId, 400, today),
    rollupUpdatedAt(em, DAILY_ROLLUP),
  ]);
  return {
    profile_id: profileId,
    total_watch_seconds: totals.watch_seconds,
    titles_started: totals.started,
    titles_completed: totals.completed,
    by_genre: genres.map((g) => ({ genre_id: g.key, name: g.name, watch_seconds: g.watch_seconds, titles: g.titles })),
    by_day: days.map((d) => ({ day: d.key, watch_seconds: d.watch_seconds, titles: d.titles })),
    by_device: devices.map((d) => ({ device_type: d.key, watch_seconds: d.watch_seconds, titles: d.titles })),
    current_streak_days: streak(active, now),
    aggregated_through: through ? through.toISOString() : null,
  };
}
