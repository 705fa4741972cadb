// Playback-quality SQL: one summary row per playback session, raised by each beacon, and the admin report
// over those rows (per title and overall in one pass, with GROUP BY ROLLUP).
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';

export interface BeaconTotals {
  startup_ms: number | null;
  watch_ms: number;
  rebuffer_count: number;
  rebuffer_ms: number;
  bitrate_switches: number;
  avg_bitrate_kbps: number | null;
  renditions: string[];
  dropped_frames: number;
  fatal_errors: number;
  ended: boolean;
}

export async function ownSession(em: Em, userId: string, sessionId: string) {
  return db(em)
    .selectFrom('playback_sessions')
    .select(['title_id', 'device_type'])
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * Raises the session's summary to the beacon's totals: counters only grow (greatest), the startup time is
 * the first one reported, renditions are the union; so beacons may arrive late, twice or out of order.
 */
export async function upsertBeacon(
  em: Em,
  s: { sessionId: string; userId: string; titleId: string; deviceType: string },
  b: BeaconTotals,
): Promise<number> {
  const { rows } = await sql<{ beacons: number }>`insert into playback_qoe (session_id, user_id, title_id,
      device_type, beacons, startup_ms, watch_ms, rebuffer_count, rebuffer_ms, bitrate_switches, avg_bitrate_kbps,
      renditions, dropped_frames, fatal_errors, ended)
    values (${s.sessionId}, ${s.userId}, ${s.titleId}, ${s.deviceType}, 1, ${b.startup_ms}, ${b.watch_ms},
      ${b.rebuffer_count}, ${b.rebuffer_ms}, ${b.bitrate_switches}, ${b.avg_bitrate_kbps},
      cast(${JSON.stringify(b.renditions)} as jsonb), ${b.dropped_frames}, ${b.fatal_errors}, ${b.ended})
    on conflict (session_id) do update set
      beacons = playback_qoe.beacons + 1,
      startup_ms = coalesce(playback_qoe.startup_ms, excluded.startup_ms),
      avg_bitrate_kbps = case when excluded.watch_ms >= playback_qoe.watch_ms
        then coalesce(excluded.avg_bitrate_kbps, playback_qoe.avg_bitrate_kbps) else playback_qoe.avg_bitrate_kbps end,
      watch_ms = greatest(playback_qoe.watch_ms, excluded.watch_ms),
      rebuffer_count = greatest(playback_qoe.rebuffer_count, excluded.rebuffer_count),
      rebuffer_ms = greatest(playback_qoe.rebuffer_ms, excluded.rebuffer_ms),
      bitrate_switches = greatest(playback_qoe.bitrate_switches, excluded.bitrate_switches),
      renditions = (select coalesce(jsonb_agg(distinct r order by r), '[]'::jsonb)
        from jsonb_array_elements_text(playback_qoe.renditions || excluded.renditions) as r),
      dropped_frames = greatest(playback_qoe.dropped_frames, excluded.dropped_frames),
      fatal_errors = greatest(playback_qoe.fatal_errors, excluded.fatal_errors),
      ended = playback_qoe.ended or excluded.ended,
      last_at = now()
    returning beacons`.execute(db(em));
  return Number(rows[0]?.beacons ?? 0);
}

export interface QoeRow {
  title_id: string | null;
  sessions: number;
  watch_ms: number;
  stall_ms: number;
  startup_p50: number | null;
  startup_p95: number | null;
  ebvs: number;
  errored: number;
  avg_bitrate: number | null;
}

/** Per title (title_id set) and overall (title_id null) over sessions first seen in [from, to). */
export async function qoeReport(em: Em, from: Date, to: Date, titleId: string | null): Promise<QoeRow[]> {
  const { rows } = await sql<QoeRow>`select title_id, count(*)::int as sessions,
      coalesce(sum(watch_ms), 0)::float8 as watch_ms, coalesce(sum(rebuffer_ms), 0)::float8 as stall_ms,
      percentile_cont(0.5) within group (order by startup_ms) as startup_p50,
      percentile_cont(0.95) within group (order by startup_ms) as startup_p95,
      count(*) filter (where startup_ms is null and (ended or last_at < now() - interval '2 minutes'))::int as ebvs,
      count(*) filter (where fatal_errors > 0)::int as errored,
      (sum(avg_bitrate_kbps::float8 * watch_ms) filter (where avg_bitrate_kbps is not null)
        / nullif(sum(watch_ms) filter (where avg_bitrate_kbps is not null), 0))::float8 as avg_bitrate
    from playback_qoe
    where first_at >= ${from} and first_at < ${to} and (${titleId}::text is null or title_id = ${titleId})
    group by rollup (title_id)
    order by title_id is not null, sessions desc, title_id
    limit 201`.execute(db(em));
  return rows;
}
