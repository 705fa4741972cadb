// Monitoring: Prometheus metrics behind their token (API and worker), what they count (requests by route
// template, cache tiers, jobs and queue depth, playback sessions, sockets, TMDb outcomes and the breaker),
// and the admin summary.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import WebSocket from 'ws';
import { buildTestApp, usingPostgres } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { call, firstProfileId, newAdmin, newUser } from './helpers/factories.ts';
import { insertSession } from '../repositories/playback.ts';
import { startMetricsServer } from '../services/metrics/server.ts';
import { startTmdbServer } from './support/tmdb-server.ts';

const TOKEN = 'metrics-token-0123456789';
const clock = testClock();
const app = await buildTestApp(t, { METRICS_TOKEN: TOKEN }, { clock });

const scrape = async (target = app) => {
  const res = await target.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  if (res.statusCode !== 200) throw new Error(`scrape failed: ${res.statusCode}`);
  return res.body;
};

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Every sample of the exposition text: name, labels, value. */
function samples(text: string) {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = SAMPLE.exec(l);
      if (!m) throw new Error(`not an exposition line: ${l}`);
      return {
        name: m[1],
        labels: Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((x) => [x[1], x[2]])),
        value: Number(m[3]),
      };
    });
}

/** The value of the one sample with this name and these labels (0 when the series does not exist yet). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} names ${found.length} series`);
  return found[0]?.value ?? 0;
}

t.test('prometheus text needs the token', async (t) => {
  await call(app, { method: 'GET', url: '/api/v1/system/health' });
  t.equal((await call(app, { method: 'GET', url: '/metrics' })).status, 401);
  t.equal(
    (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode,
    401,
  );
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.match(
    res.body,
    /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/system\/health",status="2xx"\} \d+/,
  );
  t.match(res.body, /# TYPE http_request_duration_seconds histogram/);
  // prom-client's default process metrics.
  for (const name of [
    'process_cpu_user_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_seconds',
  ])
    t.ok(
      samples(res.body).some((s) => s.name === name),
      `${name} is exposed`,
    );
  // The overload figures of @fastify/under-pressure, read at each scrape.
  for (const gauge of ['overload_event_loop_delay_ms', 'overload_heap_used_bytes', 'overload_rss_bytes']) {
    t.match(res.body, new RegExp(`\n# TYPE ${gauge} gauge\n${gauge} \\d+(\\.\\d+)?\n`));
  }
  t.match(res.body, /\noverload_shedding 0\n/);
});

t.test('latency is labelled by route template and status class, never by the raw URL', async (t) => {
  const id = 'm987654321';
  const missing = await call(app, { method: 'GET', url: `/api/v1/movies/${id}` });
  t.equal(missing.status, 404);
  const text = await scrape();
  t.ok(value(text, 'http_request_duration_seconds_count', { route: '/api/v1/movies/:id', status: '4xx' }) >= 1);
  t.notOk(text.includes(id), 'the id in the path is no label value');
  const unmatched = await call(app, { method: 'GET', url: '/no/such/path/123' });
  t.equal(unmatched.status, 404);
  const after = await scrape();
  t.notOk(after.includes('/no/such/path'), 'an unknown path is not a series either');
  t.ok(value(after, 'http_request_duration_seconds_count', { route: 'unmatched', status: '4xx' }) >= 1);
  const idLike = samples(after).flatMap((s) =>
    Object.values(s.labels)
      .filter((v) => /[0-9a-f]{8}-[0-9a-f]{4}-|\d{4,}/.test(v))
      .map((v) => `${s.name}: ${v}`),
  );
  t.same(idLike, [], 'no label value looks like an id');
});

t.test('the catalog read counts its hot-tier hits and misses', async (t) => {
  const before = await scrape();
  const url = '/api/v1/movies/popular?limit=7';
  t.equal((await call(app, { method: 'GET', url })).status, 200);
  t.equal((await call(app, { method: 'GET', url })).status, 200);
  const after = await scrape();
  const delta = (result: string) =>
    value(after, 'cinemate_cache_lookups_total', { tier: 'catalog_hot', result }) -
    value(before, 'cinemate_cache_lookups_total', { tier: 'catalog_hot', result });
  t.ok(delta('miss') >= 1, 'the first read misses the hot tier');
  t.ok(delta('hit') >= 1, 'the second is served from it');
  t.ok(value(after, 'cinemate_cache_lookups_total', { tier: 'shared', result: 'miss' }) >= 1, 'the shared tier too');
});

t.test('jobs: queue depth while waiting, then runs and duration by job name', async (t) => {
  const job = 'notifications.broadcast';
  const admin = await newAdmin(app);
  const before = await scrape();
  t.equal(
    value(before, 'cinemate_job_queue_depth', { job: 'media.process' }),
    0,
    'every job name is reported, at 0 too',
  );
  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/admin/notifications',
    headers: admin.headers,
    payload: { title: 'Counted', message: 'A job to count' },
  });
  t.equal(res.status, 202);
  const queued = await scrape();
  t.equal(value(queued, 'cinemate_job_queue_depth', { job }), value(before, 'cinemate_job_queue_depth', { job }) + 1);
  await app.jobs.runner.tick();
  const ran = await scrape();
  t.equal(value(ran, 'cinemate_job_queue_depth', { job }), 0, 'the queue drained');
  t.equal(
    value(ran, 'cinemate_job_runs_total', { job, outcome: 'success' }) -
      value(before, 'cinemate_job_runs_total', { job, outcome: 'success' }),
    1,
  );
  t.equal(
    value(ran, 'cinemate_job_duration_seconds_count', { job }) -
      value(before, 'cinemate_job_duration_seconds_count', { job }),
    1,
  );
});

t.test('active playback sessions are counted, a silent one is not', async (t) => {
  const user = await newUser(app);
  const profileId = await firstProfileId(app, user);
  const [title] = await app.em().execute('select id from titles limit 1');
  const before = value(await scrape(), 'cinemate_playback_sessions_active');
  const id = randomUUID();
  const session = {
    userId: user.id,
    profileId,
    titleId: title.id,
    episodeId: null,
    deviceType: 'web',
    quality: '720p',
  };
  await insertSession(app.em(), { ...session, id, at: clock.now() });
  t.equal(value(await scrape(), 'cinemate_playback_sessions_active'), before + 1);
  clock.advance(3_600_000); // an hour without a heartbeat
  t.equal(value(await scrape(), 'cinemate_playback_sessions_active'), before, 'a stale session stops counting');
});

t.test(
  'PostgreSQL pool usage',
  { skip: !usingPostgres && 'the embedded database has no connection pool' },
  async (t) => {
    const text = await scrape();
    t.equal(value(text, 'cinemate_db_pool_max_connections'), 10, 'DB_POOL_MAX');
    const open = value(text, 'cinemate_db_pool_connections_idle') + value(text, 'cinemate_db_pool_connections_busy');
    t.ok(open >= 1 && open <= 10, `the pool holds ${open} connection(s) after this file's queries`);
    t.equal(value(text, 'cinemate_db_pool_waiting'), 0, 'nothing waits for a connection');
  },
);

t.test('open WebSocket connections', async (t) => {
  const wsApp = await buildTestApp(t, { METRICS_TOKEN: TOKEN });
  await wsApp.listen({ port: 0, host: '127.0.0.1' });
  const { port } = wsApp.server.address() as { port: number };
  const user = await newUser(wsApp);
  t.equal(value(await scrape(wsApp), 'cinemate_websocket_connections'), 0);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws?token=${user.token}`);
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => JSON.parse(String(data)).type === 'hello' && resolve());
    ws.once('error', reject);
  });
  t.equal(value(await scrape(wsApp), 'cinemate_websocket_connections'), 1);
  ws.close();
  await new Promise((resolve) => ws.once('close', resolve));
  for (let i = 0; i < 50 && value(await scrape(wsApp), 'cinemate_websocket_connections') !== 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  t.equal(value(await scrape(wsApp), 'cinemate_websocket_connections'), 0, 'a closed socket is no longer counted');
});

t.test('TMDb calls by outcome, and the breaker state', async (t) => {
  const tmdbToken = 'test-read-access-token';
  const tmdb = await startTmdbServer({ token: tmdbToken });
  t.teardown(() => tmdb.close());
  const tmdbApp = await buildTestApp(t, {
    METRICS_TOKEN: TOKEN,
    TMDB_ACCESS_TOKEN: tmdbToken,
    TMDB_BASE_URL: tmdb.url,
    TMDB_TIMEOUT_MS: '300',
  });
  const before = await scrape(tmdbApp);
  const outcome = (text: string, o: string) =>
    value(text, 'cinemate_tmdb_requests_total', { outcome: o }) -
    value(before, 'cinemate_tmdb_requests_total', { outcome: o });
  t.equal(value(before, 'cinemate_tmdb_breaker_state'), 0, 'closed');
  t.equal((await call(tmdbApp, { method: 'GET', url: '/api/v1/movies/popular' })).status, 200);
  t.ok(outcome(await scrape(tmdbApp), 'ok') >= 1);

  tmdb.failAlways({ status: 503 });
  // Distinct titles, so that no cache answers; five failed calls open the breaker.
  for (let i = 0; i < 5; i++) await call(tmdbApp, { method: 'GET', url: `/api/v1/movies/m${900_000 + i}` });
  const failing = await scrape(tmdbApp);
  t.equal(outcome(failing, 'unavailable'), 5);
  t.equal(value(failing, 'cinemate_tmdb_breaker_state'), 2, 'open');
  await call(tmdbApp, { method: 'GET', url: '/api/v1/movies/m900009' });
  t.equal(outcome(await scrape(tmdbApp), 'breaker_open'), 1, 'refused without a call');
  tmdb.failAlways(null);
});

t.test("the worker's own /metrics server", async (t) => {
  const server = await startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    contentType: app.metrics.contentType,
    render: () => app.metrics.render(),
  });
  t.teardown(() => server.close());
  const base = `http://127.0.0.1:${server.port}`;
  t.equal((await fetch(`${base}/metrics`)).status, 401);
  t.equal((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer nope' } })).status, 401);
  t.equal((await fetch(`${base}/other`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  t.equal(res.status, 200);
  const text = await res.text();
  t.ok(
    samples(text).some((s) => s.name === 'cinemate_job_queue_depth'),
    'queue depth',
  );
  t.ok(
    samples(text).some((s) => s.name === 'cinemate_job_runs_total'),
    'job runs',
  );
});

t.test('METRICS_ENABLED=false: no /metrics and no request histogram', async (t) => {
  const quiet = await buildTestApp(t, { METRICS_TOKEN: TOKEN, METRICS_ENABLED: 'false' });
  await call(quiet, { method: 'GET', url: '/api/v1/system/health' });
  const res = await quiet.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  t.equal(res.statusCode, 404);
  t.equal((await quiet.metrics.snapshot()).requests, 0, 'nothing is observed');
});

t.test('admin summary is admin-only', async (t) => {
  const user = await newUser(app);
  t.equal((await call(app, { method: 'GET', url: '/api/v1/admin/metrics', headers: user.headers })).status, 403);
  const admin = await newAdmin(app);
  const res = await call(app, { method: 'GET', url: '/api/v1/admin/metrics', headers: admin.headers });
  t.equal(res.status, 200);
  t.ok(res.body.data.requests > 0);
  t.ok(res.body.data.routes.some((r: { route: string }) => r.route === 'POST /api/v1/auth/signup'));
  const signup = res.body.data.routes.find((r: { route: string }) => r.route === 'POST /api/v1/auth/signup');
  t.ok(signup.count >= 2 && signup.mean_ms > 0, 'counts and a mean per route');
});
