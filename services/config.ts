// Every environment variable the service reads, validated once at start-up into one typed object.
import { existsSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Bool = Type.Union([Type.Literal('true'), Type.Literal('false')]);
const Int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description });
const Window = (description: string) => Type.Integer({ minimum: 1000, maximum: 86_400_000, description });

export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  HOST: Type.String({ default: '0.0.0.0', description: 'Interface to listen on' }),
  PORT: Int(0, 65535, 3000, 'TCP port to listen on'),
  WEB_CONCURRENCY: Int(0, 256, 1, 'API processes `npm start` runs with node:cluster (0: one per core, 1: no cluster)'),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    default: 'auto',
    description: 'auto: human-readable when stdout is a terminal and NODE_ENV is not production, JSON otherwise',
  }),
  APP_VERSION: Type.String({ default: '1.0.0' }),
  PUBLIC_BASE_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'Public origin of the API; default http://<HOST, or localhost for 0.0.0.0/::>:<PORT>',
    }),
  ),
  DATA_DIR: Type.String({ default: './data', description: 'Embedded database, outbox and media live here' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DB_POOL_MAX: Int(1, 200, 10, 'PostgreSQL pool size'),
  DB_AUTO_MIGRATE: Bool,
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_KEY_PREFIX: Type.String({ default: 'cinemate:' }),
  REDIS_TIMEOUT_MS: Int(10, 60_000, 500, 'A Redis call slower than this fails instead of hanging a request'),
  CATALOG_HOT_TIER_MS: Int(
    0,
    15_000,
    15_000,
    'Lifetime of catalog reads in the in-process tier in front of the cache (0: off)',
  ),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_ISSUER: Type.String({ default: 'cinemate' }),
  JWT_AUDIENCE: Type.String({ default: 'cinemate-api' }),
  ACCESS_TOKEN_TTL: Int(60, 86_400, 900, 'Access token lifetime, seconds'),
  REFRESH_TOKEN_TTL: Int(3600, 31_536_000, 2_592_000, 'Refresh token lifetime, seconds'),
  OTP_TTL: Int(60, 3600, 600, 'Password-reset OTP lifetime, seconds'),
  OTP_MAX_ATTEMPTS: Int(1, 20, 5, 'Wrong OTPs allowed per reset request'),
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'Comma-separated allow-list; empty allows no cross-origin caller',
  }),
  TRUST_PROXY: Type.String({
    default: '',
    description: 'Comma-separated proxy addresses/CIDRs whose X-Forwarded-For is trusted',
  }),
  BODY_LIMIT: Int(1024, 50 * 1024 * 1024, 1_048_576, 'Maximum request body, bytes'),
  RATE_LIMIT_WINDOW_MS: Int(1000, 3_600_000, 60_000, 'Rate-limit window'),
  RATE_LIMIT_AUTH_MAX: Int(1, 100_000, 5, 'Auth requests per window per IP'),
  RATE_LIMIT_GENERAL_MAX: Int(1, 1_000_000, 100, 'Requests per window per user (or IP when anonymous)'),
  RATE_LIMIT_SEARCH_MAX: Int(1, 100_000, 30, 'Search requests per window per user'),
  RATE_LIMIT_CONTENT_MAX: Int(1, 1_000_000, 1000, 'Content (browse, trending, titles) requests per window per user'),
  RATE_LIMIT_STREAMING_MAX: Int(1, 1_000_000, 100, 'Streaming requests (heartbeats included) per window per user'),
  RATE_LIMIT_ANALYTICS_MAX: Int(1, 1_000_000, 500, 'Analytics requests per window per user'),
  RATE_LIMIT_AUTH_WINDOW_MS: Type.Optional(Window('Auth window; default RATE_LIMIT_WINDOW_MS')),
  RATE_LIMIT_SEARCH_WINDOW_MS: Type.Optional(Window('Search window; default RATE_LIMIT_WINDOW_MS')),
  RATE_LIMIT_GENERAL_WINDOW_MS: Type.Optional(Window('General window; default RATE_LIMIT_WINDOW_MS')),
  RATE_LIMIT_CONTENT_WINDOW_MS: Int(1000, 86_400_000, 3_600_000, 'Content window'),
  RATE_LIMIT_STREAMING_WINDOW_MS: Int(1000, 86_400_000, 60_000, 'Streaming window'),
  RATE_LIMIT_ANALYTICS_WINDOW_MS: Int(1000, 86_400_000, 3_600_000, 'Analytics window'),
  ANALYTICS_RETENTION_DAYS: Int(1, 3650, 90, 'Raw analytics events are kept this many days (rollups stay)'),
  ANALYTICS_ROLLUP_SETTLE_SECONDS: Int(0, 600, 5, 'Events younger than this wait for the next rollup run'),
  LOGIN_BLOCK_THRESHOLD: Int(1, 10_000, 20, 'Failed logins from one IP within the block window that block the IP'),
  LOGIN_BLOCK_SECONDS: Int(1, 604_800, 900, 'How long such an IP stays blocked'),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ default: 'Cinemate <no-reply@cinemate.local>' }),
  TMDB_ACCESS_TOKEN: Type.Optional(Type.String({ minLength: 10 })),
  TMDB_BASE_URL: Type.String({ default: 'https://api.themoviedb.org/3', pattern: '^https?://' }),
  TMDB_TIMEOUT_MS: Int(100, 60_000, 4000, 'Per-request TMDb timeout'),
  TMDB_MAX_CONCURRENT: Int(1, 100, 8, 'Upstream TMDb requests in flight at once'),
  STRIPE_SECRET_KEY: Type.Optional(Type.String({ pattern: '^(sk|rk)_' })),
  STRIPE_WEBHOOK_SECRET: Type.Optional(Type.String({ pattern: '^whsec_' })),
  STRIPE_API_BASE: Type.Optional(Type.String({ pattern: '^https?://' })),
  BILLING_PROVIDER: Type.Union([Type.Literal('auto'), Type.Literal('local'), Type.Literal('stripe')], {
    default: 'auto',
    description: 'Payment provider (auto: stripe when STRIPE_SECRET_KEY is set, the built-in local provider otherwise)',
  }),
  BILLING_PROFILES_PER_PLAN: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 20,
      description: 'Viewer profiles on every plan, overriding the stored plans (5 each)',
    }),
  ),
  BILLING_RENEWAL_INTERVAL_SECONDS: Int(
    0,
    86_400,
    60,
    'How often the built-in provider runs due renewals and expired idempotency keys are purged; 0 disables',
  ),
  JOBS_INLINE: Type.Union([Type.Literal('auto'), Type.Literal('true'), Type.Literal('false')], {
    default: 'auto',
    description: 'Run background jobs inside the API process (auto: when on the embedded database)',
  }),
  JOBS_LEASE_SECONDS: Int(1, 86_400, 120, 'A claimed job whose worker is gone is claimed again after this long'),
  JOBS_TEST_HOOKS: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
    description: 'Registers the test-only jobs test.slow and test.tick; honoured only when NODE_ENV=test',
  }),
  METRICS_TOKEN: Type.Optional(
    Type.String({ minLength: 16, description: 'Bearer token that unlocks /metrics (Prometheus); unset disables it' }),
  ),
  METRICS_ENABLED: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'true',
    description: 'false: no request histogram and no /metrics on this instance (the overhead bench compares both)',
  }),
  WORKER_METRICS_PORT: Int(
    0,
    65535,
    0,
    'Port the worker (npm run worker) serves /metrics on, behind METRICS_TOKEN; 0 = off',
  ),
  // The OpenTelemetry SDK reads these itself (services/tracing/preload.ts, before this module runs); they
  // are listed so that a bad value stops the start with a clear message. Any other OTEL_* variable works too.
  OTEL_SERVICE_NAME: Type.Optional(
    Type.String({ minLength: 1, description: 'Service name on the spans (default cinemate, cinemate-worker)' }),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'OTLP/HTTP collector base URL; set, it turns tracing on' }),
  ),
  OTEL_TRACES_EXPORTER: Type.Optional(
    Type.String({
      pattern: '^(otlp|console|none)(,(otlp|console|none))*$',
      description: 'Span exporters (otlp, console, none); set (and not none), it turns tracing on',
    }),
  ),
  MEDIA_BASE_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'Where HLS segments are served from (CDN or media store)' }),
  ),
  MEDIA_SIGNING_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  WS_HEARTBEAT_MS: Int(
    50,
    600_000,
    30_000,
    'WebSocket ping interval; a socket that misses a pong, or whose session ended, is closed at the next beat',
  ),
  WS_AUTH_TIMEOUT_MS: Int(100, 60_000, 5000, 'Time a socket opened without a token has to send its auth message'),
  WS_MAX_BUFFERED_BYTES: Int(
    1024,
    64 * 1024 * 1024,
    1_048_576,
    'Unsent bytes a socket may hold before it is dropped as a slow reader',
  ),
  WS_MAX_CONNECTIONS_PER_USER: Int(1, 1000, 10, 'Open sockets per account on one instance'),
  WS_MAX_MESSAGES: Int(1, 100_000, 120, 'Messages one socket may send per WS_MESSAGE_WINDOW_MS before it is closed'),
  WS_MESSAGE_WINDOW_MS: Int(100, 3_600_000, 10_000, 'The window of WS_MAX_MESSAGES, ms'),
  WATCH_PARTY_HOST_GRACE_MS: Int(
    100,
    3_600_000,
    120_000,
    'A watch party ends when its host has had no socket in it for this long',
  ),
  WATCH_PARTY_MAX_MEMBERS: Int(2, 100, 20, 'Members of one watch party, host included'),
  WATCH_PARTY_CHAT_MAX: Int(1, 1000, 5, 'Chat lines and reactions one member may send per window'),
  WATCH_PARTY_CHAT_WINDOW_MS: Int(1000, 3_600_000, 10_000, 'The window of WATCH_PARTY_CHAT_MAX, ms'),
  WATCH_PARTY_CHAT_HISTORY: Int(0, 500, 50, 'Latest chat lines a party.state message carries'),
  NOTIFICATIONS_BATCH_SIZE: Int(1, 10_000, 500, 'Users per batch when a notification fans out to many'),
  NOTIFICATIONS_DIGEST_EVERY_S: Int(0, 31_536_000, 604_800, 'Period of the recommendation digest, seconds (0: off)'),
  NOTIFICATIONS_DIGEST_ACTIVE_DAYS: Int(
    1,
    365,
    30,
    'A digest goes to accounts with a session used within this many days',
  ),
  PASSWORD_RESET_MAILS_PER_ACCOUNT: Int(
    1,
    1000,
    3,
    'Reset mails one account receives per window; further requests are answered as for an unknown email',
  ),
  PASSWORD_RESET_MAIL_WINDOW_SECONDS: Int(60, 604_800, 3600, 'The window of PASSWORD_RESET_MAILS_PER_ACCOUNT, seconds'),
  HTTP_HEADERS_TIMEOUT_MS: Int(100, 600_000, 10_000, 'A client must send its request headers within this time'),
  HTTP_REQUEST_TIMEOUT_MS: Int(100, 3_600_000, 30_000, 'A client must send its whole request within this time'),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Int(100, 600_000, 72_000, 'Idle keep-alive connections close after this time'),
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: Int(0, 60_000, 1000, 'Mean event-loop delay that makes the API shed load (0: off)'),
  OVERLOAD_MAX_HEAP_BYTES: Int(0, 2 ** 45, 0, 'Heap in use that makes the API shed load (0: off)'),
  OVERLOAD_MAX_RSS_BYTES: Int(0, 2 ** 45, 0, 'Resident memory that makes the API shed load (0: off)'),
  OVERLOAD_SAMPLE_INTERVAL_MS: Int(10, 60_000, 1000, 'How often the overload figures are sampled'),
  RETRY_AFTER_SECONDS: Int(1, 3600, 5, 'Retry-After sent with 503 answers (overload, dependency outage)'),
  MEDIA_MAX_UPLOAD_BYTES: Int(1, 1_099_511_627_776, 21_474_836_480, 'Largest resumable (tus) upload, bytes'),
  MEDIA_MULTIPART_MAX_BYTES: Int(
    1,
    10_737_418_240,
    536_870_912,
    'Largest video sent inline to POST /admin/content, bytes',
  ),
  MEDIA_LADDER: Type.String({
    default: '240,360,480,720,1080,2160',
    pattern: '^[0-9]{3,4}(,[0-9]{3,4})*$',
    description: 'HLS rung heights; a source gets the rungs at or below its own height',
  }),
  MEDIA_ENCODER_PRESET: Type.Union(
    ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow'].map((p) => Type.Literal(p)),
    { default: 'veryfast', description: 'x264 preset of the ladder (speed against size)' },
  ),
  MEDIA_GRANT_TTL_SECONDS: Int(60, 604_800, 21_600, 'Lifetime of a signed playback link (manifest, key, segments)'),
  MEDIA_STORE: Type.Union([Type.Literal('local'), Type.Literal('s3')], {
    default: 'local',
    description: 'Where sources and HLS ladders live: DATA_DIR/media, or an S3-compatible bucket (MEDIA_S3_*)',
  }),
  MEDIA_S3_ENDPOINT: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'S3-compatible endpoint (MinIO, R2...); unset: AWS S3' }),
  ),
  MEDIA_S3_BUCKET: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      description: 'Bucket (required when MEDIA_STORE=s3)',
    }),
  ),
  MEDIA_S3_REGION: Type.String({ default: 'us-east-1', minLength: 1, description: 'Region of the bucket' }),
  MEDIA_S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  MEDIA_S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  MEDIA_S3_FORCE_PATH_STYLE: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
    description: 'Path-style bucket URLs (endpoint/bucket/key), as MinIO and most self-hosted servers want',
  }),
  MEDIA_UPLOADS_DIR: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'In-flight tus uploads (default DATA_DIR/media/.uploads); a volume every API instance mounts',
    }),
  ),
  MEDIA_UPLOAD_EXPIRY_HOURS: Int(1, 8760, 24, 'An unfinished tus upload this many hours old is gone (410) and removed'),
  GRAPHQL_MAX_DEPTH: Int(1, 50, 8, 'Deepest nesting of object fields a GraphQL operation may have'),
  GRAPHQL_MAX_COST: Int(1, 10_000_000, 5000, 'Highest cost (fields times list sizes) of one GraphQL operation'),
  GRAPHQL_COST_BUDGET: Int(
    1,
    1_000_000_000,
    50_000,
    'GraphQL cost a user (an IP when anonymous) may spend per RATE_LIMIT_WINDOW_MS',
  ),
  GRAPHQL_INTROSPECTION: Type.Union([Type.Literal('auto'), Type.Literal('true'), Type.Literal('false')], {
    default: 'auto',
    description: 'Schema introspection on /api/v1/graphql (auto: on unless NODE_ENV is production)',
  }),
  FFMPEG_PATH: Type.Optional(
    Type.String({ minLength: 1, description: 'ffmpeg binary (default: PATH, then the npm one)' }),
  ),
  FFPROBE_PATH: Type.Optional(
    Type.String({ minLength: 1, description: 'ffprobe binary (default: PATH, then the npm one)' }),
  ),
});

export type Config = Static<typeof ConfigSchema> & { DB_AUTO_MIGRATE: 'true' | 'false'; PUBLIC_BASE_URL: string };

const defaults: Record<string, string> = { DB_AUTO_MIGRATE: 'true' };

export class ConfigError extends Error {}

/** process.env, after reading ./.env when it exists (variables already set win, as with `node --env-file`). */
export function processEnv(): NodeJS.ProcessEnv {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/** Parses env (default: the process environment and ./.env) into Config; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = processEnv()): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const raw = env[key] ?? defaults[key];
    if (raw !== undefined && raw !== '') input[key] = raw;
    else if (raw === '' && key === 'CORS_ORIGINS') input[key] = '';
  }
  const converted = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, input));
  const errors = [...Value.Errors(ConfigSchema, converted)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.path.slice(1) || '(root)'}: ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const config = converted as Config;
  config.PUBLIC_BASE_URL ??= listeningOrigin(config.HOST, config.PORT);
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_SECRET: required in production (at least 32 characters of randomness)',
    );
  }
  if (config.NODE_ENV === 'production' && !config.MEDIA_SIGNING_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  MEDIA_SIGNING_SECRET: required in production (every instance verifies the same playback links)',
    );
  }
  if (config.MEDIA_STORE === 's3' && !config.MEDIA_S3_BUCKET) {
    throw new ConfigError('Invalid configuration:\n  MEDIA_S3_BUCKET: required when MEDIA_STORE=s3');
  }
  if (!config.MEDIA_S3_ACCESS_KEY_ID !== !config.MEDIA_S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      "Invalid configuration:\n  MEDIA_S3_ACCESS_KEY_ID: set with MEDIA_S3_SECRET_ACCESS_KEY, or neither (the SDK's own credential chain)",
    );
  }
  if (config.WEB_CONCURRENCY !== 1 && (!config.DATABASE_URL || !config.REDIS_URL)) {
    throw new ConfigError(
      'Invalid configuration:\n  WEB_CONCURRENCY: more than one process needs DATABASE_URL and REDIS_URL (the processes share state only through them)',
    );
  }
  return config;
}

/** The origin a local client reaches HOST:PORT at (a wildcard address is reached through localhost). */
function listeningOrigin(host: string, port: number): string {
  const name =
    host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** Human-readable logs: asked for, or `auto` on a terminal outside production. */
export const prettyLogs = (config: Config, isTTY = process.stdout.isTTY === true): boolean =>
  config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && isTTY && config.NODE_ENV !== 'production');

export const listOf = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
