// Playback quality (QoE): beacons from the player, checked against the caller's own playback session, and
// the admin report with a 0–100 score per title (the formula is in README, "Playback quality (QoE)").
import type { Static } from '@sinclair/typebox';
import { ownSession, type QoeRow, qoeReport, upsertBeacon } from '../../repositories/qoe.ts';
import type { BeaconBody, QoeQuery } from '../../schemas/qoe.ts';
import type { Em } from '../db/orm.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';

type Beacon = Static<typeof BeaconBody>;

export async function recordBeacon(deps: { em: Em }, userId: string, sessionId: string, beacon: Beacon) {
  const session = await ownSession(deps.em, userId, sessionId);
  // Another account's session is "not found", as every object the caller does not own.
  if (!session) throw new AppError('NOT_FOUND', 'Playback session not found');
  if (beacon.rebuffer_ms > beacon.watch_ms + 3_600_000) {
    throw new AppError('INVALID_REQUEST', 'rebuffer_ms is implausibly larger than watch_ms');
  }
  const beacons = await upsertBeacon(
    deps.em,
    { sessionId, userId, titleId: session.title_id, deviceType: session.device_type },
    {
      startup_ms: beacon.startup_ms ?? null,
      watch_ms: beacon.watch_ms,
      rebuffer_count: beacon.rebuffer_count,
      rebuffer_ms: beacon.rebuffer_ms,
      bitrate_switches: beacon.bitrate_switches,
      avg_bitrate_kbps: beacon.avg_bitrate_kbps ?? null,
      renditions: [...new Set(beacon.renditions)],
      dropped_frames: beacon.dropped_frames,
      fatal_errors: beacon.fatal_errors,
      ended: beacon.kind === 'stop',
    },
  );
  return { session_id: sessionId, beacons };
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * 100 × (1 − 0.35·S − 0.30·R − 0.20·E − 0.15·X), where S = (startup p95 − 1 s) ÷ 9 s, R = rebuffering ratio ÷ 5 %,
 * E = error rate ÷ 10 %, X = exits before start ÷ 20 %, each clamped to [0, 1]: the weights follow how strongly
 * each impairment drives viewers away (stalls and slow starts most).
 */
export function qoeScore(m: { startupP95: number | null; rebuffering: number; errorRate: number; ebvsRate: number }) {
  const s = clamp01(((m.startupP95 ?? 1000) - 1000) / 9000);
  const r = clamp01(m.rebuffering / 0.05);
  const e = clamp01(m.errorRate / 0.1);
  const x = clamp01(m.ebvsRate / 0.2);
  return Math.round(100 * (1 - 0.35 * s - 0.3 * r - 0.2 * e - 0.15 * x));
}

function metrics(row: QoeRow) {
  const rebuffering = row.watch_ms > 0 ? row.stall_ms / row.watch_ms : 0;
  const errorRate = row.sessions > 0 ? row.errored / row.sessions : 0;
  const ebvsRate = row.sessions > 0 ? row.ebvs / row.sessions : 0;
  const round = (x: number | null, d = 4) => (x === null ? null : Number(x.toFixed(d)));
  return {
    sessions: row.sessions,
    watch_seconds: row.watch_ms / 1000,
    startup_p50_ms: round(row.startup_p50 === null ? null : Number(row.startup_p50), 1),
    startup_p95_ms: round(row.startup_p95 === null ? null : Number(row.startup_p95), 1),
    rebuffering_ratio: round(rebuffering) ?? 0,
    exits_before_start: row.ebvs,
    exit_before_start_rate: round(ebvsRate) ?? 0,
    error_rate: round(errorRate) ?? 0,
    avg_bitrate_kbps: round(row.avg_bitrate === null ? null : Number(row.avg_bitrate), 1),
    score: qoeScore({
      startupP95: row.startup_p95 === null ? null : Number(row.startup_p95),
      rebuffering,
      errorRate,
      ebvsRate,
    }),
  };
}

const EMPTY: QoeRow = {
  title_id: null,
  sessions: 0,
  watch_ms: 0,
  stall_ms: 0,
  startup_p50: null,
  startup_p95: null,
  ebvs: 0,
  errored: 0,
  avg_bitrate: null,
};

export async function qoeReportFor(deps: Pick<Deps, 'em' | 'clock'>, query: Static<typeof QoeQuery>) {
  const to = query.to ? new Date(query.to) : deps.clock.now();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * 86_400_000);
  if (from >= to) throw new AppError('INVALID_REQUEST', '`from` must be before `to`');
  const rows = await qoeReport(deps.em, from, to, query.content_id ?? null);
  const overall = rows.find((r) => r.title_id === null) ?? EMPTY;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    overall: metrics(overall),
    titles: rows.flatMap((r) => (r.title_id === null ? [] : [{ content_id: r.title_id, ...metrics(r) }])).slice(0, 200),
  };
}
