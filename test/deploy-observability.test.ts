// The committed Grafana dashboard and Prometheus alert rules (deploy/): both parse, every metric name
// their queries use is one the app exposes at /metrics, the panels and alerts the operators rely on are
// there, and `promtool check rules` accepts the rules when promtool is installed (the test says when it
// is not, and skips only that step).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { buildTestApp, usingPostgres } from './helpers/app.ts';
import { startTmdbServer } from './support/tmdb-server.ts';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const ALERTS = path.join(root, 'deploy/prometheus/alerts.yml');
const DASHBOARD = path.join(root, 'deploy/grafana/cinemate-dashboard.json');
const TOKEN = 'metrics-token-0123456789';

// TMDb configured (against the local TMDb-shaped server), so its breaker gauge is exposed too.
const tmdbToken = 'test-read-access-token';
const tmdb = await startTmdbServer({ token: tmdbToken });
t.teardown(() => tmdb.close());
const app = await buildTestApp(t, { METRICS_TOKEN: TOKEN, TMDB_ACCESS_TOKEN: tmdbToken, TMDB_BASE_URL: tmdb.url });

/** Every series name a scrape can hold: from the TYPE lines (a histogram also has _bucket, _sum, _count). */
async function exposedNames(): Promise<Set<string>> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  const names = new Set<string>();
  for (const m of res.body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m;
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) names.add(name + s);
    else names.add(name);
  }
  return names;
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression selects (not functions, label names, keywords or durations). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\$__rate_interval|\$__interval/g, '5m')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  // Whole words only (not the unit of a duration such as 5m), and not followed by a call's bracket.
  for (const m of bare.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*/g)) {
    const word = m[0];
    if (/^\s*\(/.test(bare.slice((m.index ?? 0) + word.length))) continue;
    if (KEYWORDS.has(word.toLowerCase()) || /^\d/.test(word)) continue;
    names.add(word);
  }
  return [...names];
}

function balanced(expr: string): boolean {
  let depth = 0;
  for (const c of expr.replace(/"(?:[^"\\]|\\.)*"/g, '')) {
    if ('({['.includes(c)) depth++;
    if (')}]'.includes(c)) depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

// Gauges only a PostgreSQL deployment has (the embedded database has no connection pool).
const POSTGRES_ONLY = /^cinemate_db_pool_/;

function checkNames(
  t: { ok(v: unknown, m: string): unknown; comment(m: string): unknown },
  used: string[],
  exposed: Set<string>,
) {
  for (const name of new Set(used)) {
    if (POSTGRES_ONLY.test(name) && !usingPostgres) {
      t.comment(`${name}: exposed on PostgreSQL only, checked on the PostgreSQL run`);
      continue;
    }
    t.ok(exposed.has(name), `${name} is exposed at /metrics`);
  }
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

t.test('the alert rules parse, use exposed metrics and cover what must page', async (t) => {
  const doc = parse(readFileSync(ALERTS, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
  const rules = doc.groups.flatMap((g) => g.rules);
  t.ok(rules.length >= 4);
  for (const rule of rules) {
    t.match(rule.alert, /^Cinemate[A-Z]\w+$/, 'alert names in CamelCase');
    t.ok(balanced(rule.expr), `${rule.alert}: brackets balance`);
    t.match(rule.for, /^\d+[smh]$/, `${rule.alert}: has a for duration`);
    t.match(rule.labels?.severity, /^(page|warn)$/, `${rule.alert}: has a severity`);
    t.ok(rule.annotations?.summary, `${rule.alert}: has a summary`);
  }
  const exposed = await exposedNames();
  checkNames(
    t,
    rules.flatMap((r) => metricNames(r.expr)),
    exposed,
  );
  const exprOf = (name: string) => rules.find((r) => r.alert === name)?.expr ?? '';
  t.match(exprOf('CinemateHigh5xxRate'), /status="5xx"/, '5xx rate');
  t.match(exprOf('CinemateHighP99Latency'), /histogram_quantile\(0\.99,/, 'p99 latency');
  t.match(exprOf('CinemateJobQueueBacklog'), /cinemate_job_queue_depth/, 'queue depth');
  t.match(exprOf('CinemateTmdbBreakerOpen'), /cinemate_tmdb_breaker_state/, 'breaker open');
});

t.test('the dashboard parses, uses exposed metrics and shows what operators watch', async (t) => {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  t.equal(dash.uid, 'cinemate-overview');
  t.ok(
    dash.__inputs.some((i: { name: string }) => i.name === 'DS_PROMETHEUS'),
    'asks for a datasource on import',
  );
  const panels = (dash.panels as Array<any>).filter((p) => p.type !== 'row');
  t.same(new Set(dash.panels.map((p: any) => p.id)).size, dash.panels.length, 'panel ids are unique');
  const exprs: string[] = panels.flatMap((p) => p.targets.map((x: { expr: string }) => x.expr));
  for (const e of exprs) t.ok(balanced(e), `brackets balance: ${e}`);
  const used = exprs.flatMap(metricNames);
  checkNames(t, used, await exposedNames());
  const all = exprs.join('\n');
  for (const q of ['0.5', '0.95', '0.99'])
    t.match(all, new RegExp(`histogram_quantile\\(${q.replace('.', '\\.')}, sum by \\(le, route\\)`), `latency p${q}`);
  for (const name of [
    'http_request_duration_seconds_count',
    'cinemate_cache_lookups_total',
    'cinemate_playback_sessions_active',
    'cinemate_qoe_startup_seconds_bucket',
    'cinemate_qoe_rebuffer_ratio_sum',
    'cinemate_job_queue_depth',
  ])
    t.ok(used.includes(name), `a panel shows ${name}`);
});

t.test('the name extraction itself', async (t) => {
  t.same(metricNames('sum by (le, route) (rate(http_request_duration_seconds_bucket{route!="/x(y)"}[5m])) > 1'), [
    'http_request_duration_seconds_bucket',
  ]);
  t.same(metricNames('max(a_total) / ignoring(job) b_total offset 5m and on(x) c'), ['a_total', 'b_total', 'c']);
});

const promtool = (process.env.PATH ?? '')
  .split(path.delimiter)
  .map((dir) => path.join(dir, 'promtool'))
  .find((p) => existsSync(p));

t.test(
  'promtool check rules',
  {
    skip: !promtool && 'promtool is not on PATH (Debian package prometheus): the rules were checked by this file only',
  },
  async (t) => {
    const run = spawnSync(promtool ?? 'promtool', ['check', 'rules', ALERTS], { encoding: 'utf8' });
    t.equal(run.status, 0, `promtool: ${run.stdout}${run.stderr}`);
  },
);
