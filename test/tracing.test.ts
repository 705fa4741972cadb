// Tracing: the SDK with its in-memory exporter is started before the app's modules load (as the preload
// does), then an admin broadcast (a request that enqueues a job) and the job's run by the runner must be
// one trace, the request's log line must carry that trace id, and on PostgreSQL the job's queries must
// appear as pg spans of the same trace; Redis commands are traced only under a sampled span.
import { Writable } from 'node:stream';
import t from 'tap';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';
import { startTracing } from '../services/tracing/sdk.ts';

const exporter = new InMemorySpanExporter();
const sdk = startTracing({ spanProcessors: [new SimpleSpanProcessor({ exporter })], serviceName: 'cinemate-test' });
t.teardown(() => sdk.shutdown());

// Loaded only now, so that the instrumentations see Fastify, pg and ioredis load.
const { buildTestApp, usingPostgres, usingRedis } = await import('./helpers/app.ts');
const { call, newAdmin } = await import('./helpers/factories.ts');

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
    done();
  },
});
const app = await buildTestApp(t, { LOG_LEVEL: 'info' }, { logStream: sink });

const spans = () => exporter.getFinishedSpans();
const requestSpan = (route: string): ReadableSpan | undefined =>
  spans().find((s) => s.kind === SpanKind.SERVER && s.attributes['http.route'] === route);

let traceId = '';

t.test('a request that enqueues a job and the job run share one trace', async (t) => {
  const admin = await newAdmin(app);
  exporter.reset();
  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/admin/notifications',
    headers: admin.headers,
    payload: { title: 'Traced', message: 'One trace from the request to the job' },
  });
  t.equal(res.status, 202);
  const request = requestSpan('/api/v1/admin/notifications');
  t.ok(request, 'the request has a server span with its route template');
  traceId = request?.spanContext().traceId ?? '';
  t.match(traceId, /^[0-9a-f]{32}$/);

  t.ok((await app.jobs.runner.tick()) >= 1, 'the runner ran the queued job');
  const job = spans().find((s) => s.name === 'job notifications.broadcast');
  t.ok(job, 'the job run has a span');
  t.equal(job?.kind, SpanKind.CONSUMER);
  t.equal(job?.spanContext().traceId, traceId, 'the job run continues the request trace');
  t.not(job?.spanContext().spanId, request?.spanContext().spanId);
  t.equal(job?.status.code, 0, 'the job succeeded (status unset)');
});

t.test('the request log line carries the trace id', async (t) => {
  const completed = lines.find((l) => l.msg === 'request completed' && l.trace_id === traceId);
  t.ok(completed, 'the "request completed" line of the traced request names its trace');
});

t.test('the job row stores the W3C trace context of the request', async (t) => {
  const { db } = await import('../repositories/db.ts');
  const row = await db(app.em())
    .selectFrom('jobs')
    .select(['payload'])
    .where('name', '=', 'notifications.broadcast')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const stored = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, any>;
  t.match(stored._trace?.traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`), 'W3C traceparent stored');
});

t.test(
  'PostgreSQL queries are spans of the trace',
  { skip: !usingPostgres && 'needs DATABASE_URL (pg driver)' },
  async (t) => {
    const pgSpans = spans().filter(
      (s) => s.spanContext().traceId === traceId && s.instrumentationScope.name.includes('pg'),
    );
    t.ok(pgSpans.length > 0, 'pg spans in the trace');
    t.ok(
      pgSpans.some((s) => String(s.attributes['db.system'] ?? s.attributes['db.system.name']).includes('postgres')),
      'they name the database system',
    );
  },
);

t.test('Redis commands are spans of the trace', { skip: !usingRedis && 'needs REDIS_URL (ioredis)' }, async (t) => {
  const redisSpans = spans().filter(
    (s) => s.spanContext().traceId === traceId && s.instrumentationScope.name.includes('ioredis'),
  );
  t.ok(redisSpans.length > 0, 'ioredis spans in the trace (session check, rate-limit counter)');
});

t.test("a caller's W3C traceparent is continued", async (t) => {
  const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
  exporter.reset();
  const res = await call(app, {
    method: 'GET',
    url: '/api/v1/movies/genres',
    headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
  });
  t.equal(res.status, 200);
  const span = requestSpan('/api/v1/movies/genres');
  t.equal(span?.spanContext().traceId, callerTrace, 'the request span joins the caller trace');
  t.equal(span?.parentSpanContext?.spanId, '00f067aa0ba902b7', "under the caller's span");
});

t.test('Redis commands are traced only under a sampled span', async (t) => {
  const { context, trace, TraceFlags } = await import('@opentelemetry/api');
  const { IORedisInstrumentation } = await import('@opentelemetry/instrumentation-ioredis');
  const { sampledOnly } = await import('../services/tracing/sampled-only.ts');
  const real = new IORedisInstrumentation({ enabled: false }) as unknown as { _traceSendCommand: unknown };
  t.type(real._traceSendCommand, 'function', 'the instrumentation still has the method that is wrapped');

  const calls: string[] = [];
  const fake = {
    _traceSendCommand: (original: (...args: unknown[]) => unknown) =>
      function (this: unknown, ...args: unknown[]) {
        calls.push('traced');
        return original.apply(this, args);
      },
  };
  sampledOnly(fake as never);
  const send = fake._traceSendCommand(() => calls.push('sent'));
  const under = (traceFlags: number) =>
    trace.setSpan(
      context.active(),
      trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags }),
    );
  context.with(under(TraceFlags.SAMPLED), () => send());
  t.same(calls, ['traced', 'sent'], 'under a sampled span the command is traced');
  calls.length = 0;
  context.with(under(TraceFlags.NONE), () => send());
  t.same(calls, ['sent'], 'under an unsampled span it goes straight to the client');
  calls.length = 0;
  send();
  t.same(calls, ['sent'], 'with no span at all too');
});
