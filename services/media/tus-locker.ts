// A tus locker shared by every API instance, on Redis: an upload is written by one request at a time, whichever
// instance it lands on. The lock is a key set with NX and a short TTL, renewed while held (a crashed holder's
// lock lapses by itself). As with tus's in-memory locker, a newer request for a held upload asks the holder to
// let go (the holder is usually a connection that died without closing): the holder notices the request at its
// next renewal, ends its PATCH (keeping what it wrote) and unlocks.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Redis } from 'ioredis';

export interface RedisLockerOptions {
  /** Key prefix (REDIS_KEY_PREFIX). */
  prefix: string;
  /** Lifetime of a lock that is not renewed, ms. */
  ttlMs?: number;
  /** How often a holder renews its lock and looks for a release request, ms. */
  renewMs?: number;
  /** How long a request waits for a lock before tus answers 500, ms. */
  acquireTimeoutMs?: number;
  /** How often a waiter tries again, ms. */
  retryMs?: number;
}

// Renews only a lock still held by this token; answers 1 when another request asked for it, -1 when it is lost.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return redis.call('exists', KEYS[2])
end
return -1`;
// Deletes the lock only if this token still holds it (never someone else's after a lapse).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

export function redisLocker(redis: Redis, options: RedisLockerOptions): Locker {
  const ttl = options.ttlMs ?? 10_000;
  const renewEvery = options.renewMs ?? 1000;
  const timeout = options.acquireTimeoutMs ?? 30_000;
  const retry = options.retryMs ?? 100;

  return {
    newLock(id: string): Lock {
      const key = `${options.prefix}tus-lock:${id}`;
      const releaseKey = `${key}:release`;
      const token = randomUUID();
      let renewal: NodeJS.Timeout | null = null;

      const hold = (requestRelease: RequestRelease) => {
        let released = false;
        renewal = setInterval(async () => {
          try {
            const state = Number(await redis.eval(RENEW, 2, key, releaseKey, token, ttl));
            if (state !== 0 && !released) {
              released = true;
              await requestRelease();
            }
          } catch {
            // Redis briefly unreachable: the lock lives on until its TTL; the next beat tries again.
          }
        }, renewEvery);
        renewal.unref();
      };

      return {
        async lock(signal, requestRelease) {
          const deadline = Date.now() + timeout;
          let asked = false;
          while (!signal.aborted) {
            if ((await redis.set(key, token, 'PX', ttl, 'NX')) === 'OK') {
              await redis.del(releaseKey);
              hold(requestRelease);
              return;
            }
            if (!asked) {
              asked = true;
              await redis.set(releaseKey, token, 'PX', ttl);
            }
            if (Date.now() >= deadline) break;
            await sleep(retry, undefined, { signal }).catch(() => {});
          }
          throw ERRORS.ERR_LOCK_TIMEOUT;
        },
        async unlock() {
          if (renewal) clearInterval(renewal);
          renewal = null;
          await redis.eval(RELEASE, 1, key, token);
        },
      };
    },
  };
}
