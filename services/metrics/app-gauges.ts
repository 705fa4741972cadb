// The gauges of one instance, read at scrape time from the parts that already keep the figures: job
// queue depth and active playback sessions (from the database, so every instance reports the same
// cluster-wide value: dashboards take max), WebSocket connections, the PostgreSQL pool and the TMDb
// circuit breaker of this instance.
import type { Clock } from '../clock.ts';
import type { Em } from '../db/orm.ts';
import { queueDepth } from '../../repositories/jobs.ts';
import { countActive } from '../../repositories/playback.ts';
import type { MetricsRegistry } from './registry.ts';

/** The pg pool's counters (pg-pool exposes them as properties). */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export interface GaugeSources {
  em: () => Em;
  clock: Clock;
  jobNames: string[];
  playbackStaleSeconds: number;
  webSockets?: () => number;
  /** The PostgreSQL pool; absent on the embedded database (no pool). */
  pool?: () => PoolStats;
  poolMax: number;
  /** closed, half-open or open; absent when TMDb is not configured. */
  breaker?: () => string;
}

const BREAKER_LEVEL: Record<string, number> = { closed: 0, 'half-open': 1, open: 2 };

export function registerAppGauges(metrics: MetricsRegistry, s: GaugeSources): void {
  // First: the pool is read before the other gauges' own queries take connections from it.
  const pool = s.pool;
  if (pool) {
    metrics.gauge(
      'cinemate_db_pool_connections_idle',
      'PostgreSQL pool connections open and idle',
      () => pool().idleCount,
    );
    metrics.gauge(
      'cinemate_db_pool_connections_busy',
      'PostgreSQL pool connections running a query or transaction',
      () => pool().totalCount - pool().idleCount,
    );
    metrics.gauge('cinemate_db_pool_waiting', 'Queries waiting for a free pool connection', () => pool().waitingCount);
    metrics.gauge('cinemate_db_pool_max_connections', 'Configured size of the PostgreSQL pool', () => s.poolMax);
  }
  metrics.collect('cinemate_job_queue_depth', 'Jobs due and waiting for a worker, by job name', ['job'], async () => {
    const depth = new Map(s.jobNames.map((name) => [name, 0]));
    for (const row of await queueDepth(s.em(), s.clock.now())) depth.set(row.name, row.depth);
    return [...depth].map(([job, n]) => [{ job }, n]);
  });
  metrics.collect(
    'cinemate_playback_sessions_active',
    'Playback sessions with a recent heartbeat (all instances)',
    [],
    async () => [[{}, await countActive(s.em(), s.playbackStaleSeconds, s.clock.now())]],
  );
  const sockets = s.webSockets;
  if (sockets) metrics.gauge('cinemate_websocket_connections', 'Open WebSocket connections on this instance', sockets);
  const breaker = s.breaker;
  if (breaker)
    metrics.gauge(
      'cinemate_tmdb_breaker_state',
      'TMDb circuit breaker: 0 closed, 1 half-open, 2 open',
      () => BREAKER_LEVEL[breaker()] ?? 0,
    );
}
