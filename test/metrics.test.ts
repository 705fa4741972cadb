// Monitoring: Prometheus metrics behind their token, and the admin summary.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin, newUser } from './helpers/factories.ts';

const app = await buildTestApp(t, { METRICS_TOKEN: 'metrics-token-0123456789' });

t.test('prometheus text needs the token', async (t) => {
  await call(app, { method: 'GET', url: '/api/v1/system/health' });
  t.equal((await call(app, { method: 'GET', url: '/metrics' })).status, 401);
  const res = await app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: 'Bearer metrics-token-0123456789' },
  });
  t.equal(res.statusCode, 200);
  t.match(
    res.body,
    /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/system\/health",status="2xx"\} \d+/,
  );
  // The overload figures of @fastify/under-pressure, read at each scrape.
  for (const gauge of ['overload_event_loop_delay_ms', 'overload_heap_used_bytes', 'overload_rss_bytes']) {
    t.match(res.body, new RegExp(`\n# TYPE ${gauge} gauge\n${gauge} \\d+(\\.\\d+)?\n`));
  }
  t.match(res.body, /\noverload_shedding 0\n/);
});

t.test('admin summary is admin-only', async (t) => {
  const user = await newUser(app);
  t.equal((await call(app, { method: 'GET', url: '/api/v1/admin/metrics', headers: user.headers })).status, 403);
  const admin = await newAdmin(app);
  const res = await call(app, { method: 'GET', url: '/api/v1/admin/metrics', headers: admin.headers });
  t.equal(res.status, 200);
  t.ok(res.body.data.requests > 0);
  t.ok(res.body.data.routes.some((r: { route: string }) => r.route === 'POST /api/v1/auth/signup'));
});
