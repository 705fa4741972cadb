// Trace context across the job queue: enqueue stores the caller's W3C trace context (traceparent,
// tracestate) in the job payload, and the runner restores it, so an API request, the job it enqueued and
// the worker run of that job are one trace. Only @opentelemetry/api here: with no SDK started every call
// is the API's no-op (nothing is stored, the job span is non-recording).
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';

/** The payload key that carries the trace context; the runner removes it before the handler sees it. */
export const TRACE_KEY = '_trace';

let started = false;

/** Called by the SDK start-up (services/tracing/sdk.ts): parts that only matter with tracing on check it. */
export function markTracingStarted(): void {
  started = true;
}

export const tracingStarted = () => started;

/** The active span's trace id, or undefined when no span is recording. */
export function activeTraceId(): string | undefined {
  const span = trace.getSpan(context.active());
  const ctx = span?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/**
 * pino's mixin with tracing on: a line written inside a traced request or job carries its trace id. It runs
 * only for lines actually written, where a child logger per request would cost every request.
 */
export function traceLogFields(): { trace_id?: string } {
  const traceId = activeTraceId();
  return traceId ? { trace_id: traceId } : {};
}

/** The payload with the active trace context added (unchanged when there is none, or it is not an object). */
export function withTraceContext(payload: unknown): unknown {
  if (!started || !payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? { ...payload, [TRACE_KEY]: carrier } : payload;
}

/** Splits a stored payload into what the handler gets and the context its run continues. */
export function takeTraceContext(stored: unknown): { payload: unknown; parent: Context } {
  if (!stored || typeof stored !== 'object' || !(TRACE_KEY in stored))
    return { payload: stored, parent: context.active() };
  const { [TRACE_KEY]: carrier, ...payload } = stored as Record<string, unknown>;
  const parent =
    carrier && typeof carrier === 'object' ? propagation.extract(context.active(), carrier) : context.active();
  return { payload, parent };
}

type Env = Record<string, string | undefined>;

/** Tracing is on when an exporter or an OTLP endpoint is named, and OTEL_SDK_DISABLED is not true. */
export function tracingWanted(env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim());
  if (exporters.includes('none')) return false;
  return Boolean(
    exporters.some((e) => e !== '') || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  );
}

const tracer = trace.getTracer('cinemate-jobs');

/** Runs fn inside a consumer span named after the job, child of the enqueuing request's context. */
export async function inJobSpan<T>(
  name: string,
  parent: Context,
  attributes: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(`job ${name}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
