// JSON helpers and read-through shared by both cache stores.
import type { Cache } from './types.ts';
import { createSingleFlight } from './single-flight.ts';
import { cacheCounters } from '../metrics/registry.ts';

const lookups = cacheCounters('shared');

type RawStore = Pick<Cache, 'get' | 'set'>;

export function jsonLayer(store: RawStore): Pick<Cache, 'getJson' | 'setJson' | 'wrap'> {
  const singleFlight = createSingleFlight();
  const getJson = async <T>(key: string): Promise<T | null> => {
    const raw = await store.get(key);
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return null;
    }
  };
  const setJson = (key: string, value: unknown, ttlSeconds: number) =>
    store.set(key, JSON.stringify(value), ttlSeconds);
  const wrap = <T>(key: string, ttlSeconds: number, fn: () => Promise<T>): Promise<T> =>
    singleFlight(key, async () => {
      const hit = await getJson<{ v: T }>(key);
      if (hit) {
        lookups.hit.inc();
        return hit.v;
      }
      lookups.miss.inc();
      const value = await fn();
      await setJson(key, { v: value }, ttlSeconds);
      return value;
    });
  return { getJson, setJson, wrap };
}
