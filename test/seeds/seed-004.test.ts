// A client written for seed 004 (the Movies API) walks its endpoints in the seed's order, with its paths
// (trailing slashes included) and its field names: register, token, refresh, verify, movie search, then the
// ratings CRUD with UPVOTE/DOWNVOTE, the vote alone on PUT, and counters that follow every vote at once.
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { call } from '../helpers/factories.ts';
import { tampered } from '../support/tamper.ts';

const app = await buildTestApp(t);
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const req = (method: Method, url: string, payload?: object, token?: string) =>
  call(app, {
    method,
    url: `/api/v1${url}`,
    payload,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

const email = 'seed004@example.com';
const password = 'PASS1234';
let access = '';
let refresh = '';

t.test('POST /users/register/ creates the account (the sign-up handler)', async (t) => {
  const res = await req('POST', '/users/register/', { name: 'Movies Client', email, password });
  t.equal(res.status, 201);
  t.match(res.body, {
    success: true,
    data: {
      auth_token: String,
      access_token: String,
      refresh_token: String,
      expires_in: Number,
      user: { id: String, name: 'Movies Client', email, subscription_tier: 'free' },
    },
  });
  t.equal(res.body.data.access_token, res.body.data.auth_token);
  const again = await req('POST', '/users/register/', { name: 'Again', email, password });
  t.equal(again.status, 409, 'the same email twice');
  t.equal(again.body.error.code, 'EMAIL_TAKEN');
  const bad = await req('POST', '/users/register/', { name: 'X', email: 'not-an-email', password });
  t.equal(bad.status, 400);
  t.type(bad.body.timestamp, 'string');
});

t.test('POST /auth/token/ takes the credentials and returns an access and a refresh token', async (t) => {
  const res = await req('POST', '/auth/token/', { email, password });
  t.equal(res.status, 200);
  t.match(res.body.data, {
    access_token: String,
    refresh_token: String,
    expires_in: 900,
    user: { email, subscription_tier: 'free' },
  });
  t.equal(res.body.data.access_token, res.body.data.auth_token);
  access = res.body.data.access_token;
  refresh = res.body.data.refresh_token;
  const wrong = await req('POST', '/auth/token/', { email, password: 'WRONG-PASS' });
  t.equal(wrong.status, 401);
  t.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
  t.equal((await req('POST', '/auth/token', { email, password })).status, 200, 'without the slash too');
});

t.test('POST /auth/refresh/ swaps a refresh token for a new access token', async (t) => {
  const res = await req('POST', '/auth/refresh/', { refresh });
  t.equal(res.status, 200);
  t.match(res.body.data, { access_token: String, refresh_token: String, expires_in: 900, user: { email } });
  t.equal(res.body.data.access_token, res.body.data.auth_token);
  t.not(res.body.data.refresh_token, refresh, 'the refresh token rotates');
  const replay = await req('POST', '/auth/refresh/', { refresh });
  t.equal(replay.status, 401, 'a used refresh token is refused');
  t.equal(replay.body.error.code, 'TOKEN_REUSED');
  // The replay ended that session: log in again for the rest of the walk.
  const login = await req('POST', '/auth/token/', { email, password });
  access = login.body.data.access_token;
  const rotated = await req('POST', '/auth/refresh/', { refresh_token: login.body.data.refresh_token });
  t.equal(rotated.status, 200, 'refresh_token is accepted as well');
  access = rotated.body.data.access_token;
});

t.test('POST /auth/verify/ says whether a token is valid', async (t) => {
  const ok = await req('POST', '/auth/verify/', { token: access });
  t.equal(ok.status, 200);
  t.match(ok.body.data, { valid: true, user_id: String, expires_at: String });
  t.ok(Date.parse(ok.body.data.expires_at) > Date.now(), 'expires in the future');
  const [head, payload, sig] = access.split('.');
  const forged = await req('POST', '/auth/verify/', { token: `${head}.${payload}.${tampered(sig!)}` });
  t.equal(forged.status, 401);
  t.match(forged.body, { success: false, error: { code: 'UNAUTHORIZED' }, timestamp: String, request_id: String });
  t.equal((await req('POST', '/auth/verify/', {})).status, 400, 'the token is required');

  const other = await req('POST', '/auth/token/', { email, password });
  const token = other.body.data.access_token;
  t.equal((await req('POST', '/auth/logout', {}, token)).status, 200);
  t.equal((await req('POST', '/auth/verify/', { token })).status, 401, 'a logged-out token is no longer valid');
});

t.test('GET /movies/?query=&page= searches movies', async (t) => {
  const res = await req('GET', '/movies/?query=godfather&page=1');
  t.equal(res.status, 200);
  t.match(res.body.data, { movies: Array, pagination: { page: 1, total: Number } });
  t.ok(
    res.body.data.movies.some((m: { id: string }) => m.id === 'm238'),
    'The Godfather is found',
  );
  const canonical = await req('GET', '/movies/search?q=godfather&page=1');
  t.same(
    res.body.data.movies.map((m: { id: string }) => m.id),
    canonical.body.data.movies.map((m: { id: string }) => m.id),
    'the same results as /movies/search',
  );
  t.equal((await req('GET', '/movies?query=godfather')).status, 200, 'without the slash too');
  t.equal((await req('GET', '/movies/')).status, 400, 'the query is required');
});

t.test('ratings: UPVOTE/DOWNVOTE, the vote alone on PUT, live counters', async (t) => {
  const counts = async () => {
    const anonymous = (await req('GET', '/movies/238')).body.data.movie;
    const signedIn = (await req('GET', '/movies/238', undefined, access)).body.data.movie;
    const content = (await req('GET', '/content/m238')).body.data.content;
    return [anonymous, signedIn, content].map((m) => [m.upvotes, m.downvotes]);
  };
  // Read first, so that the details are cached before the votes.
  t.same(await counts(), [
    [0, 0],
    [0, 0],
    [0, 0],
  ]);

  const created = await req('POST', '/movies/ratings/', { movie_id: '238', rating: 'UPVOTE' }, access);
  t.equal(created.status, 201);
  t.match(created.body.data.rating, { id: String, movie_id: 'm238', rating: 'up', rating_type: 'UPVOTE' });
  const id = created.body.data.rating.id;
  t.same(await counts(), [
    [1, 0],
    [1, 0],
    [1, 0],
  ]);

  const list = await req('GET', '/movies/ratings/', undefined, access);
  t.equal(list.status, 200);
  t.same(
    list.body.data.ratings.map((r: { id: string }) => r.id),
    [id],
  );
  const one = await req('GET', `/movies/ratings/${id}`, undefined, access);
  t.match(one.body.data.rating, { id, rating_type: 'UPVOTE' });

  const put = await req('PUT', `/movies/ratings/${id}`, { rating: 'DOWNVOTE' }, access);
  t.equal(put.status, 200, 'PUT takes the vote alone');
  t.match(put.body.data.rating, { rating: 'down', rating_type: 'DOWNVOTE' });
  t.same(await counts(), [
    [0, 1],
    [0, 1],
    [0, 1],
  ]);
  t.equal((await req('PUT', `/movies/ratings/${id}`, { movie_id: '238', rating: 'UPVOTE' }, access)).status, 200);
  const moved = await req('PUT', `/movies/ratings/${id}`, { movie_id: 'm155', rating: 'UPVOTE' }, access);
  t.equal(moved.status, 400, 'a movie_id that is not the rated one');

  const patch = await req('PATCH', `/movies/ratings/${id}`, { rating: 'DOWNVOTE' }, access);
  t.match(patch.body.data.rating, { rating: 'down', rating_type: 'DOWNVOTE' });
  t.same((await counts())[0], [0, 1]);
  t.equal((await req('PATCH', `/movies/ratings/${id}`, { rating: 'SIDEVOTE' }, access)).status, 400);

  t.equal((await req('DELETE', `/movies/ratings/${id}`, undefined, access)).status, 200);
  t.same(await counts(), [
    [0, 0],
    [0, 0],
    [0, 0],
  ]);
  t.equal((await req('GET', `/movies/ratings/${id}`, undefined, access)).status, 404);
  t.equal((await req('POST', '/movies/ratings/', { movie_id: '238', rating: 'up' }, access)).status, 201);
  t.same((await counts())[0], [1, 0], 'up/down still work');
});

t.test('the OpenAPI document lists each seed 004 path as an alias of its canonical route', async (t) => {
  const doc = app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const { paths } = doc;
  const aliases: Array<[string, string, string]> = [
    ['post', '/api/v1/auth/token', 'POST /api/v1/auth/login'],
    ['post', '/api/v1/auth/refresh', 'POST /api/v1/auth/refresh-token'],
    ['post', '/api/v1/users/register', 'POST /api/v1/auth/signup'],
    ['get', '/api/v1/movies', 'GET /api/v1/movies/search'],
  ];
  for (const [method, path, canonical] of aliases) {
    const op = paths[path]?.[method];
    t.equal(op?.['x-alias-of'], canonical, `${method} ${path}`);
    t.match(op?.description, /^Alias of `/, `${path} says it is an alias`);
    const [canonicalMethod, canonicalPath] = canonical.split(' ');
    t.ok(paths[canonicalPath]?.[canonicalMethod.toLowerCase()], `${canonical} is documented`);
  }
  t.notOk(paths['/api/v1/auth/verify']?.post?.['x-alias-of'], '/auth/verify is a route of its own');
});
