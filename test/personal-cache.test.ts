// The personal tier: a signed-in read is answered from per-instance caches, and any write by the account
// shows in its next read at once, on this instance and (with Redis) on another one.
import t from 'tap';
import { buildTestApp, usingPostgres, usingRedis } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';

const app = await buildTestApp(t);

async function profileOf(headers: { authorization: string }) {
  const res = await call(app, { method: 'GET', url: '/api/v1/profiles', headers });
  return res.body.data.profiles?.[0]?.id ?? res.body.data[0].id;
}

t.test('a favourite shows on the next cached list read', async (t) => {
  const user = await newUser(app);
  const headers = { ...user.headers, 'x-profile-id': await profileOf(user.headers) };
  const first = await call(app, { method: 'GET', url: '/api/v1/movies/popular', headers });
  t.equal(first.status, 200);
  const target = first.body.data.movies[0];
  t.equal(target.is_favorite, false, 'not a favourite yet');
  const again = await call(app, { method: 'GET', url: '/api/v1/movies/popular', headers });
  t.same(again.body, first.body, 'a repeated read gives the same answer');
  const added = await call(app, {
    method: 'POST',
    url: '/api/v1/movies/favourites',
    headers,
    payload: { movie_id: target.id },
  });
  t.equal(added.status, 201);
  const after = await call(app, { method: 'GET', url: '/api/v1/movies/popular', headers });
  t.equal(after.body.data.movies[0].id, target.id);
  t.equal(after.body.data.movies[0].is_favorite, true, 'the write is visible on the very next read');
  const other = await newUser(app);
  const theirs = await call(app, {
    method: 'GET',
    url: '/api/v1/movies/popular',
    headers: { ...other.headers, 'x-profile-id': await profileOf(other.headers) },
  });
  t.equal(theirs.body.data.movies[0].is_favorite, false, 'another account never sees these flags');
});

t.test('a profile turned into a kids profile is filtered on the next read', async (t) => {
  const user = await newUser(app);
  const profileId = await profileOf(user.headers);
  const headers = { ...user.headers, 'x-profile-id': profileId };
  const adult = await call(app, { method: 'GET', url: '/api/v1/content/browse?limit=50', headers });
  t.equal(adult.status, 200);
  const kidsBefore = adult.body.data.content.filter((c: { certification: string }) => c.certification === 'R');
  t.ok(kidsBefore.length > 0, 'the adult profile sees R-rated titles');
  const updated = await call(app, {
    method: 'PUT',
    url: `/api/v1/profiles/${profileId}`,
    headers: user.headers,
    payload: { is_kids: true },
  });
  t.equal(updated.status, 200);
  const kids = await call(app, { method: 'GET', url: '/api/v1/content/browse?limit=50', headers });
  t.same(
    kids.body.data.content.filter((c: { certification: string }) => c.certification === 'R'),
    [],
    'no R-rated title right after the change',
  );
});

t.test(
  'with Redis, a write on one instance shows on another',
  { skip: !(usingRedis && usingPostgres) && 'needs REDIS_URL and DATABASE_URL' },
  async (t) => {
    // One deployment: the same database, Redis prefix and JWT secret behind two instances.
    const env = {
      REDIS_URL: process.env.REDIS_URL,
      REDIS_KEY_PREFIX: `t:${process.pid}:shared:`,
      JWT_SECRET: 'personal-tier-test-secret-0123456789',
    };
    const a = await buildTestApp(t, env);
    const b = await buildTestApp(t, { ...env, DATABASE_URL: a.config.DATABASE_URL });
    const user = await newUser(a);
    const listed = await call(a, { method: 'GET', url: '/api/v1/profiles', headers: user.headers });
    const profileId = listed.body.data.profiles?.[0]?.id ?? listed.body.data[0].id;
    const headers = { ...user.headers, 'x-profile-id': profileId };
    const first = await call(b, { method: 'GET', url: '/api/v1/movies/popular', headers });
    const target = first.body.data.movies[0];
    t.equal(target.is_favorite, false);
    const added = await call(a, {
      method: 'POST',
      url: '/api/v1/movies/favourites',
      headers,
      payload: { movie_id: target.id },
    });
    t.equal(added.status, 201);
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      const read = await call(b, { method: 'GET', url: '/api/v1/movies/popular', headers });
      seen = read.body.data.movies[0].is_favorite === true;
      if (!seen) await new Promise((r) => setTimeout(r, 10));
    }
    t.ok(seen, 'instance B sees the favourite written through A within the pub/sub delay');
  },
);
