// In-process request metrics: counts and latency histograms per route and status class, rendered in the
// Prometheus text format. Each instance keeps its own; a scraper sums across instances.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

export interface MetricsRegistry {
  observe(method: string, route: string, status: number, seconds: number): void;
  inc(name: string, labels?: Record<string, string>): void;
  /** A gauge read when the metrics are rendered (figures another part already keeps, e.g. overload). */
  gauge(name: string, help: string, read: () => number): void;
  render(): string;
  snapshot(): { requests: number; errors5xx: number; routes: Array<{ route: string; count: number; mean_ms: number }> };
}

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
    .join(',');

const promNumber = (v: number) => (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf');

export function createMetrics(): MetricsRegistry {
  const http = new Map<string, Series & { labels: Record<string, string> }>();
  const counters = new Map<string, { name: string; labels: Record<string, string>; value: number }>();
  const gauges = new Map<string, { help: string; read: () => number }>();
  const started = Date.now();

  return {
    observe(method, route, status, seconds) {
      // A plain key on the hot path; the label text is built once per series.
      const statusClass = `${Math.floor(status / 100)}xx`;
      const key = `${method} ${statusClass} ${route}`;
      let series = http.get(key);
      if (!series)
        http.set(
          key,
          (series = {
            labels: { method, route, status: statusClass },
            count: 0,
            sum: 0,
            buckets: BUCKETS.map(() => 0),
          }),
        );
      series.count++;
      series.sum += seconds;
      for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) series.buckets[i]++;
    },
    inc(name, labels = {}) {
      const key = `${name}{${labelText(labels)}}`;
      const counter = counters.get(key) ?? { name, labels, value: 0 };
      counter.value++;
      counters.set(key, counter);
    },
    gauge(name, help, read) {
      gauges.set(name, { help, read });
    },
    render() {
      const lines = [
        '# HELP http_request_duration_seconds Request latency by route and status class',
        '# TYPE http_request_duration_seconds histogram',
      ];
      for (const s of http.values()) {
        const base = labelText(s.labels);
        for (const [i, le] of BUCKETS.entries()) {
          lines.push(`http_request_duration_seconds_bucket{${base},le="${le}"} ${s.buckets[i]}`);
        }
        lines.push(`http_request_duration_seconds_bucket{${base},le="+Inf"} ${s.count}`);
        lines.push(`http_request_duration_seconds_sum{${base}} ${s.sum.toFixed(6)}`);
        lines.push(`http_request_duration_seconds_count{${base}} ${s.count}`);
      }
      const names = new Set([...counters.values()].map((c) => c.name));
      for (const name of names) {
        lines.push(`# TYPE ${name} counter`);
        for (const c of counters.values())
          if (c.name === name) lines.push(`${name}{${labelText(c.labels)}} ${c.value}`);
      }
      // Prometheus spells infinities +Inf/-Inf (a loop blocked for a whole sample reads as an infinite delay).
      for (const [name, g] of gauges)
        lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${promNumber(g.read())}`);
      const mem = process.memoryUsage();
      lines.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`);
      lines.push(
        '# TYPE process_uptime_seconds gauge',
        `process_uptime_seconds ${((Date.now() - started) / 1000).toFixed(0)}`,
      );
      return `${lines.join('\n')}\n`;
    },
    snapshot() {
      let requests = 0;
      let errors5xx = 0;
      const byRoute = new Map<string, { count: number; sum: number }>();
      for (const s of http.values()) {
        requests += s.count;
        if (s.labels.status === '5xx') errors5xx += s.count;
        const key = `${s.labels.method} ${s.labels.route}`;
        const r = byRoute.get(key) ?? { count: 0, sum: 0 };
        r.count += s.count;
        r.sum += s.sum;
        byRoute.set(key, r);
      }
      const routes = [...byRoute.entries()]
        .map(([route, r]) => ({ route, count: r.count, mean_ms: Math.round((r.sum / r.count) * 1000 * 100) / 100 }))
        .sort((a, b) => b.count - a.count);
      return { requests, errors5xx, routes };
    },
  };
}
