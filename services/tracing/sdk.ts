// Starts OpenTelemetry tracing: the Node SDK with the Fastify (@fastify/otel), http, undici, pg and
// ioredis instrumentations, exporting where the standard OTEL_* variables say (OTLP by default once an
// endpoint is set). Started by services/tracing/preload.ts before the app's modules load; tests start it
// with their own span processor (an in-memory exporter).
import { register } from 'node:module';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { markTracingStarted } from './context.ts';
import { sampledOnly } from './sampled-only.ts';

/** The packages the instrumentations below patch when they load (http for outgoing calls only). */
const PATCHED_PACKAGES = ['pg', 'pg-pool', 'ioredis', 'http', 'https'];

// Probes and scrapes would be most of the spans and tell nothing.
const PROBES = /^\/(livez|readyz|metrics)\b/;

export interface TracingOptions {
  /** Replaces the exporters the environment names (tests pass an in-memory exporter's processor). */
  spanProcessors?: SpanProcessor[];
  serviceName?: string;
}

export function startTracing(options: TracingOptions = {}): NodeSDK {
  // ESM imports are only seen by instrumentations through this loader hook; CommonJS requires are
  // patched without it. It affects modules loaded after this call, hence the preload. Only the packages
  // patched below are wrapped: wrapping every module of the app (the default) costs start-up time and
  // puts a proxy between each import and its module for nothing. Fastify and undici report through
  // diagnostics channels and need no wrapper.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: PATCHED_PACKAGES } });
  // Metrics are Prometheus' (prom-client) and logs go to stdout: the SDK exports traces only.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? process.env.OTEL_SERVICE_NAME ?? 'cinemate',
    spanProcessors: options.spanProcessors,
    instrumentations: [
      // Registers itself on every Fastify instance created from now on (diagnostics channel).
      // One span per request: a span per lifecycle hook (a dozen plugins' hooks) would cost more than the
      // request itself and tell little; the handler's time is the request span's.
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        instrumentHandler: false,
        ignorePaths: ({ url }) => PROBES.test(url),
      }),
      // Outgoing calls only (Stripe, webhooks): @fastify/otel makes the server span of each request and
      // reads the incoming traceparent itself, so a second server span per request would be pure cost.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new UndiciInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
      sampledOnly(new IORedisInstrumentation({ requireParentSpan: true })),
    ],
  });
  sdk.start();
  markTracingStarted();
  return sdk;
}
