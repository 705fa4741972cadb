// Background notification fan-outs: an admin broadcast goes through its job in batches and reaches every
// account exactly once (a normal user gets 403); new titles notify followers of their genres within their
// maturity filter; the digest names popular titles in followed genres; admin content changes reach followers and favourites.
import t from 'tap';
import { db } from '../repositories/db.ts';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin, newUser } from './helpers/factories.ts';
import { notifyNewTitle } from '../services/notifications/generators.ts';

// Batches of 2 so that a handful of accounts already spans several batches.
const app = await buildTestApp(t, { NOTIFICATIONS_BATCH_SIZE: '2', NOTIFICATIONS_DIGEST_EVERY_S: '0' });
const ofType = async (userId: string, type: string) =>
  app
    .em()
    .execute<{ title: string; message: string; movie_id: string | null; image: string | null }[]>(
      `select title, message, movie_id, image from user_notifications where user_id = ? and type = ? order by created_at`,
      [userId, type],
    );

const admin = await newAdmin(app);
const action = await newUser(app, { genres: [28] });
const comedy = await newUser(app, { genres: [35] });
const teen = await newUser(app, { genres: [28] });
await call(app, {
  method: 'POST',
  url: '/api/v1/profile',
  headers: teen.headers,
  payload: { maturity_filter: 'teen' },
});
const plain = await newUser(app);

t.test('admin broadcast: 202, background batches, one notification per account', async (t) => {
  const denied = await call(app, {
    method: 'POST',
    url: '/api/v1/admin/notifications',
    headers: plain.headers,
    payload: { title: 'x', message: 'y' },
  });
  t.equal(denied.status, 403, 'a normal user may not broadcast');
  const bad = await call(app, {
    method: 'POST',
    url: '/api/v1/admin/notifications',
    headers: admin.headers,
    payload: { title: 'x', message: 'y', audience: 'everyone' },
  });
  t.equal(bad.status, 400);

  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/admin/notifications',
    headers: admin.headers,
    payload: { title: 'Maintenance', message: 'Down at 02:00' },
  });
  t.equal(res.status, 202);
  t.match(res.body.data.broadcast, { title: 'Maintenance', audience: 'all', status: 'queued', recipients: 0 });
  const id = res.body.data.broadcast.id;
  t.same(await ofType(plain.id, 'system_update'), [], 'nothing is delivered inside the request');

  await app.jobs.runner.tick();
  const k = db(app.em());
  const systemUpdates = () =>
    k
      .selectFrom('user_notifications')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.count<number>('user_id').distinct().as('distinct_users'),
      ])
      .where('type', '=', 'system_update')
      .executeTakeFirstOrThrow();
  const accounts = await k
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const users = Number(accounts.n);
  const delivered = await systemUpdates();
  t.equal(Number(delivered.n), users, 'every account got it');
  t.equal(Number(delivered.distinct_users), users, 'exactly once each');
  const status = await call(app, { method: 'GET', url: `/api/v1/admin/notifications/${id}`, headers: admin.headers });
  t.match(status.body.data.broadcast, { status: 'done', recipients: users });
  t.ok(status.body.data.broadcast.finished_at);

  // A re-run of the same broadcast (a retried job) adds nothing.
  await k
    .updateTable('notification_broadcasts')
    .set({ status: 'queued', cursor_user_id: null })
    .where('id', '=', id)
    .execute();
  await app.jobs.enqueue('notifications.broadcast', { broadcast_id: id });
  await app.jobs.runner.tick();
  const again = await systemUpdates();
  t.equal(Number(again.n), users);
  const list = await call(app, { method: 'GET', url: '/api/v1/profile/notifications', headers: plain.headers });
  t.match(list.body.data, {
    unread_count: 1,
    notifications: [{ type: 'system_update', title: 'Maintenance', message: 'Down at 02:00', read: false }],
  });

  const admins = await call(app, {
    method: 'POST',
    url: '/api/v1/admin/notifications',
    headers: admin.headers,
    payload: { title: 'Admins only', message: 'Hi', audience: 'admins' },
  });
  await app.jobs.runner.tick();
  t.equal((await ofType(admin.id, 'system_update')).length, 2);
  t.equal((await ofType(plain.id, 'system_update')).length, 1, 'the audience is respected');
  t.equal(
    (
      await call(app, {
        method: 'GET',
        url: `/api/v1/admin/notifications/${admins.body.data.broadcast.id}`,
        headers: admin.headers,
      })
    ).body.data.broadcast.recipients,
    1,
  );
  t.equal(
    (
      await call(app, {
        method: 'GET',
        url: `/api/v1/admin/notifications/${crypto.randomUUID()}`,
        headers: admin.headers,
      })
    ).status,
    404,
  );
});

t.test('a new title notifies followers of its genres, within their maturity filter, once', async (t) => {
  await app
    .em()
    .execute(
      `insert into titles (id, kind, source, title, genre_ids, maturity_level, certification, popularity, poster_path) values ('mtest1', 'movie', 'local', 'Hard Target', '{28}', 3, 'R', 1000000, '/ht.jpg')`,
    );
  await app
    .em()
    .execute(
      `insert into title_genres (genre_id, title_id, popularity, maturity_level) values (28, 'mtest1', 1000000, 3)`,
    );
  await notifyNewTitle({ em: app.em() }, 'mtest1');
  await notifyNewTitle({ em: app.em() }, 'mtest1');
  await app.jobs.runner.tick();
  const got = await ofType(action.id, 'movie_added');
  t.equal(got.length, 1, 'one notification despite two calls');
  t.match(got[0], { title: 'New Movie Added', movie_id: 'mtest1', image: 'https://image.tmdb.org/t/p/w500/ht.jpg' });
  t.match(got[0].message, /Hard Target/);
  t.same(await ofType(comedy.id, 'movie_added'), [], 'other genres are not told');
  t.same(await ofType(teen.id, 'movie_added'), [], 'an R title is not announced to a teen filter');
});

t.test('the digest names the most popular titles in followed genres', async (t) => {
  await app.jobs.enqueue('notifications.digest', {});
  await app.jobs.runner.tick();
  const [digest] = await ofType(action.id, 'movie_recommendation');
  t.ok(digest, 'an active user with followed genres gets a digest');
  t.equal(digest.movie_id, 'mtest1', 'the most popular title leads');
  t.match(digest.message, /'Hard Target'/);
  const teenDigest = await ofType(teen.id, 'movie_recommendation');
  t.notOk(
    teenDigest.some((d) => d.movie_id === 'mtest1'),
    'maturity applies to the digest too',
  );
  t.same(await ofType(plain.id, 'movie_recommendation'), [], 'no followed genres, no digest');
  await app.jobs.enqueue('notifications.digest', {});
  await app.jobs.runner.tick();
  t.equal((await ofType(action.id, 'movie_recommendation')).length, 1, 'one digest per user per day');
});

t.test(
  'admin content changes announce themselves: movie_added to followers, favorite_update to favourites',
  async (t) => {
    const admin2 = await newAdmin(app);
    const adminCall = (method: 'POST', url: string, payload: object) =>
      call(app, { method, url: `/api/v1/admin/content${url}`, headers: admin2.headers, payload });

    const movie = await adminCall('POST', '', {
      type: 'movie',
      title: 'Breakwater',
      certification: 'PG-13',
      genre_ids: [28],
    });
    t.equal(movie.status, 201);
    const movieId = movie.body.data.content.id;
    t.same(
      (await ofType(action.id, 'movie_added')).filter((n) => n.movie_id === movieId),
      [],
      'nothing inside the request',
    );
    await app.jobs.runner.tick();
    t.equal(
      (await ofType(action.id, 'movie_added')).filter((n) => n.movie_id === movieId).length,
      1,
      'a follower of Action is told',
    );
    t.equal(
      (await ofType(teen.id, 'movie_added')).filter((n) => n.movie_id === movieId).length,
      1,
      'PG-13 passes a teen filter',
    );
    t.same(
      (await ofType(comedy.id, 'movie_added')).filter((n) => n.movie_id === movieId),
      [],
      'other genres are not told',
    );

    const series = await adminCall('POST', '', {
      type: 'series',
      title: 'Long Show',
      certification: 'TV-14',
      genre_ids: [35],
      seasons: [{ season_number: 1, episodes: [{ episode_number: 1 }] }],
    });
    t.equal(series.status, 201);
    const seriesId = series.body.data.content.id;
    await app.jobs.runner.tick();
    const fav = await call(app, {
      method: 'POST',
      url: '/api/v1/movies/favourites',
      headers: comedy.headers,
      payload: { movie_id: seriesId },
    });
    t.ok(fav.status === 200 || fav.status === 201, `favourited (${fav.status})`);

    t.equal(
      (await adminCall('POST', `/${seriesId}/seasons`, { season_number: 2, episodes: [{ episode_number: 1 }] })).status,
      201,
    );
    await app.jobs.runner.tick();
    const seasonNews = await ofType(comedy.id, 'favorite_update');
    t.equal(seasonNews.length, 1, 'a new season reaches the profile that favourited the series');
    t.match(seasonNews[0], { movie_id: seriesId });
    t.match(seasonNews[0].message, /Long Show/);

    t.equal((await adminCall('POST', `/${seriesId}/seasons/2/episodes`, { episode_number: 2 })).status, 201);
    await app.jobs.runner.tick();
    t.equal((await ofType(comedy.id, 'favorite_update')).length, 2, 'so does a new episode');
    t.same(await ofType(action.id, 'favorite_update'), [], 'accounts without the favourite hear nothing');
  },
);
