// The TMDb wire: pooled keep-alive requests with a per-attempt timeout, a concurrency cap, retries with
// backoff (honouring Retry-After), the circuit breaker, and JSON parsing with shape validation.
import { BulkheadRejectedError, bulkhead } from 'cockatiel';
import { Pool, type Dispatcher } from 'undici';
import type { Breaker } from './breaker.ts';
import { tmdbOutcome } from '../metrics/registry.ts';

export type UpstreamErrorKind =
  | 'not_found' // 404: a real answer, not a failure
  | 'rejected' // other 4xx: our request is wrong (bad token, bad parameter); retrying cannot help
  | 'unavailable' // 429, 5xx, timeout, network error, garbage body
  | 'breaker_open'
  | 'overloaded'; // the local wait queue is full

export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  readonly status: number | undefined;
  constructor(kind: UpstreamErrorKind, message: string, status?: number) {
    super(message);
    this.name = 'UpstreamError';
    this.kind = kind;
    this.status = status;
  }
}

export interface HttpCounters {
  upstreamCalls: number;
  upstreamFailures: number;
  retries: number;
}

export interface TmdbHttpOptions {
  baseUrl: string;
  accessToken: string;
  timeoutMs: number;
  maxConcurrent: number;
  maxQueue: number;
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  breaker: Breaker;
  counters: HttpCounters;
  dispatcher?: Dispatcher;
  logger?: { warn(obj: object, msg?: string): void };
}

/** Returns the value when the body has the shape the caller relies on, or null. */
export type Validator<T> = (body: unknown) => T | null;

type Outcome<T> =
  | { ok: true; value: T }
  // verdict says what the attempt tells the breaker about upstream health.
  | {
      ok: false;
      error: UpstreamError;
      retryAfterMs: number | null;
      verdict: 'failure' | 'healthy' | 'neutral';
      retryable: boolean;
    };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export function createTmdbHttp(options: TmdbHttpOptions) {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const ownPool = options.dispatcher
    ? null
    : new Pool(origin, { connections: options.maxConcurrent, keepAliveTimeout: 30_000, pipelining: 1 });
  const dispatcher: Dispatcher = options.dispatcher ?? (ownPool as Pool);
  // At most maxConcurrent requests upstream; up to maxQueue more wait (FIFO), the rest are refused at once.
  const cap = bulkhead(options.maxConcurrent, options.maxQueue);
  const { counters, breaker } = options;
  const headers = { authorization: `Bearer ${options.accessToken}`, accept: 'application/json' };

  // Equal jitter: never less than half the step, so a burst of retries still spreads out.
  const backoff = (attempt: number) => {
    const step = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** attempt);
    return step / 2 + Math.random() * (step / 2);
  };

  type Fetched = { status: number; text: string; retryAfter: string | string[] | undefined };

  // One request inside the concurrency cap; a network failure or timeout comes back as an outcome.
  async function fetchOnce(pathAndQuery: string): Promise<Fetched | Outcome<never>> {
    counters.upstreamCalls++;
    // One deadline for headers and body together; undici's own timeouts are a second line of defence.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    try {
      const res = await dispatcher.request({
        origin,
        path: basePath + pathAndQuery,
        method: 'GET',
        headers,
        signal: controller.signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      return { status: res.statusCode, retryAfter: res.headers['retry-after'], text: await res.body.text() };
    } catch (err) {
      const timedOut = controller.signal.aborted;
      const message = timedOut
        ? `TMDb timed out after ${options.timeoutMs} ms`
        : `TMDb unreachable: ${(err as Error).message}`;
      return {
        ok: false,
        error: new UpstreamError('unavailable', message),
        retryAfterMs: null,
        verdict: 'failure',
        retryable: true,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async function attempt<T>(pathAndQuery: string, validate: Validator<T>): Promise<Outcome<T>> {
    let fetched: Fetched | Outcome<never>;
    try {
      fetched = await cap.execute(() => fetchOnce(pathAndQuery));
    } catch (err) {
      if (!(err instanceof BulkheadRejectedError)) throw err;
      const error = new UpstreamError('overloaded', 'Too many catalog requests waiting');
      return { ok: false, error, retryAfterMs: null, verdict: 'neutral', retryable: false };
    }
    if ('ok' in fetched) return fetched;
    const { status, text, retryAfter } = fetched;

    if (status === 429 || status >= 500) {
      const error = new UpstreamError('unavailable', `TMDb answered ${status}`, status);
      return { ok: false, error, retryAfterMs: parseRetryAfter(retryAfter), verdict: 'failure', retryable: true };
    }
    if (status === 404) {
      return {
        ok: false,
        error: new UpstreamError('not_found', 'Not found upstream', 404),
        retryAfterMs: null,
        verdict: 'healthy',
        retryable: false,
      };
    }
    if (status < 200 || status >= 300) {
      return {
        ok: false,
        error: new UpstreamError('rejected', `TMDb rejected the request (${status})`, status),
        retryAfterMs: null,
        verdict: 'healthy',
        retryable: false,
      };
    }
    // A 200 with a body we cannot use is as bad as a 500 for our callers, but re-asking will not fix it.
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return {
        ok: false,
        error: new UpstreamError('unavailable', 'TMDb sent a body that is not JSON', status),
        retryAfterMs: null,
        verdict: 'failure',
        retryable: false,
      };
    }
    const value = validate(body);
    if (value === null) {
      return {
        ok: false,
        error: new UpstreamError('unavailable', 'TMDb sent a body of an unexpected shape', status),
        retryAfterMs: null,
        verdict: 'failure',
        retryable: false,
      };
    }
    return { ok: true, value };
  }

  /** GET basePath + pathAndQuery, validated; throws UpstreamError when no usable answer came. */
  async function getJson<T>(pathAndQuery: string, validate: Validator<T>): Promise<T> {
    if (!breaker.tryAcquire()) {
      tmdbOutcome('breaker_open');
      throw new UpstreamError('breaker_open', 'TMDb circuit breaker is open');
    }
    for (let n = 0; ; n++) {
      let outcome: Outcome<T>;
      try {
        outcome = await attempt(pathAndQuery, validate);
      } catch (err) {
        breaker.release();
        tmdbOutcome(
          err instanceof UpstreamError ? err.kind : err instanceof BulkheadRejectedError ? 'overloaded' : 'unavailable',
        );
        throw err;
      }
      if (outcome.ok) {
        breaker.success();
        tmdbOutcome('ok');
        return outcome.value;
      }
      const { error, verdict } = outcome;
      if (verdict === 'failure') counters.upstreamFailures++;
      if (!outcome.retryable || n >= options.retries) {
        if (verdict === 'failure') breaker.failure();
        else if (verdict === 'healthy') breaker.success();
        else breaker.release();
        if (error.kind !== 'not_found' && error.kind !== 'overloaded')
          options.logger?.warn(
            { path: pathAndQuery, status: error.status, attempts: n + 1, err: error.message },
            'TMDb request failed',
          );
        tmdbOutcome(error.kind);
        throw error;
      }
      counters.retries++;
      const wait = outcome.retryAfterMs === null ? backoff(n) : Math.min(outcome.retryAfterMs, options.retryMaxMs);
      await sleep(wait);
    }
  }

  return {
    getJson,
    // The bulkhead reports free slots; callers want what is taken.
    inFlight: () => options.maxConcurrent - cap.executionSlots,
    queued: () => options.maxQueue - cap.queueSlots,
    async close() {
      await ownPool?.close();
    },
  };
}

export type TmdbHttp = ReturnType<typeof createTmdbHttp>;
