// Rate limits by class: the table of classes (window, budget, who is counted) built from config, the
// class a path falls in by default, and fixed-window counters in Redis (shared by every instance) or in
// process. Each class counts on its own, so a 30-second playback heartbeat never eats the content budget.
// Not @fastify/rate-limit: it keeps one counter per route and costs one unit per request, where a class is
// shared by many routes and a batch costs one unit per item (one Redis INCRBY-style script either way).
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';

export const RATE_LIMIT_CLASSES = ['auth', 'search', 'content', 'streaming', 'analytics', 'general'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

export interface ClassLimit {
  max: number;
  windowMs: number;
  /** auth counts per IP (seed 003); the others per user, per IP when anonymous. */
  per: 'ip' | 'user';
}

export type ClassTable = Record<RateLimitClass, ClassLimit>;

/** The class table from config; a class without its own window uses RATE_LIMIT_WINDOW_MS. */
export function classTable(c: Config): ClassTable {
  const w = c.RATE_LIMIT_WINDOW_MS;
  return {
    auth: { max: c.RATE_LIMIT_AUTH_MAX, windowMs: c.RATE_LIMIT_AUTH_WINDOW_MS ?? w, per: 'ip' },
    search: { max: c.RATE_LIMIT_SEARCH_MAX, windowMs: c.RATE_LIMIT_SEARCH_WINDOW_MS ?? w, per: 'user' },
    content: { max: c.RATE_LIMIT_CONTENT_MAX, windowMs: c.RATE_LIMIT_CONTENT_WINDOW_MS, per: 'user' },
    streaming: { max: c.RATE_LIMIT_STREAMING_MAX, windowMs: c.RATE_LIMIT_STREAMING_WINDOW_MS, per: 'user' },
    analytics: { max: c.RATE_LIMIT_ANALYTICS_MAX, windowMs: c.RATE_LIMIT_ANALYTICS_WINDOW_MS, per: 'user' },
    general: { max: c.RATE_LIMIT_GENERAL_MAX, windowMs: c.RATE_LIMIT_GENERAL_WINDOW_MS ?? w, per: 'user' },
  };
}

/** A path rule: the class (and cost) of every route under `prefix`, for the methods given (default all). */
interface PathRule {
  prefix: string;
  cls: RateLimitClass;
  cost?: number;
  writes?: true;
}

// Longest prefix first. Routes may still declare their own class or cost (plugins/rate-limit.ts).
const PATH_RULES: PathRule[] = [
  { prefix: '/api/v1/movies/recommendations', cls: 'general', cost: 2 },
  { prefix: '/api/v1/movies/search', cls: 'search' },
  { prefix: '/api/v1/recommendations', cls: 'general', cost: 2 },
  { prefix: '/api/v1/admin', cls: 'general', cost: 5, writes: true },
  { prefix: '/api/v1/auth', cls: 'auth' },
  { prefix: '/api/v1/search', cls: 'search' },
  { prefix: '/api/v1/content', cls: 'content' },
  { prefix: '/api/v1/streaming', cls: 'streaming' },
  { prefix: '/api/v1/analytics', cls: 'analytics' },
];

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The default class and cost of a route, from its URL pattern and method. */
export function pathClass(url: string, method: string): { cls: RateLimitClass; cost: number } {
  for (const r of PATH_RULES) {
    if (url !== r.prefix && !url.startsWith(`${r.prefix}/`)) continue;
    if (r.writes && !WRITE.has(method)) continue;
    return { cls: r.cls, cost: r.cost ?? 1 };
  }
  return { cls: 'general', cost: 1 };
}

export interface Hit {
  /** Units used in this window, this request included. */
  used: number;
  /** Epoch milliseconds at which the window ends. */
  resetAt: number;
}

/** Counters: add `cost` to `key` in a window of `windowMs` that starts with the key's first hit. */
export interface CounterStore {
  hit(key: string, cost: number, windowMs: number): Promise<Hit>;
  close(): void;
}

export function memoryCounters(now = Date.now): CounterStore {
  const windows = new Map<string, Hit>();
  // Expired windows are dropped once a minute so the map holds only live keys.
  const sweep = setInterval(() => {
    const t = now();
    for (const [k, v] of windows) if (v.resetAt <= t) windows.delete(k);
  }, 60_000);
  sweep.unref();
  return {
    async hit(key, cost, windowMs) {
      const t = now();
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { used: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.used += cost;
      return { ...w };
    },
    close: () => clearInterval(sweep),
  };
}

// One round trip: add the cost, start the window on the first hit, return the count and the time left.
const HIT_SCRIPT = `local n = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) ttl = tonumber(ARGV[2]) end
return {n, ttl}`;

type HitCommand = (key: string, cost: number, windowMs: number) => Promise<[number, number]>;

export function redisCounters(redis: Redis, prefix: string): CounterStore {
  // A defined command runs by EVALSHA (the script text goes over the wire once, not on every request).
  if (!('cinemateRateHit' in redis)) redis.defineCommand('cinemateRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  const hit = (redis as unknown as { cinemateRateHit: HitCommand }).cinemateRateHit.bind(redis);
  return {
    async hit(key, cost, windowMs) {
      const [used, ttl] = await hit(`${prefix}${key}`, cost, windowMs);
      return { used, resetAt: Date.now() + ttl };
    },
    close: () => {},
  };
}

export interface Decision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends (at least 1). */
  resetIn: number;
  /** The same moment as an epoch second (seed 001's X-RateLimit-Reset). */
  resetEpoch: number;
  windowSeconds: number;
}

export function decide(limit: ClassLimit, hit: Hit, now = Date.now()): Decision {
  const resetIn = Math.max(1, Math.ceil((hit.resetAt - now) / 1000));
  return {
    allowed: hit.used <= limit.max,
    limit: limit.max,
    remaining: Math.max(0, limit.max - hit.used),
    resetIn,
    resetEpoch: Math.ceil(hit.resetAt / 1000),
    windowSeconds: Math.ceil(limit.windowMs / 1000),
  };
}
