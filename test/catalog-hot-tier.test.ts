// The in-process catalog tier: a repeated read is answered without asking the shared cache, unless the tier
// is switched off (CATALOG_HOT_TIER_MS=0), when every read goes to the shared cache (Redis in production).
import t from 'tap';
import { createMemoryCache } from '../services/cache/memory.ts';
import type { Cache } from '../services/cache/types.ts';
import { cachedRead, configureHotTier } from '../services/catalog/cache.ts';

function counted(): { cache: Cache; wraps: () => number } {
  const inner = createMemoryCache();
  let wraps = 0;
  const cache: Cache = Object.create(inner);
  cache.wrap = (key, ttl, fn) => {
    wraps += 1;
    return inner.wrap(key, ttl, fn);
  };
  return { cache, wraps: () => wraps };
}

t.test('a repeated read is answered by the in-process tier', async (t) => {
  const { cache, wraps } = counted();
  let loads = 0;
  const load = async () => ({ n: ++loads });
  t.same((await cachedRead(cache, 'catalog:list:a', 60, load)).data, { n: 1 });
  t.same((await cachedRead(cache, 'catalog:list:a', 60, load)).data, { n: 1 });
  t.equal(wraps(), 1, 'the shared cache is asked once');
  await cache.close();
});

t.test('with the tier off every read goes to the shared cache, which still answers it', async (t) => {
  const { cache, wraps } = counted();
  configureHotTier(cache, 0);
  let loads = 0;
  const load = async () => ({ n: ++loads });
  t.same((await cachedRead(cache, 'catalog:list:a', 60, load)).data, { n: 1 });
  t.same((await cachedRead(cache, 'catalog:list:a', 60, load)).data, { n: 1 });
  t.equal(wraps(), 2, 'the shared cache is asked every time');
  t.equal(loads, 1, 'the database is not');
  await cache.close();
});
