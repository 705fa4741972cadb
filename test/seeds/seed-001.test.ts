// A client written for seed 001 (the Netflix design) walks its endpoints in the seed's order with its field
// names: login, refresh, logout, /users/profiles, content discovery, search, streaming, history,
// recommendations, watchlist and the error envelope. (Browse-card fields beyond these are covered by
// seed-001-browse.test.ts; seed 001's analytics endpoints are not part of the API.)
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { call, newUser } from '../helpers/factories.ts';

const app = await buildTestApp(t);
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const req = (method: Method, url: string, payload?: object, token?: string) =>
  call(app, {
    method,
    url: `/api/v1${url}`,
    payload,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

const account = await newUser(app, { name: 'Seed One' });
const { email, password } = account;
let access = '';
let refresh = '';
let profileId = '';

t.test('POST /auth/login: access_token, refresh_token, expires_in, user.subscription_tier', async (t) => {
  const free = await req('POST', '/auth/login', { email, password });
  t.equal(free.status, 200);
  t.match(free.body.data, {
    access_token: String,
    refresh_token: String,
    expires_in: 900,
    user: { id: account.id, email, subscription_tier: 'free' },
  });
  t.equal(free.body.data.access_token, free.body.data.auth_token, 'the same token under both names');

  const sub = await req(
    'POST',
    '/subscriptions',
    { plan: 'premium', interval: 'month', payment_method: 'pm_card_visa' },
    free.body.data.access_token,
  );
  t.ok(sub.status === 201 || sub.status === 200, `subscribed (${sub.status})`);
  const premium = await req('POST', '/auth/login', { email, password });
  t.equal(premium.body.data.user.subscription_tier, 'premium', 'the tier follows the subscription');
  access = premium.body.data.access_token;
  refresh = premium.body.data.refresh_token;
});

t.test('POST /auth/refresh and POST /auth/logout', async (t) => {
  const res = await req('POST', '/auth/refresh', { refresh_token: refresh });
  t.equal(res.status, 200);
  t.match(res.body.data, {
    access_token: String,
    refresh_token: String,
    expires_in: 900,
    user: { id: account.id, subscription_tier: 'premium' },
  });
  const next = res.body.data.access_token;
  t.equal((await req('GET', '/users/profiles', undefined, next)).status, 200, 'the new token works');

  t.equal((await req('POST', '/auth/logout', {}, next)).status, 200);
  const after = await req('GET', '/users/profiles', undefined, next);
  t.equal(after.status, 401, 'tokens stop working after logout');
  t.equal(after.body.error.code, 'UNAUTHORIZED');

  const again = await req('POST', '/auth/login', { email, password });
  access = again.body.data.access_token;
});

t.test('/users/profiles: list, create, update, delete', async (t) => {
  const list = await req('GET', '/users/profiles', undefined, access);
  t.equal(list.status, 200);
  t.match(list.body.data.profiles[0], {
    id: String,
    name: String,
    is_kids: false,
    language: String,
    maturity_rating: String,
  });
  t.ok('avatar_url' in list.body.data.profiles[0]);
  profileId = list.body.data.profiles[0].id;

  const created = await req(
    'POST',
    '/users/profiles',
    { name: 'Kid', is_kids: true, language: 'en-US', avatar_url: 'https://cdn.example.com/a.jpg' },
    access,
  );
  t.equal(created.status, 201);
  const kid = created.body.data.profile;
  t.match(kid, { name: 'Kid', is_kids: true, language: 'en-US', avatar_url: 'https://cdn.example.com/a.jpg' });
  const updated = await req('PUT', `/users/profiles/${kid.id}`, { name: 'Kiddo' }, access);
  t.equal(updated.status, 200);
  t.equal(updated.body.data.profile.name, 'Kiddo');
  t.equal((await req('DELETE', `/users/profiles/${kid.id}`, undefined, access)).status, 200);
  const left = await req('GET', '/users/profiles', undefined, access);
  t.notOk(
    left.body.data.profiles.some((p: { id: string }) => p.id === kid.id),
    'deleted',
  );
});

t.test('GET /content/browse, /content/{id}, /content/trending, /content/new-releases', async (t) => {
  const browse = await req('GET', '/content/browse?type=series&page=1&limit=20', undefined, access);
  t.equal(browse.status, 200);
  const { content, pagination } = browse.body.data;
  t.ok(content.length > 0);
  t.match(content[0], {
    id: String,
    title: String,
    type: 'series',
    release_year: Number,
    cast: Array,
    seasons: Number,
    episodes: Number,
  });
  t.ok('director' in content[0]);
  t.match(pagination, { page: 1, limit: 20, total: Number, has_next: Boolean });

  const one = await req('GET', `/content/${content[0].id}`, undefined, access);
  t.equal(one.status, 200);
  t.match(one.body.data.content, { id: content[0].id, title: content[0].title, is_series: true, seasons: Array });

  for (const list of ['trending', 'new-releases']) {
    const res = await req('GET', `/content/${list}`, undefined, access);
    t.equal(res.status, 200, list);
    t.match(res.body.data, { content: Array, pagination: { page: 1, has_next: Boolean } }, list);
  }
});

t.test('GET /search?q=&type=&limit=: results with match_score, total_results, query', async (t) => {
  const res = await req('GET', '/search?q=wednesday&type=series&limit=10', undefined, access);
  t.equal(res.status, 200);
  t.match(res.body.data, { results: Array, total_results: Number, query: 'wednesday' });
  t.match(res.body.data.results[0], {
    id: 's119051',
    title: 'Wednesday',
    type: 'series',
    match_score: Number,
  });
  t.ok('thumbnail_url' in res.body.data.results[0]);
  t.equal((await req('GET', '/search', undefined, access)).status, 400, 'q is required');
});

t.test('streaming: start, progress, stop; history', async (t) => {
  const manifest = await req('GET', '/streaming/m238/manifest', undefined, access);
  t.equal(manifest.body.success, false, 'no manifest without published media');
  t.match(manifest.body, { error: { code: String }, timestamp: String, request_id: String });

  const start = await req(
    'POST',
    '/streaming/m238/start',
    { profile_id: profileId, device_type: 'web', quality: '1080p' },
    access,
  );
  t.equal(start.status, 201);
  t.match(start.body.data, { session_id: String, content_id: 'm238', quality: '1080p' });
  const sessionId = start.body.data.session_id;

  const progress = await req(
    'PUT',
    '/streaming/m238/progress',
    { profile_id: profileId, position: 1800, duration: 3600, session_id: sessionId },
    access,
  );
  t.equal(progress.status, 200);
  t.match(progress.body.data, { content_id: 'm238', position: 1800, duration: 3600, resume_position: 1800 });

  const stop = await req('POST', '/streaming/m238/stop', { session_id: sessionId }, access);
  t.equal(stop.status, 200);
  t.match(stop.body.data, { session_id: sessionId, status: 'stopped' });

  const history = await req('GET', `/users/profiles/${profileId}/history`, undefined, access);
  t.equal(history.status, 200);
  t.ok(JSON.stringify(history.body.data).includes('"m238"'), 'the title is in the history');
  const removed = await req('DELETE', `/users/profiles/${profileId}/history/m238`, undefined, access);
  t.equal(removed.status, 200);
  const after = await req('GET', `/users/profiles/${profileId}/history`, undefined, access);
  t.notOk(JSON.stringify(after.body.data).includes('"m238"'), 'removed from the history');
});

t.test('recommendations: /{profile_id}, /trending, /similar/{content_id}', async (t) => {
  const rows = await req('GET', `/recommendations/${profileId}`, undefined, access);
  t.equal(rows.status, 200);
  t.match(rows.body.data, { recommendations: Array, generated_at: String });
  t.ok(rows.body.data.recommendations.length > 0, 'at least one row');
  t.match(rows.body.data.recommendations[0], { category: String, content: Array });
  t.match(rows.body.data.recommendations[0].content[0], { id: String, title: String, confidence_score: Number });
  t.ok('thumbnail_url' in rows.body.data.recommendations[0].content[0]);

  const trending = await req('GET', '/recommendations/trending', undefined, access);
  t.equal(trending.status, 200);
  const similar = await req('GET', '/recommendations/similar/m238', undefined, access);
  t.equal(similar.status, 200);
  t.match(similar.body.data, { content_id: 'm238', content: Array });
});

t.test('watchlist: add by content_id, list, remove', async (t) => {
  const base = `/users/profiles/${profileId}/watchlist`;
  const added = await req('POST', base, { content_id: 'm238' }, access);
  t.equal(added.status, 201);
  const list = await req('GET', base, undefined, access);
  t.equal(list.status, 200);
  t.ok(JSON.stringify(list.body.data).includes('"m238"'));
  t.equal((await req('DELETE', `${base}/m238`, undefined, access)).status, 200);
  t.notOk(JSON.stringify((await req('GET', base, undefined, access)).body.data).includes('"m238"'));
});

t.test('errors: { error: { code, message, details }, timestamp, request_id } and rate-limit headers', async (t) => {
  const before = Date.now();
  const missing = await req('GET', '/content/m999999999', undefined, access);
  t.equal(missing.status, 404);
  t.match(missing.body, {
    success: false,
    error: { code: 'NOT_FOUND', message: String, details: {} },
    timestamp: String,
    request_id: String,
  });
  const at = Date.parse(missing.body.timestamp);
  t.ok(at >= before - 1000 && at <= Date.now() + 1000, 'an ISO-8601 time of the answer');
  t.equal(missing.body.timestamp, new Date(at).toISOString());
  t.equal(missing.headers['x-request-id'], missing.body.request_id);

  const unauthorized = await req('GET', '/users/profiles');
  t.match(unauthorized.body, { error: { code: 'UNAUTHORIZED' }, timestamp: String, request_id: String });
  const invalid = await req('POST', '/auth/login', { email: 'not-an-email', password });
  t.match(invalid.body, { error: { code: 'INVALID_REQUEST', details: { fields: Array } }, timestamp: String });

  const limited = await req('GET', '/content/trending', undefined, access);
  t.type(limited.headers['x-ratelimit-limit'], 'string');
  t.type(limited.headers['x-ratelimit-remaining'], 'string');
  t.type(limited.headers['x-ratelimit-reset'], 'string');
});
