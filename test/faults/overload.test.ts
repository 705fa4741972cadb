// Overload protection: while the event loop is saturated (or memory is past its threshold) new requests get
// 503 SERVICE_UNAVAILABLE with Retry-After in the error envelope, /readyz is not ready, /livez and /metrics
// still answer, and the instance serves again once the pressure is gone.
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { call } from '../helpers/factories.ts';

const METRICS = { authorization: 'Bearer metrics-token-0123456789abcdef' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Saturates the loop: 400 ms of synchronous work at a time, yielding just long enough for I/O to progress.
function saturate(ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve) => {
    const burn = () => {
      const stop = Math.min(until, Date.now() + 400);
      while (Date.now() < stop) {}
      if (Date.now() < until) setImmediate(burn);
      else resolve();
    };
    burn();
  });
}

t.test('a saturated event loop sheds load, then recovers', async (t) => {
  const app = await buildTestApp(t, {
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '100',
    OVERLOAD_SAMPLE_INTERVAL_MS: '100',
    RETRY_AFTER_SECONDS: '7',
    METRICS_TOKEN: METRICS.authorization.slice(7),
  });
  await sleep(300);
  t.equal((await call(app, { method: 'GET', url: '/api/v1/movies/popular' })).status, 200);
  t.equal((await call(app, { method: 'GET', url: '/readyz' })).status, 200);

  const load = saturate(2500);
  await sleep(900);
  const shed = await call(app, { method: 'GET', url: '/api/v1/movies/popular' });
  t.equal(shed.status, 503);
  t.equal(shed.body.success, false);
  t.equal(shed.body.error.code, 'SERVICE_UNAVAILABLE');
  t.equal(shed.body.error.details.reason, 'eventLoopDelay');
  t.equal(shed.headers['retry-after'], '7');
  t.type(shed.body.request_id, 'string');
  const ready = await call(app, { method: 'GET', url: '/readyz' });
  t.equal(ready.status, 503);
  t.equal(ready.body.status, 'not ready');
  t.equal(ready.body.checks.load, 'overloaded');
  t.equal((await call(app, { method: 'GET', url: '/livez' })).status, 200, 'liveness is never shed');
  const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: METRICS });
  t.equal(metrics.statusCode, 200, 'metrics are never shed');
  t.match(metrics.body, /\noverload_shedding 1\n/);
  // A loop blocked for a whole sample reads as an infinite delay, in Prometheus' spelling.
  t.match(metrics.body, /\noverload_event_loop_delay_ms (\d+(\.\d+)?|\+Inf)\n/);
  await load;

  await sleep(500);
  t.equal((await call(app, { method: 'GET', url: '/api/v1/movies/popular' })).status, 200, 'serves again');
  t.equal((await call(app, { method: 'GET', url: '/readyz' })).status, 200);
  const after = await app.inject({ method: 'GET', url: '/metrics', headers: METRICS });
  t.match(after.body, /\noverload_shedding 0\n/);
});

t.test('memory past its threshold sheds load', async (t) => {
  // 1 byte: every sample is over the threshold, so the behaviour is certain rather than timed.
  const app = await buildTestApp(t, { OVERLOAD_MAX_HEAP_BYTES: '1', OVERLOAD_SAMPLE_INTERVAL_MS: '20' });
  await sleep(100);
  const shed = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'a@b.co', password: 'x' },
  });
  t.equal(shed.status, 503);
  t.equal(shed.body.error.code, 'SERVICE_UNAVAILABLE');
  t.equal(shed.body.error.details.reason, 'heapUsedBytes');
  t.equal(shed.headers['retry-after'], '5');
  t.equal((await call(app, { method: 'GET', url: '/readyz' })).status, 503);
  t.equal((await call(app, { method: 'GET', url: '/livez' })).status, 200);
});
