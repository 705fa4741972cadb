// Builds the Fastify instance: validated config, then the autoloaded plugins (infrastructure), then the
// autoloaded routes under /api/v1. Tests, the worker and scripts build it the same way; server.ts listens.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import autoload from '@fastify/autoload';
import type { Clock } from './services/clock.ts';
import { loadConfig, listOf, prettyLogs, type Config } from './services/config.ts';
import { createValidatorCompiler } from './services/validation.ts';
import { requestIds } from './services/request-id.ts';
import { CENSOR, REDACT_PATHS, redactUrl } from './services/security/log-redaction.ts';
import probeRoutes from './routes/system/probes.ts';
import { sendError } from './plugins/errors.ts';
import { traceLogFields, tracingStarted } from './services/tracing/context.ts';

const root = path.dirname(fileURLToPath(import.meta.url));

export interface BuildOptions {
  /** Environment to read the configuration from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Already-parsed configuration (wins over env). */
  config?: Config;
  /** Where the log lines go (default: stdout); tests capture them to prove no credential is written. */
  logStream?: DestinationStream;
  /** The time the rules read (default: the system clock); tests pass one they can move forward. */
  clock?: Clock;
}

// Fastify's request serializer, with the credentials a query string may carry censored.
const serializeRequest = (request: FastifyRequest) => ({
  method: request.method,
  url: redactUrl(request.url),
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});

export async function buildApp(options: BuildOptions = {}): Promise<FastifyInstance> {
  const config = options.config ?? loadConfig(options.env ?? process.env);
  const trusted = listOf(config.TRUST_PROXY);
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: { req: serializeRequest },
      // With tracing on (services/tracing/preload.ts), each line of a request or job names its trace.
      ...(tracingStarted() ? { mixin: traceLogFields } : {}),
      // A captured stream (tests) wins; otherwise readable lines on a terminal outside production.
      ...(options.logStream
        ? { stream: options.logStream }
        : prettyLogs(config)
          ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } }
          : {}),
    },
    // Our JSON parser refuses these keys (plugins/security.ts); any other parser Fastify runs does too.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Slow clients: a connection must finish its headers, and its whole request, within these limits.
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      // Node refuses a headers timeout longer than the request timeout; it checks them every interval.
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(config.HTTP_HEADERS_TIMEOUT_MS / 4))),
    },
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    genReqId: requestIds(),
    trustProxy: trusted.length > 0 ? trusted : false,
    bodyLimit: config.BODY_LIMIT,
    return503OnClosing: true,
    // The embedded database boots a WASM PostgreSQL and migrates it: give start-up more than the default 10 s.
    pluginTimeout: 120_000,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // Router-level failures (a path parameter over maxParamLength, a malformed URL) answer in the error
    // envelope too, without echoing the URL back. These answers skip the hooks: the request id is set here.
    frameworkErrors: (err, request, reply) => {
      reply.header('x-request-id', request.id);
      return err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? sendError(request, reply, 414, 'URI_TOO_LONG', 'A path parameter is longer than 200 characters')
        : sendError(request, reply, 400, 'INVALID_REQUEST', 'The request URL is malformed');
    },
  });
  // Unknown properties are an error (no silent stripping), so mass assignment gets a 400.
  app.setValidatorCompiler(createValidatorCompiler());

  await app.register(autoload, { dir: path.join(root, 'plugins'), options: { config, clock: options.clock } });
  // Orchestrator probes stay at the root (/livez, /readyz), outside the versioned API.
  await app.register(probeRoutes);
  await app.register(autoload, { dir: path.join(root, 'routes'), options: { prefix: '/api/v1' }, autoHooks: false });
  return app;
}
