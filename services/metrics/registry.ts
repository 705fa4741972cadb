// Prometheus metrics through prom-client, in two registries. The process registry holds what any part
// of the process counts (default process metrics, cache tiers, TMDb calls, jobs, QoE): services
// increment these module-level series directly, with label children bound once so the hot path does
// no label hashing. Each app gets its own registry (createMetrics) for what belongs to that instance:
// request latency and gauges read at scrape time. A scrape renders both; a scraper sums across
// instances. Labels carry only bounded values (route templates, job names, tiers): never an id.
import client from 'prom-client';

const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = client;

export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry });

const registers = [processRegistry];

// --- caches -------------------------------------------------------------------------------------------
const cacheLookups = new Counter({
  name: 'cinemate_cache_lookups_total',
  help: 'Cache lookups by tier (catalog_hot, shared, personal, tmdb) and result (hit, miss, stale)',
  labelNames: ['tier', 'result'] as const,
  registers,
});

export type CacheTier = 'catalog_hot' | 'shared' | 'personal' | 'tmdb';

/** The hit/miss counters of one tier, bound once. */
export function cacheCounters(tier: CacheTier) {
  return {
    hit: cacheLookups.labels(tier, 'hit'),
    miss: cacheLookups.labels(tier, 'miss'),
    stale: cacheLookups.labels(tier, 'stale'),
  };
}

// --- TMDb ---------------------------------------------------------------------------------------------
export const TMDB_OUTCOMES = ['ok', 'not_found', 'rejected', 'unavailable', 'breaker_open', 'overloaded'] as const;
export type TmdbOutcome = (typeof TMDB_OUTCOMES)[number];

const tmdbRequests = new Counter({
  name: 'cinemate_tmdb_requests_total',
  help: 'TMDb calls by outcome (breaker_open: refused by the open circuit breaker without a call)',
  labelNames: ['outcome'] as const,
  registers,
});
for (const outcome of TMDB_OUTCOMES) tmdbRequests.labels(outcome);

export const tmdbOutcome = (outcome: TmdbOutcome) => tmdbRequests.labels(outcome).inc();

// --- jobs ---------------------------------------------------------------------------------------------
const jobRuns = new Counter({
  name: 'cinemate_job_runs_total',
  help: 'Job runs by job name and outcome (success, failure)',
  labelNames: ['job', 'outcome'] as const,
  registers,
});
const jobDuration = new Histogram({
  name: 'cinemate_job_duration_seconds',
  help: 'Job run time by job name',
  labelNames: ['job'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
  registers,
});

export function jobRun(job: string, ok: boolean, seconds: number): void {
  jobRuns.labels(job, ok ? 'success' : 'failure').inc();
  jobDuration.labels(job).observe(seconds);
}

// --- playback quality (QoE) ----------------------------------------------------------------------------
// The player's beacons observe into these (the analytics part); the dashboard reads them.
export const qoe = {
  startupSeconds: new Histogram({
    name: 'cinemate_qoe_startup_seconds',
    help: 'Time from play to first frame reported by players',
    buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20],
    registers,
  }),
  rebufferRatio: new Histogram({
    name: 'cinemate_qoe_rebuffer_ratio',
    help: 'Stall time divided by watch time, per playback session report',
    buckets: [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
    registers,
  }),
};

// --- per app ------------------------------------------------------------------------------------------
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type Labels = Record<string, string>;

export interface MetricsRegistry {
  observe(method: string, route: string, status: number, seconds: number): void;
  /** A gauge read when the metrics are rendered (figures another part already keeps, e.g. overload). */
  gauge(name: string, help: string, read: () => number): void;
  /** A labelled gauge read (possibly from the database) at each scrape; a failing read keeps the last values. */
  collect(name: string, help: string, labelNames: string[], read: () => Promise<Array<[Labels, number]>>): void;
  render(): Promise<string>;
  contentType: string;
  snapshot(): Promise<{
    requests: number;
    errors5xx: number;
    routes: Array<{ route: string; count: number; mean_ms: number }>;
  }>;
}

export function createMetrics(): MetricsRegistry {
  const registry = new Registry();
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request latency by route template, method and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  // One bound child per series: the per-request cost is a Map lookup and a bucket walk.
  const children = new Map<string, client.Histogram.Internal<'method' | 'route' | 'status'>>();
  const classes = ['1xx', '2xx', '3xx', '4xx', '5xx'];

  return {
    contentType: registry.contentType,
    observe(method, route, status, seconds) {
      const statusClass = classes[Math.floor(status / 100) - 1] ?? '5xx';
      const key = `${method} ${statusClass} ${route}`;
      let child = children.get(key);
      if (!child) children.set(key, (child = http.labels(method, route, statusClass)));
      child.observe(seconds);
    },
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
    collect(name, help, labelNames, read) {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          try {
            const values = await read();
            for (const [labels, value] of values) this.set(labels, value);
          } catch {
            // A scrape must not fail because one source is down; the last values stay.
          }
        },
      });
    },
    async render() {
      return `${await processRegistry.metrics()}\n${await registry.metrics()}`;
    },
    async snapshot() {
      const { values } = await http.get();
      let requests = 0;
      let errors5xx = 0;
      const byRoute = new Map<string, { count: number; sum: number }>();
      for (const v of values) {
        const name = v.metricName ?? '';
        if (!name.endsWith('_count') && !name.endsWith('_sum')) continue;
        const key = `${v.labels.method} ${v.labels.route}`;
        const r = byRoute.get(key) ?? { count: 0, sum: 0 };
        if (name.endsWith('_count')) {
          r.count += v.value;
          requests += v.value;
          if (v.labels.status === '5xx') errors5xx += v.value;
        } else r.sum += v.value;
        byRoute.set(key, r);
      }
      const routes = [...byRoute.entries()]
        .map(([route, r]) => ({ route, count: r.count, mean_ms: Math.round((r.sum / r.count) * 1000 * 100) / 100 }))
        .sort((a, b) => b.count - a.count);
      return { requests, errors5xx, routes };
    },
  };
}
