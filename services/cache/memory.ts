// In-process cache: the embedded default when REDIS_URL is unset. Bounded LRU with per-key expiry.
import type { Cache } from './types.ts';
import { jsonLayer } from './json.ts';

interface Entry {
  value: string;
  expiresAt: number;
}

export interface MemoryCacheOptions {
  maxEntries?: number;
  now?: () => number;
}

export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const maxEntries = options.maxEntries ?? 50_000;
  const now = options.now ?? Date.now;
  // Map keeps insertion order: re-inserting on read makes the first key the least recently used.
  const entries = new Map<string, Entry>();

  const read = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  };

  const write = (key: string, value: string, ttlSeconds: number) => {
    entries.delete(key);
    entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
    }
  };

  const store = {
    async get(key: string) {
      return read(key)?.value ?? null;
    },
    async set(key: string, value: string, ttlSeconds: number) {
      write(key, value, ttlSeconds);
    },
  };

  return {
    ...store,
    ...jsonLayer(store),
    async del(...keys: string[]) {
      for (const key of keys) entries.delete(key);
    },
    async delPrefix(prefix: string) {
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
    },
    async incr(key: string, ttlSeconds: number, by = 1) {
      const entry = read(key);
      const next = (entry ? Number(entry.value) : 0) + by;
      if (entry) entry.value = String(next);
      else write(key, String(next), ttlSeconds);
      return next;
    },
    async ping() {},
    async close() {
      entries.clear();
    },
  };
}
