// GraphQL at /api/v1/graphql through the real app: the answers match the REST routes over the same
// services; mutations show up in REST; auth, foreign profiles, the maturity filter and error codes; depth,
// cost and budget refusals; introspection by environment; the committed SDL; and SQL statements per query.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { printedSchema } from '../schemas/graphql.ts';
import { introspectionEnabled } from '../services/graphql/cost.ts';
import { buildTestApp } from './helpers/app.ts';
import {
  call,
  collect,
  firstProfileId,
  newProfile,
  newUser,
  type TestUser,
  viewerOf,
  watch,
} from './helpers/factories.ts';
import { statementsOf } from './helpers/sql-count.ts';
import type { FastifyInstance } from 'fastify';
import { createNotification } from '../services/notifications/store.ts';

const QUIET = { BILLING_RENEWAL_INTERVAL_SECONDS: '0', NOTIFICATIONS_DIGEST_EVERY_S: '0' };
const app = await buildTestApp(t, QUIET);

async function gql(
  on: FastifyInstance,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await on.inject({ method: 'POST', url: '/api/v1/graphql', headers, payload: { query, variables } });
  return { status: res.statusCode, body: res.json() };
}
const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);

const alice = await newUser(app);
const bob = await newUser(app);
const as = (u: TestUser, extra: Record<string, string> = {}) => ({ ...u.headers, ...extra });
const rest = async (u: TestUser | null, url: string, extra: Record<string, string> = {}) =>
  (await call(app, { method: 'GET', url, headers: u ? as(u, extra) : extra })).body;

t.test('me: account, profiles, subscription and entitlements', async (t) => {
  const { status, body } = await gql(
    app,
    '{ me { account { id email } profiles { id name is_kids } subscription { id } entitlements { active plan max_streams max_resolution max_profiles status } } }',
    {},
    as(alice),
  );
  t.equal(status, 200);
  const me = body.data.me;
  t.equal(me.account.id, alice.id);
  t.equal(me.account.email, alice.email);
  t.same(
    me.profiles.map((p: { id: string }) => p.id),
    (await rest(alice, '/api/v1/profiles')).data.profiles.map((p: { id: string }) => p.id),
  );
  t.equal(me.subscription, null);
  t.same(me.entitlements, (await rest(alice, '/api/v1/subscriptions/current')).data.entitlements);
});

t.test('browse, search and title answer what REST answers', async (t) => {
  const browse = await gql(
    app,
    'query($f: BrowseFilter) { browse(filter: $f, sort: rating, limit: 7, page: 2) { content { id type release_year } pagination { page limit total } } }',
    { f: { type: 'movie' } },
  );
  const restBrowse = (await rest(null, '/api/v1/content/browse?type=movie&sort=rating&limit=7&page=2')).data;
  t.same(
    browse.body.data.browse.content.map((c: { id: string }) => c.id),
    restBrowse.content.map((c: { id: string }) => c.id),
  );
  t.ok(browse.body.data.browse.content.every((c: { type: string }) => c.type === 'movie'));
  t.equal(browse.body.data.browse.pagination.total, restBrowse.pagination.total);

  const search = await gql(app, '{ search(q: "godfather", limit: 5) { content { id title } } }');
  const restSearch = (await rest(null, '/api/v1/movies/search?q=godfather&limit=5')).data.movies;
  t.ok(restSearch.length > 0, 'the demo catalog has a match');
  t.same(
    search.body.data.search.content.map((c: { id: string }) => c.id),
    restSearch.map((c: { id: string }) => c.id),
  );

  const title = await gql(
    app,
    '{ title(id: "s1399") { id is_series seasons { season_number episode_count episodes { episode_number name } } cast(limit: 3) { name order } directors similar(limit: 4) { confidence_score title { id } } } }',
    {},
    as(alice),
  );
  const details = (await rest(alice, '/api/v1/movies/s1399')).data.movie;
  const got = title.body.data.title;
  t.equal(got.is_series, true);
  t.same(
    got.seasons.map((s: { season_number: number; episodes: unknown[] }) => [s.season_number, s.episodes.length]),
    details.seasons.map((s: { season_number: number; episodes: unknown[] }) => [s.season_number, s.episodes.length]),
  );
  t.same(
    got.cast.map((c: { name: string }) => c.name),
    details.cast.slice(0, 3).map((c: { name: string }) => c.name),
  );
  t.same(got.directors, details.directors);
  const similar = (await rest(alice, '/api/v1/recommendations/similar/s1399?limit=4')).data.content;
  t.same(
    got.similar.map((s: { title: { id: string } }) => s.title.id),
    similar.map((s: { id: string }) => s.id),
  );

  const missing = await gql(app, '{ title(id: "m999999999") { id } }');
  t.same(codes(missing.body), ['NOT_FOUND']);
  t.equal(missing.status, 404);
  const bad = await gql(app, '{ browse(limit: 500) { content { id } } }');
  t.same(codes(bad.body), ['INVALID_REQUEST']);
  t.equal(bad.body.errors[0].extensions.details.fields[0].field, 'limit');
});

t.test('home: every row in one query, the rows REST gives', async (t) => {
  const viewer = await viewerOf(app, alice);
  const movies = (await rest(null, '/api/v1/content/browse?type=movie&limit=3')).data.content;
  await collect(app, viewer, 'watchlist', [movies[0].id, movies[1].id]);
  await watch(app, viewer, movies[2].id, { position: 1200, duration: 6000 });
  const { status, body } = await gql(
    app,
    `{ home { profile_id
        continue_watching { title { id resume_position } progress { position } }
        next_up { title { id } episode { id } }
        recommendations { category content { confidence_score title { id } } }
        trending(limit: 5) { id }
        my_list { id in_watchlist } } }`,
    {},
    as(alice),
  );
  t.equal(status, 200);
  const home = body.data.home;
  t.equal(home.profile_id, viewer.profileId);
  t.same(home.my_list.map((c: { id: string }) => c.id).sort(), [movies[0].id, movies[1].id].sort());
  t.ok(home.my_list.every((c: { in_watchlist: boolean }) => c.in_watchlist));
  t.same(home.continue_watching[0].title.id, movies[2].id);
  t.equal(home.continue_watching[0].progress.position, 1200);
  const trending = (await rest(alice, '/api/v1/recommendations/trending?limit=5')).data.content;
  t.same(
    home.trending.map((c: { id: string }) => c.id),
    trending.map((c: { id: string }) => c.id),
  );
  const rows = (await rest(alice, `/api/v1/recommendations/${viewer.profileId}`)).data.recommendations;
  t.same(
    home.recommendations.map((r: { category: string }) => r.category),
    rows.map((r: { category: string }) => r.category),
  );
});

t.test('mutations change what REST shows', async (t) => {
  const user = await newUser(app);
  const [first, second] = (await rest(null, '/api/v1/content/browse?type=movie&limit=2')).data.content;
  const flagged = async () =>
    (
      await gql(app, '{ browse(filter: { type: "movie" }, limit: 2) { content { id is_favorite } } }', {}, as(user))
    ).body.data.browse.content.find((c: { id: string }) => c.id === first.id).is_favorite;
  t.equal(await flagged(), false);
  t.equal(await flagged(), false, 'a query leaves the flags cached');
  const add = await gql(
    app,
    'mutation($id: ID!) { addFavourite(contentId: $id) { content_id changed } again: addFavourite(contentId: $id) { changed } }',
    { id: first.id },
    as(user),
  );
  t.same(add.body.data, { addFavourite: { content_id: first.id, changed: true }, again: { changed: false } });
  t.same(
    (await rest(user, '/api/v1/movies/favourites')).data.movies.map((m: { id: string }) => m.id),
    [first.id],
  );
  t.equal(await flagged(), true, 'a mutation invalidates the account’s cached flags');
  await gql(app, 'mutation($id: ID!) { removeFavourite(contentId: $id) { changed } }', { id: first.id }, as(user));
  t.same((await rest(user, '/api/v1/movies/favourites')).data.movies, []);

  await gql(app, 'mutation($id: ID!) { addToWatchlist(contentId: $id) { changed } }', { id: second.id }, as(user));
  const listed = await gql(app, '{ watchlist { content { id } pagination { total } } }', {}, as(user));
  t.same(listed.body.data.watchlist, { content: [{ id: second.id }], pagination: { total: 1 } });

  const rated = await gql(
    app,
    'mutation($id: ID!) { rate(contentId: $id, rating: "up") { movie_id rating } }',
    { id: first.id },
    as(user),
  );
  t.same(rated.body.data.rate, { movie_id: first.id, rating: 'up' });
  t.same(
    (await rest(user, '/api/v1/movies/ratings')).data.ratings.map((r: { movie_id: string }) => r.movie_id),
    [first.id],
  );
  const badVote = await gql(app, 'mutation { rate(contentId: "m1", rating: "meh") { id } }', {}, as(user));
  t.same(codes(badVote.body), ['INVALID_REQUEST']);

  const progress = await gql(
    app,
    'mutation($id: ID!) { recordProgress(contentId: $id, input: { position: 600, duration: 6000 }) { content_id resume_position applied } }',
    { id: second.id },
    as(user),
  );
  t.same(progress.body.data.recordProgress, { content_id: second.id, resume_position: 600, applied: true });
  const history = await gql(app, '{ history { items { title { id } progress { position } } } }', {}, as(user));
  t.same(history.body.data.history.items, [{ title: { id: second.id }, progress: { position: 600 } }]);
  const beyond = await gql(
    app,
    'mutation($id: ID!) { recordProgress(contentId: $id, input: { position: 7000, duration: 6000 }) { applied } }',
    { id: second.id },
    as(user),
  );
  t.same(codes(beyond.body), ['INVALID_REQUEST']);

  const created = await gql(
    app,
    'mutation { createProfile(input: { name: "Kid", maturity_rating: "TV-Y7" }) { id name maturity_rating } }',
    {},
    as(user),
  );
  const profile = created.body.data.createProfile;
  t.match(profile, { name: 'Kid', maturity_rating: 'TV-Y7' });
  const updated = await gql(
    app,
    'mutation($id: ID!) { updateProfile(id: $id, input: { name: "Kiddo" }) { name } }',
    { id: profile.id },
    as(user),
  );
  t.equal(updated.body.data.updateProfile.name, 'Kiddo');
  t.ok((await rest(user, '/api/v1/profiles')).data.profiles.some((p: { name: string }) => p.name === 'Kiddo'));
  const emptyName = await gql(app, 'mutation { createProfile(input: { name: "" }) { id } }', {}, as(user));
  t.same(codes(emptyName.body), ['INVALID_REQUEST']);

  const note = await createNotification({ em: app.em() }, user.id, {
    type: 'system_update',
    title: 'Hi',
    message: 'M',
  });
  const before = await gql(app, '{ notifications { unread_count notifications { id read } } }', {}, as(user));
  t.same(before.body.data.notifications, { unread_count: 1, notifications: [{ id: note!.id, read: false }] });
  const read = await gql(
    app,
    'mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) { updated unread_count } }',
    { ids: [note!.id] },
    as(user),
  );
  t.same(read.body.data.markNotificationsRead, { updated: 1, unread_count: 0 });
  t.equal((await rest(user, '/api/v1/profile/notifications')).data.unread_count, 0);
});

t.test('auth: the bearer token of REST, the same codes', async (t) => {
  const anonymous = await gql(app, '{ me { account { id } } }');
  t.same(codes(anonymous.body), ['UNAUTHORIZED']);
  t.equal(anonymous.status, 401);
  const forged = await gql(app, '{ browse { content { id } } }', {}, { authorization: 'Bearer not.a.realtoken' });
  t.same(codes(forged.body), ['UNAUTHORIZED'], 'a bad token is refused even where a token is optional');
  const malformed = await gql(app, '{ me { account { id } } }', {}, { authorization: 'Basic abc' });
  t.same(codes(malformed.body), ['UNAUTHORIZED']);
  const mutation = await gql(app, 'mutation { addFavourite(contentId: "m238") { changed } }');
  t.same(codes(mutation.body), ['UNAUTHORIZED']);
  const getMutation = await app.inject({
    method: 'GET',
    url: `/api/v1/graphql?query=${encodeURIComponent('mutation { addFavourite(contentId: "m238") { changed } }')}`,
    headers: as(alice),
  });
  t.equal(getMutation.statusCode, 405, 'GET runs queries only');
  const getQuery = await app.inject({
    method: 'GET',
    url: `/api/v1/graphql?query=${encodeURIComponent('{ me { account { id } } }')}`,
    headers: as(alice),
  });
  t.equal(getQuery.json().data.me.account.id, alice.id);
});

t.test('a profile of another account is NOT_FOUND, by argument or by header', async (t) => {
  const bobs = await firstProfileId(app, bob);
  const byArg = await gql(app, 'query($p: ID) { home(profileId: $p) { profile_id } }', { p: bobs }, as(alice));
  t.same(codes(byArg.body), ['NOT_FOUND']);
  t.equal(byArg.status, 404);
  const byHeader = await gql(app, '{ favourites { content { id } } }', {}, as(alice, { 'x-profile-id': bobs }));
  t.same(codes(byHeader.body), ['NOT_FOUND']);
  const write = await gql(
    app,
    'mutation($p: ID) { addFavourite(contentId: "m238", profileId: $p) { changed } }',
    { p: bobs },
    as(alice),
  );
  t.same(codes(write.body), ['NOT_FOUND']);
  t.same((await rest(bob, '/api/v1/movies/favourites')).data.movies, [], 'nothing was written for bob');
  const own = await gql(app, 'query($p: ID) { home(profileId: $p) { profile_id } }', { p: bobs }, as(bob));
  t.equal(own.body.data.home.profile_id, bobs);
  const notUuid = await gql(app, '{ home(profileId: "x") { profile_id } }', {}, as(alice));
  t.same(codes(notUuid.body), ['INVALID_REQUEST']);
});

t.test('the maturity filter of the acting profile', async (t) => {
  const user = await newUser(app);
  const kid = await newProfile(app, user, { name: 'Kid', maturity_rating: 'TV-Y7' });
  const restricted = await gql(
    app,
    'query($p: ID) { title(id: "s1399", profileId: $p) { id } }',
    { p: kid.id },
    as(user),
  );
  t.same(codes(restricted.body), ['CONTENT_RESTRICTED']);
  t.equal(restricted.status, 403);
  const adult = await gql(app, '{ title(id: "s1399") { id certification } }', {}, as(user));
  t.same(adult.body.data.title, { id: 's1399', certification: 'TV-MA' });
  const kids = await gql(
    app,
    '{ browse(limit: 50) { content { id certification } } }',
    {},
    as(user, { 'x-profile-id': kid.id }),
  );
  const restKids = (await rest(user, '/api/v1/content/browse?limit=50', { 'x-profile-id': kid.id })).data.content;
  t.ok(kids.body.data.browse.content.length > 0);
  t.same(
    kids.body.data.browse.content.map((c: { id: string }) => c.id),
    restKids.map((c: { id: string }) => c.id),
  );
  const adultOnly = ['PG', 'PG-13', 'R', 'NC-17', 'TV-PG', 'TV-14', 'TV-MA', 'NR'];
  t.notOk(kids.body.data.browse.content.some((c: { certification: string }) => adultOnly.includes(c.certification)));
  const add = await gql(
    app,
    'mutation($p: ID) { addToWatchlist(contentId: "s1399", profileId: $p) { changed } }',
    { p: kid.id },
    as(user),
  );
  t.same(codes(add.body), ['CONTENT_RESTRICTED']);
});

t.test('depth and cost limits refuse before anything runs', async (t) => {
  const deep = await gql(
    app,
    '{ home { trending { similar { title { similar { title { similar { title { similar { title { id } } } } } } } } } } }',
    {},
    as(alice),
  );
  t.same(codes(deep.body), ['QUERY_TOO_DEEP']);
  t.equal(deep.status, 400);
  t.match(deep.body.errors[0].extensions.details, { max_depth: 8 });
  const costly = await gql(
    app,
    '{ browse(limit: 100) { content { seasons { episodes { id } } similar(limit: 50) { title { cast(limit: 50) { id } } } } } }',
  );
  t.same(codes(costly.body), ['QUERY_TOO_COMPLEX']);
  t.ok(costly.body.errors[0].extensions.details.cost > 5000);
  const viaFragment = await gql(
    app,
    'query { browse(limit: 100) { content { ...Heavy } } } fragment Heavy on Title { similar(limit: 50) { title { cast(limit: 50) { id } } } }',
  );
  t.same(codes(viaFragment.body), ['QUERY_TOO_COMPLEX'], 'fragments count');
  const viaVariable = await gql(
    app,
    'query($n: Int) { browse(limit: $n) { content { similar(limit: $n) { title { cast(limit: $n) { id } } } } } }',
    {
      n: 50,
    },
  );
  t.same(codes(viaVariable.body), ['QUERY_TOO_COMPLEX'], 'variables count');
  const fine = await gql(app, '{ browse(limit: 50) { content { id seasons { episodes { id } } } } }');
  t.equal(fine.status, 200, 'a 50-title page with seasons and episodes is within the limits');
});

t.test('introspection by environment, GraphiQL in development, the cost budget', async (t) => {
  t.equal(introspectionEnabled({ NODE_ENV: 'test', GRAPHQL_INTROSPECTION: 'auto' }), true);
  t.equal(introspectionEnabled({ NODE_ENV: 'development', GRAPHQL_INTROSPECTION: 'false' }), false);
  t.equal(introspectionEnabled({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'auto' }), false);
  t.equal(introspectionEnabled({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }), true);
  const here = await gql(app, '{ __schema { queryType { name } } }');
  t.equal(here.body.data.__schema.queryType.name, 'Query', 'on in the test environment (auto)');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/graphql/graphiql' })).statusCode, 404, 'no GraphiQL');

  // One more app (start-up is the slow part of this file): development, introspection off, a budget of 40,
  // two searches a window.
  const dev = await buildTestApp(t, {
    ...QUIET,
    NODE_ENV: 'development',
    GRAPHQL_INTROSPECTION: 'false',
    GRAPHQL_COST_BUDGET: '40',
    RATE_LIMIT_SEARCH_MAX: '2',
  });
  const refused = await gql(dev, '{ __schema { queryType { name } } }');
  t.ok(refused.body.errors.length > 0);
  t.ok(codes(refused.body).every((c) => c === 'INVALID_REQUEST'));
  t.match(refused.body.errors[0].message, /introspection/i);
  t.equal(refused.body.data, null);

  const res = await dev.inject({ method: 'GET', url: '/api/v1/graphql/graphiql' });
  t.equal(res.statusCode, 200, 'GraphiQL in development');
  t.match(res.headers['content-type'], /html/);
  const config = await dev.inject({ method: 'GET', url: '/api/v1/graphql/graphiql/config.js' });
  t.match(config.body, /GRAPHQL_ENDPOINT = '\/api\/v1\/graphql\/?'/, 'GraphiQL talks to /api/v1/graphql');

  // search draws on the same search budget as REST: two pass, the third and a REST search are refused.
  const search = '{ search(q: "the", limit: 1) { content { id } } }';
  t.equal((await gql(dev, search)).status, 200);
  t.equal((await gql(dev, search)).status, 200);
  const third = await gql(dev, search);
  t.same(codes(third.body), ['RATE_LIMITED'], 'the search class is spent');
  const rest = await dev.inject({ method: 'GET', url: '/api/v1/movies/search?q=the' });
  t.equal(rest.statusCode, 429, 'and REST search shares it');

  // A 20-card page with seasons costs 1 + 1 + 20 = 22: it passes once, then the budget of 40 is spent.
  const page = '{ browse(limit: 20) { content { seasons { id } } } }';
  t.equal((await gql(dev, page)).status, 200);
  // The budget window is aligned to the clock: when a window ends between two calls, one more call spends
  // the new window's budget.
  let spent = await gql(dev, page);
  if (spent.status === 200) spent = await gql(dev, page);
  t.same(codes(spent.body), ['RATE_LIMITED']);
  t.equal(spent.status, 429);
});

t.test('schema.graphql is the current schema (npm run graphql:schema)', async (t) => {
  const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
  t.equal(committed, printedSchema(), 'schema.graphql is stale: run npm run graphql:schema');
  const served = await app.inject({ method: 'GET', url: '/api/v1/graphql/schema.graphql' });
  t.equal(served.body, committed);
});

t.test('no N+1: a 50-title browse with seasons, and home, run a small constant of statements', async (t) => {
  const user = await newUser(app);
  const headers = as(user);
  const page = (n: number, sort: string) =>
    `{ browse(limit: ${n}, sort: ${sort}) { content { id seasons { name episodes { name } } cast { name } directors } } }`;
  const of = (sql: string[], table: string) => sql.filter((s) => s.includes(`from "${table}"`)).length;
  const small = await statementsOf(() => gql(app, page(5, 'rating'), {}, headers));
  const big = await statementsOf(() => gql(app, page(50, 'release_date'), {}, headers));
  const titles = big.result.body.data.browse.content;
  t.equal(titles.length, 50);
  const series = titles.filter((c: { seasons: unknown[] }) => c.seasons.length > 0).length;
  t.ok(series >= 2, `the page holds series (${series})`);
  t.ok(big.sql.length <= 10, `50 titles: ${big.sql.length} statements`);
  t.ok(big.sql.length <= small.sql.length, `50 titles run no more statements than 5 (${small.sql.length})`);
  t.equal(of(big.sql, 'seasons'), 1, 'one seasons query');
  t.equal(of(big.sql, 'episodes'), 1, 'one episodes query');
  t.equal(of(big.sql, 'credits'), 2, 'the browse card credits and the billed cast, one query each');

  const homeQuery = `{ home { trending(limit: 20) { id seasons { name } cast { name } }
      my_list { id seasons { name } } continue_watching { title { id } } next_up { title { id } }
      recommendations { category content { title { id seasons { name } } } } } }`;
  const home = await statementsOf(() => gql(app, homeQuery, {}, headers));
  t.equal(home.result.status, 200);
  t.ok(home.sql.length <= 20, `home: ${home.sql.length} statements`);
  // Rows that resolve together share one seasons query; a row that resolves later (real I/O) gets its own.
  t.ok(of(home.sql, 'seasons') <= 3, 'seasons: at most one query per row asking, never one per title');
  const again = await statementsOf(() => gql(app, homeQuery.replace('limit: 20', 'limit: 50'), {}, headers));
  t.ok(again.sql.length <= home.sql.length, 'more trending titles, no more statements');
});
