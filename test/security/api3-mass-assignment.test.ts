// OWASP API3 (broken object property-level authorization), the mass-assignment part: every writable
// resource refuses fields the client may not set (roles, ids, owner ids, prices, statuses, counters) with
// 400 INVALID_REQUEST naming the field, after the same body without them was accepted, and nothing changes.
import t from 'tap';
import { addMovie } from '../helpers/titles.ts';
import { signup, startServer } from './support.ts';

const server = await startServer(t);
const { req } = server;
const user = await signup(server);
const other = await signup(server);
const admin = await signup(server, true);
const movie = await addMovie(server.app);

const profile = await req('POST', '/api/v1/profiles', { token: user.token, json: { name: 'Main' } });
const otherProfiles = (await req('GET', '/api/v1/profiles', { token: other.token })).body.data.profiles;
const profileId: string = profile.body.data.profile.id;
const asProfile = { 'x-profile-id': profileId };

interface Case {
  what: string;
  method: string;
  path: string;
  token?: string;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  ok: number;
  extra: Record<string, unknown>;
}

const cases: Case[] = [
  {
    what: 'signup',
    method: 'POST',
    path: '/api/v1/auth/signup',
    body: { name: 'New', email: 'PLACEHOLDER', password: 'PASS1234mass' },
    ok: 201,
    extra: {
      role: 'admin',
      id: other.id,
      is_admin: true,
      email_verified: true,
      status: 'active',
      created_at: '2000-01-01',
    },
  },
  {
    what: 'account profile',
    method: 'POST',
    path: '/api/v1/profile',
    token: user.token,
    body: { name: 'Renamed' },
    ok: 200,
    extra: { role: 'admin', id: other.id, user_id: other.id, hash_password: 'x', status: 'blocked' },
  },
  {
    what: 'viewer profile create',
    method: 'POST',
    path: '/api/v1/profiles',
    token: user.token,
    body: { name: 'Second' },
    ok: 201,
    extra: { id: profileId, user_id: other.id, account_id: other.id, has_pin: true, pin_hash: 'x', locked_until: null },
  },
  {
    what: 'viewer profile update',
    method: 'PUT',
    path: `/api/v1/profiles/${profileId}`,
    token: user.token,
    body: { name: 'Main' },
    ok: 200,
    extra: { id: other.id, user_id: other.id, has_pin: false, failed_pin_attempts: 0 },
  },
  {
    what: 'favourite',
    method: 'POST',
    path: '/api/v1/movies/favourites',
    token: user.token,
    headers: asProfile,
    body: { movie_id: movie.id },
    ok: 201,
    extra: { user_id: other.id, profile_id: profileId, created_at: '2000-01-01' },
  },
  {
    what: 'watchlist',
    method: 'POST',
    path: `/api/v1/profiles/${profileId}/watchlist`,
    token: user.token,
    body: { content_id: movie.id },
    ok: 201,
    extra: { profile_id: other.id, position: 0 },
  },
  {
    what: 'rating',
    method: 'POST',
    path: '/api/v1/movies/ratings',
    token: user.token,
    headers: asProfile,
    body: { movie_id: movie.id, rating: 'up' },
    ok: 201,
    extra: { id: other.id, user_id: other.id, upvotes: 1_000_000, vote_count: 1_000_000 },
  },
  {
    what: 'progress',
    method: 'PUT',
    path: `/api/v1/streaming/${movie.id}/progress`,
    token: user.token,
    headers: asProfile,
    body: { position: 10, duration: 100 },
    ok: 200,
    // profile_id is a field of this body (which profile watched): its ownership is API1's, tested below.
    extra: { user_id: other.id, completed: true, watch_count: 99 },
  },
  {
    what: 'subscription',
    method: 'POST',
    path: '/api/v1/subscriptions',
    token: user.token,
    body: { plan: 'basic', interval: 'month', payment_method: '4242 4242 4242 4242' },
    ok: 201,
    extra: {
      price: 0,
      amount: 0,
      unit_amount: 0,
      status: 'active',
      current_period_end: '2999-01-01',
      user_id: other.id,
    },
  },
  {
    what: 'admin content',
    method: 'POST',
    path: '/api/v1/admin/content',
    token: admin.token,
    body: { type: 'movie', title: 'Mass test', certification: 'PG' },
    ok: 201,
    extra: { id: 'm1', source: 'tmdb', tmdb_id: 1, vote_count: 1e6, vote_average: 10, created_by: other.id },
  },
];

let n = 0;
for (const c of cases) {
  t.test(c.what, async (t) => {
    const body = (b: Record<string, unknown>) =>
      b.email === 'PLACEHOLDER' ? { ...b, email: `mass-${++n}-${Date.now()}@example.com` } : b;
    // Each forbidden field alone, so one refusal cannot hide another field being taken.
    for (const [field, value] of Object.entries(c.extra)) {
      const res = await req(c.method, c.path, {
        token: c.token,
        headers: c.headers,
        json: { ...body(c.body), [field]: value },
      });
      t.equal(res.status, 400, `${field} refused`);
      t.equal(res.body.error?.code, 'INVALID_REQUEST');
      t.match(res.body.error?.details?.fields, [{ field, message: 'is not allowed' }], `${field} named`);
    }
    const ok = await req(c.method, c.path, { token: c.token, headers: c.headers, json: body(c.body) });
    t.equal(ok.status, c.ok, `the plain body is accepted (${ok.text.slice(0, 120)})`);
  });
}

t.test('after all of it, nobody was promoted and no foreign row was touched', async (t) => {
  const forbidden = await req('GET', '/api/v1/admin/content', { token: user.token });
  t.equal(forbidden.status, 403);
  const theirs = await req('GET', '/api/v1/profiles', { token: other.token });
  t.same(theirs.body.data.profiles, otherProfiles, "the other account's profiles are as they were");
  const foreign = await req('PUT', `/api/v1/streaming/${movie.id}/progress`, {
    token: user.token,
    json: { position: 10, duration: 100, profile_id: otherProfiles[0].id },
  });
  t.equal(foreign.status, 404, "progress cannot be written to another account's profile");
  const favs = await req('GET', '/api/v1/movies/favourites', { token: other.token });
  t.equal(favs.status, 200);
  t.same(favs.body.data.movies, [], 'nor favourites');
});
