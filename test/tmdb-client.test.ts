// The TMDb client against the local TMDb-shaped server: retries, timeouts, bad bodies, stale-while-
// revalidate, the circuit breaker, single flight and the concurrency cap.
import t from 'tap';
import { createMemoryCache } from '../services/cache/memory.ts';
import { AppError } from '../services/errors.ts';
import { createTmdbClient, imageUrl } from '../services/tmdb/client.ts';
import { parseRetryAfter } from '../services/tmdb/http.ts';
import type { TmdbClientOptions } from '../services/tmdb/types.ts';
import { startTmdbServer, TWO_SEASON_TV_ID } from './support/tmdb-server.ts';

const TOKEN = 'test-read-access-token';
const tmdb = await startTmdbServer({ token: TOKEN });
t.teardown(() => tmdb.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, timeoutMs = 2000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

/** A client on a fresh cache, a healthy server and a hand-driven clock, with test-sized timings. */
function setup(t: { teardown(fn: () => unknown): void }, overrides: Partial<TmdbClientOptions> = {}) {
  tmdb.reset();
  const clock = { now: 1_750_000_000_000 };
  const now = () => clock.now;
  const cache = createMemoryCache({ now });
  const client = createTmdbClient({
    baseUrl: tmdb.url,
    accessToken: TOKEN,
    cache,
    timeoutMs: 500,
    retries: 2,
    retryBaseMs: 10,
    now,
    ...overrides,
  });
  t.teardown(() => client.close());
  return { client, clock, cache };
}

const appError = (code: string) => ({ name: 'AppError', code });

t.test('serves the catalog paths with their fixtures', async (t) => {
  const { client } = setup(t);
  const page = await client.popularMovies(2);
  t.match(page, { page: 2, total_pages: 3, total_results: 60 });
  t.equal(page.results.length, 20);
  const details = await client.movieDetails(page.results[0]!.id);
  t.ok(details.credits?.crew.some((c) => c.job === 'Director'));
  t.ok(details.release_dates?.results.some((r) => r.iso_3166_1 === 'US'));
  const series = await client.tvDetails(TWO_SEASON_TV_ID);
  t.equal(series.seasons.length, 2);
  t.ok(series.content_ratings?.results.find((r) => r.iso_3166_1 === 'US'));
  const season = await client.tvSeason(TWO_SEASON_TV_ID, 2);
  t.equal(season.episodes[0]!.season_number, 2);
  t.ok((await client.movieGenres()).find((g) => g.id === 878 && g.name === 'Science Fiction'));
  const found = await client.searchMulti('Silent');
  t.ok(found.results.length > 0 && found.results.every((r) => r.media_type === 'movie' && r.title.includes('Silent')));
  t.match(tmdb.requests.at(-1), /^\/search\/multi\?query=silent&page=1/);
  t.equal(imageUrl('/abc.jpg', 'w342'), 'https://image.tmdb.org/t/p/w342/abc.jpg');
  t.equal(imageUrl(null, 'w342'), null);
});

t.test('rejects bad paging without asking upstream', async (t) => {
  const { client } = setup(t);
  await t.rejects(client.popularMovies(0), appError('INVALID_REQUEST'));
  await t.rejects(client.upcomingMovies(501), appError('INVALID_REQUEST'));
  t.equal(tmdb.hits(), 0);
});

t.test('a 429 is retried after its Retry-After', async (t) => {
  const { client } = setup(t);
  tmdb.failNext(1, { status: 429, retryAfter: 1 });
  const started = Date.now();
  const page = await client.popularMovies(1);
  t.equal(page.page, 1);
  t.ok(Date.now() - started >= 950, 'waited the second the server asked for');
  t.equal(tmdb.hits('/movie/popular'), 2);
  t.equal(client.stats().retries, 1);
});

t.test('Retry-After takes seconds or an HTTP date, and a long one is capped', async (t) => {
  const at = Date.parse('2030-01-01T00:00:00Z');
  t.equal(parseRetryAfter('3', at), 3000);
  t.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:05 GMT', at), 5000);
  t.equal(parseRetryAfter('soon', at), null);
  const { client } = setup(t, { retryMaxMs: 200 });
  tmdb.failNext(1, { status: 429, retryAfter: 120 });
  const started = Date.now();
  await client.popularMovies(1);
  t.ok(Date.now() - started < 1000, 'a two-minute Retry-After is not honoured in full');
  t.equal(tmdb.hits('/movie/popular'), 2);
});

t.test('5xx answers are retried with growing backoff', async (t) => {
  const { client } = setup(t, { retryBaseMs: 100 });
  tmdb.failNext(2, { status: 500 });
  const started = Date.now();
  await client.upcomingMovies(1);
  // Equal jitter: at least 50 ms after the first failure and 100 ms after the second.
  t.ok(Date.now() - started >= 145, 'backed off between attempts');
  t.equal(tmdb.hits('/movie/upcoming'), 3);

  tmdb.failNext(3, { status: 503 });
  await t.rejects(client.upcomingMovies(2), {
    code: 'SERVICE_UNAVAILABLE',
    message: 'The catalog provider is unavailable',
  });
  t.equal(tmdb.hits('/movie/upcoming'), 6, 'gave up after the configured two retries');
});

t.test('a 404 is not retried and maps to NOT_FOUND; other 4xx are not retried either', async (t) => {
  const { client } = setup(t, { breaker: { failureThreshold: 2 } });
  for (let i = 0; i < 3; i++) await t.rejects(client.movieDetails(999_999), appError('NOT_FOUND'));
  t.equal(tmdb.hits('/movie/999999'), 3, 'one request per call');
  t.equal(client.stats().breakerState, 'closed', 'a 404 says nothing bad about upstream health');

  const wrongToken = createTmdbClient({
    baseUrl: tmdb.url,
    accessToken: 'wrong',
    cache: createMemoryCache(),
    retryBaseMs: 10,
  });
  t.teardown(() => wrongToken.close());
  await t.rejects(wrongToken.tvGenres(), appError('SERVICE_UNAVAILABLE'));
  t.equal(tmdb.hits('/genre/tv/list'), 1);
});

t.test('a slow upstream times out within the timeout instead of hanging', async (t) => {
  const { client } = setup(t, { timeoutMs: 200, retries: 0 });
  tmdb.failNext(1, { delayMs: 5000 });
  let started = Date.now();
  await t.rejects(client.topRatedMovies(1), appError('SERVICE_UNAVAILABLE'));
  t.ok(Date.now() - started < 600, `failed after ${Date.now() - started} ms`);

  const retrying = setup(t, { timeoutMs: 150, retries: 1 }).client;
  tmdb.failAlways({ delayMs: 5000 });
  started = Date.now();
  await t.rejects(retrying.topRatedMovies(1), appError('SERVICE_UNAVAILABLE'));
  t.ok(Date.now() - started < 800, 'each attempt is bounded');
  t.equal(tmdb.hits('/movie/top_rated'), 2, 'a timeout is retried');
});

t.test('garbage JSON and a wrong shape count as failures', async (t) => {
  const { client } = setup(t, { breaker: { failureThreshold: 2 } });
  tmdb.failNext(1, { garbage: true });
  await t.rejects(client.popularTv(1), appError('SERVICE_UNAVAILABLE'));
  tmdb.failNext(1, { wrongShape: true });
  await t.rejects(client.movieDetails(1001), appError('SERVICE_UNAVAILABLE'));
  t.equal(tmdb.hits(), 2, 'a broken 200 is not re-asked');
  t.equal(client.stats().upstreamFailures, 2);
  t.equal(client.stats().breakerState, 'open', 'both count towards the breaker');
});

t.test('nothing cached and upstream down: SERVICE_UNAVAILABLE', async (t) => {
  const { client } = setup(t, { retries: 0 });
  tmdb.failAlways({ status: 500 });
  const err = await client.trending('day', 1).catch((e: unknown) => e);
  t.ok(err instanceof AppError);
  t.match(err, { code: 'SERVICE_UNAVAILABLE', status: 503, message: 'The catalog provider is unavailable' });
});

t.test('a cache hit makes no upstream call', async (t) => {
  const { client, clock } = setup(t);
  const first = await client.movieDetails(1002);
  clock.now += 86_000 * 1000; // still inside the one-day details TTL
  t.same(await client.movieDetails(1002), first);
  t.equal(tmdb.hits('/movie/1002'), 1);
  t.match(client.stats(), { cacheHits: 1, cacheMisses: 1, upstreamCalls: 1 });
});

t.test('100 concurrent misses for one key make one upstream call', async (t) => {
  const { client } = setup(t);
  tmdb.failNext(1, { delayMs: 50 });
  const pages = await Promise.all(Array.from({ length: 100 }, () => client.popularMovies(3)));
  t.equal(tmdb.hits('/movie/popular'), 1);
  t.ok(pages.every((p) => p.page === 3 && p.results.length === 20));
});

t.test('stale copies: served at once and refreshed in the background, once', async (t) => {
  const { client, clock } = setup(t, { timeoutMs: 2000 });
  t.equal((await client.movieGenres()).length, 19);
  tmdb.fixtures.movieGenres.push({ id: 99_999, name: 'Test Genre' });
  t.teardown(() => void tmdb.fixtures.movieGenres.pop());
  clock.now += 604_801 * 1000; // past the one-week genre TTL
  tmdb.failNext(1, { delayMs: 500 });
  const started = Date.now();
  const stale = await Promise.all(Array.from({ length: 10 }, () => client.movieGenres()));
  t.ok(Date.now() - started < 400, 'did not wait for the slow refresh');
  t.ok(
    stale.every((g) => g.length === 19),
    'the stale copy is returned',
  );
  await waitFor(() => tmdb.hits('/genre/movie/list') === 2 && client.stats().inFlight === 0);
  await sleep(10);
  t.equal(tmdb.hits('/genre/movie/list'), 2, 'ten stale reads, one refresh');
  t.equal((await client.movieGenres()).length, 20, 'the refreshed copy is fresh');
  t.equal(tmdb.hits('/genre/movie/list'), 2);
  t.match(client.stats(), { staleServed: 10, cacheHits: 1 });
});

t.test('upstream failing: the stale copy is served, even past the revalidation window', async (t) => {
  const { client, clock } = setup(t, { retries: 0, staleFactor: 2 });
  const original = await client.popularMovies(1);
  tmdb.failAlways({ status: 500 });
  clock.now += 601 * 1000; // stale: answered at once, refresh fails in the background
  t.same(await client.popularMovies(1), original);
  // The failed background refresh must have ended, or the next call would join it instead of asking again.
  await waitFor(() => tmdb.hits('/movie/popular') === 2 && client.stats().inFlight === 0);
  clock.now += 1200 * 1000; // past ttl * staleFactor: refresh is awaited, then the copy is the fallback
  t.same(await client.popularMovies(1), original);
  t.equal(tmdb.hits('/movie/popular'), 3);
  t.equal(client.stats().staleServed, 2);

  tmdb.reset(); // healthy again: past the window the new copy is awaited, not the old one returned
  clock.now += 1200 * 1000;
  await client.popularMovies(1);
  t.equal(tmdb.hits('/movie/popular'), 1);
  t.equal(client.stats().staleServed, 2);
});

t.test('the circuit breaker opens after N failures and closes after the cooldown', async (t) => {
  const { client, clock } = setup(t, {
    retries: 0,
    ttl: { list: 10 },
    breaker: { failureThreshold: 3, cooldownMs: 30_000 },
  });
  await client.popularMovies(1); // cached, for the fallback check below
  tmdb.reset();
  tmdb.failAlways({ status: 500 });
  for (const page of [1, 2, 3]) await t.rejects(client.upcomingMovies(page), appError('SERVICE_UNAVAILABLE'));
  t.equal(client.stats().breakerState, 'open');
  t.equal(tmdb.hits(), 3);

  tmdb.reset(); // upstream is healthy, but the open breaker does not ask
  const started = Date.now();
  await t.rejects(client.upcomingMovies(1), appError('SERVICE_UNAVAILABLE'));
  await t.rejects(client.movieDetails(1003), appError('SERVICE_UNAVAILABLE'));
  t.ok(Date.now() - started < 200, 'fails fast');
  clock.now += 20_000; // the cached popular page is stale; its refresh meets the open breaker
  t.equal((await client.popularMovies(1)).page, 1);
  await sleep(20);
  t.equal(tmdb.hits(), 0, 'no upstream hits while open');

  clock.now += 10_000;
  t.equal(client.stats().breakerState, 'half-open');
  tmdb.failNext(1, { delayMs: 100 });
  const trial = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => client.movieDetails(1010 + i)));
  t.equal(trial.filter((r) => r.status === 'fulfilled').length, 1, 'a single trial call while half-open');
  t.equal(tmdb.hits(), 1);
  t.equal(client.stats().breakerState, 'closed');
  await client.upcomingMovies(1);
  t.equal(tmdb.hits('/movie/upcoming'), 1, 'closed again: calls go upstream');
});

t.test('a failed trial call opens the breaker again', async (t) => {
  const { client, clock } = setup(t, { retries: 0, breaker: { failureThreshold: 2, cooldownMs: 10_000 } });
  tmdb.failAlways({ status: 502 });
  for (const page of [1, 2]) await t.rejects(client.popularTv(page), appError('SERVICE_UNAVAILABLE'));
  clock.now += 10_000;
  await t.rejects(client.popularTv(3), appError('SERVICE_UNAVAILABLE'));
  t.equal(tmdb.hits(), 3, 'the trial went upstream');
  t.equal(client.stats().breakerState, 'open');
  await t.rejects(client.popularTv(3), appError('SERVICE_UNAVAILABLE'));
  t.equal(tmdb.hits(), 3, 'and the breaker is open again');
  t.equal(client.stats().breakerOpens, 2);
});

t.test('at most maxConcurrent requests are in flight; the wait queue is bounded', async (t) => {
  const { client } = setup(t, { maxConcurrent: 3 });
  tmdb.failAlways({ delayMs: 40 });
  const ids = Array.from({ length: 12 }, (_, i) => 1020 + i);
  const results = await Promise.all(ids.map((id) => client.movieDetails(id)));
  t.same(
    results.map((m) => m.id),
    ids,
  );
  t.equal(tmdb.peakConcurrency(), 3, 'the server saw three at once, never more');

  const tight = setup(t, { maxConcurrent: 1, maxQueue: 2 }).client;
  tmdb.failAlways({ delayMs: 40 });
  const settled = await Promise.allSettled(ids.slice(0, 5).map((id) => tight.movieDetails(id)));
  t.equal(settled.filter((r) => r.status === 'fulfilled').length, 3, 'one running and two waiting');
  t.equal(tmdb.peakConcurrency(), 1);
});

t.test('language is sent and keeps its own cache key', async (t) => {
  const { client } = setup(t, { language: 'fr-FR' });
  await client.tvSeason(TWO_SEASON_TV_ID, 1);
  t.equal(tmdb.requests[0], `/tv/${TWO_SEASON_TV_ID}/season/1?language=fr-FR`);
});
