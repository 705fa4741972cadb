// OWASP API1 (broken object-level authorization): every resource with an id, tried by another account
// (and by another profile of the same account where profiles own the data). The owner's request comes
// first, so a 404 cannot come from a resource that never existed.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { addMovie } from '../helpers/titles.ts';
import { drainJobs } from '../support/media-jobs.ts';
import { testMedia } from '../support/media-source.ts';
import { tusClient, uploadAll } from '../support/tus.ts';
import { type Account, signup, startServer } from './support.ts';

const server = await startServer(t, { MEDIA_ENCODER_PRESET: 'ultrafast', MEDIA_LADDER: '240' });
const { req } = server;
const owner = await signup(server);
const intruder = await signup(server);
const movie = await addMovie(server.app);

async function newProfile(account: Account, body: Record<string, unknown>): Promise<string> {
  const res = await req('POST', '/api/v1/profiles', { token: account.token, json: body });
  if (res.status !== 201) throw new Error(`profile: ${res.status} ${res.text}`);
  return res.body.data.profile.id;
}

const asProfile = (profileId: string) => ({ 'x-profile-id': profileId });
const notFound = (t: Pick<typeof import('tap').default, 'equal'>, res: { status: number; body: any }, what: string) => {
  t.equal(res.status, 404, what);
  t.equal(res.body.error?.code, 'NOT_FOUND', what);
};

const profileId = await newProfile(owner, { name: 'Owner main' });

t.test('viewer profiles of another account', async (t) => {
  const path = `/api/v1/profiles/${profileId}`;
  t.equal((await req('PUT', path, { token: owner.token, json: { name: 'Owner main' } })).status, 200);
  t.equal((await req('POST', `${path}/select`, { token: owner.token, json: {} })).status, 200);
  notFound(t, await req('PUT', path, { token: intruder.token, json: { name: 'Pwned' } }), 'update');
  notFound(t, await req('POST', `${path}/select`, { token: intruder.token, json: {} }), 'select');
  notFound(t, await req('DELETE', path, { token: intruder.token }), 'delete');
  const mine = await req('GET', '/api/v1/profiles', { token: owner.token });
  t.same(
    mine.body.data.profiles.filter((p: { id: string }) => p.id === profileId).map((p: { name: string }) => p.name),
    ['Owner main'],
    'still there, unchanged',
  );
  const list = await req('GET', '/api/v1/profiles', { token: intruder.token });
  t.notOk(
    list.body.data.profiles.some((p: { id: string }) => p.id === profileId),
    'not listed for the other account',
  );
});

t.test('watchlist, history, continue watching, next up and recommendations of another account', async (t) => {
  const base = `/api/v1/profiles/${profileId}`;
  t.equal((await req('POST', `${base}/watchlist`, { token: owner.token, json: { content_id: movie.id } })).status, 201);
  const progress = await req('PUT', `/api/v1/streaming/${movie.id}/progress`, {
    token: owner.token,
    headers: asProfile(profileId),
    json: { position: 60, duration: 7200 },
  });
  t.equal(progress.status, 200);
  for (const path of [
    `${base}/watchlist`,
    `${base}/history`,
    `${base}/continue-watching`,
    `${base}/next-up`,
    `/api/v1/recommendations/${profileId}`,
  ]) {
    t.equal((await req('GET', path, { token: owner.token })).status, 200, `the owner reads ${path}`);
    notFound(t, await req('GET', path, { token: intruder.token }), `GET ${path}`);
  }
  for (const [method, path, json] of [
    ['POST', `${base}/watchlist`, { content_id: movie.id }],
    ['DELETE', `${base}/watchlist/${movie.id}`],
    ['DELETE', `${base}/history/${movie.id}`],
    ['DELETE', `${base}/history`],
  ] as const) {
    notFound(t, await req(method, path, { token: intruder.token, ...(json ? { json } : {}) }), `${method} ${path}`);
  }
  const watchlist = await req('GET', `${base}/watchlist`, { token: owner.token });
  t.equal(watchlist.body.data.content.length, 1, 'the owner keeps the watchlist');
  const history = await req('GET', `${base}/history`, { token: owner.token });
  t.equal(history.body.data.history.length, 1, 'the owner keeps the history');
});

t.test("another account's profile as X-Profile-Id", async (t) => {
  const mine = { token: owner.token, headers: asProfile(profileId) };
  t.equal((await req('POST', '/api/v1/movies/favourites', { ...mine, json: { movie_id: movie.id } })).status, 201);
  t.equal((await req('GET', '/api/v1/movies/favourites', mine)).status, 200);
  const theirs = { token: intruder.token, headers: asProfile(profileId) };
  notFound(t, await req('GET', '/api/v1/movies/favourites', theirs), 'favourites read');
  notFound(t, await req('POST', '/api/v1/movies/favourites', { ...theirs, json: { movie_id: movie.id } }), 'favourite');
  notFound(t, await req('GET', '/api/v1/movies/ratings', theirs), 'ratings read');
  notFound(
    t,
    await req('PUT', `/api/v1/streaming/${movie.id}/progress`, { ...theirs, json: { position: 1, duration: 10 } }),
    'progress write',
  );
});

t.test('ratings by id of another account', async (t) => {
  const created = await req('POST', '/api/v1/movies/ratings', {
    token: owner.token,
    json: { movie_id: movie.id, rating: 'up' },
  });
  t.equal(created.status, 201);
  const path = `/api/v1/movies/ratings/${created.body.data.rating.id}`;
  t.equal((await req('GET', path, { token: owner.token })).status, 200);
  notFound(t, await req('GET', path, { token: intruder.token }), 'read');
  notFound(t, await req('PATCH', path, { token: intruder.token, json: { rating: 'down' } }), 'patch');
  notFound(t, await req('PUT', path, { token: intruder.token, json: { movie_id: movie.id, rating: 'down' } }), 'put');
  notFound(t, await req('DELETE', path, { token: intruder.token }), 'delete');
  t.equal((await req('GET', path, { token: owner.token })).body.data.rating.rating, 'up', 'unchanged');
});

t.test('login sessions of another account', async (t) => {
  const sessions = await req('GET', '/api/v1/profile/sessions', { token: owner.token });
  t.equal(sessions.status, 200);
  const sessionId = sessions.body.data.sessions[0].id;
  notFound(t, await req('DELETE', `/api/v1/profile/sessions/${sessionId}`, { token: intruder.token }), 'sign out');
  t.equal((await req('GET', '/api/v1/profile', { token: owner.token })).status, 200, 'the owner is still signed in');
  const theirs = await req('GET', '/api/v1/profile/sessions', { token: intruder.token });
  t.notOk(
    theirs.body.data.sessions.some((s: { id: string }) => s.id === sessionId),
    'not listed',
  );
});

t.test('notifications of another account', async (t) => {
  const admin = await signup(server, true);
  const sent = await req('POST', '/api/v1/admin/notifications', {
    token: admin.token,
    json: { title: 'Maintenance', message: 'Tonight', audience: 'users' },
  });
  t.equal(sent.status < 300, true, `broadcast ${sent.status}`);
  await server.app.jobs.runner.tick();
  await server.app.jobs.runner.tick();
  const inbox = await req('GET', '/api/v1/profile/notifications', { token: owner.token });
  t.equal(inbox.status, 200);
  const id = inbox.body.data.notifications[0].id;
  const foreign = await req('POST', '/api/v1/profile/notifications/read', {
    token: intruder.token,
    json: { notification_id: id },
  });
  t.equal(foreign.status, 200);
  t.equal(foreign.body.data.updated, 0, "another account's notification is not marked read");
  const after = await req('GET', '/api/v1/profile/notifications', { token: owner.token });
  t.equal(after.body.data.unread_count, inbox.body.data.unread_count, 'still unread for the owner');
  const own = await req('POST', '/api/v1/profile/notifications/read', {
    token: owner.token,
    json: { notification_id: id },
  });
  t.equal(own.body.data.updated, 1, 'the owner can mark it');
});

t.test('a PIN-locked profile of the same account needs its PIN', async (t) => {
  const locked = await newProfile(owner, { name: 'Locked', pin: '4321' });
  const base = `/api/v1/profiles/${locked}`;
  const refused = await req('GET', `${base}/watchlist`, { token: owner.token });
  t.equal(refused.status, 403);
  t.equal(refused.body.error.code, 'PIN_REQUIRED');
  const asLocked = await req('GET', '/api/v1/movies/favourites', { token: owner.token, headers: asProfile(locked) });
  t.equal(asLocked.body.error.code, 'PIN_REQUIRED', 'as X-Profile-Id too');
  const wrong = await req('POST', `${base}/select`, { token: owner.token, json: { pin: '0000' } });
  t.equal(wrong.status, 403);
  t.equal(wrong.body.error.code, 'INVALID_PIN');
  t.equal((await req('POST', `${base}/select`, { token: owner.token, json: { pin: '4321' } })).status, 200);
  t.equal((await req('GET', `${base}/watchlist`, { token: owner.token })).status, 200, 'unlocked for this session');
  // The unlock belongs to the login session, not the account: a second login starts locked.
  const other = await req('POST', '/api/v1/auth/login', { json: { email: owner.email, password: owner.password } });
  const second = await req('GET', `${base}/watchlist`, { token: other.body.data.auth_token });
  t.equal(second.body.error.code, 'PIN_REQUIRED');
});

t.test('a kids profile cannot reach what its maturity ceiling hides', async (t) => {
  const kids = await newProfile(owner, { name: 'Kids', is_kids: true });
  const mature = await addMovie(server.app, { certification: 'R' });
  const adult = await req('GET', `/api/v1/content/${mature.id}`, { token: owner.token, headers: asProfile(profileId) });
  t.equal(adult.status, 200);
  const child = await req('GET', `/api/v1/content/${mature.id}`, { token: owner.token, headers: asProfile(kids) });
  t.equal(child.status, 403);
  t.equal(child.body.error.code, 'CONTENT_RESTRICTED');
  const fav = await req('POST', '/api/v1/movies/favourites', {
    token: owner.token,
    headers: asProfile(kids),
    json: { movie_id: mature.id },
  });
  t.equal(fav.status, 403);
  t.equal(fav.body.error.code, 'CONTENT_RESTRICTED');
});

t.test('playback sessions and media grants of another account or title', async (t) => {
  for (const account of [owner, intruder]) {
    const sub = await req('POST', '/api/v1/subscriptions', {
      token: account.token,
      json: { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' },
    });
    t.equal(sub.status, 201, `subscribed: ${sub.text.slice(0, 80)}`);
  }
  const started = await req('POST', '/api/v1/streaming/m238/start', {
    token: owner.token,
    json: { device_type: 'tv', quality: '720p', profile_id: profileId },
  });
  t.equal(started.status, 201);
  const sessionId = started.body.data.session_id;
  const foreignStop = await req('POST', '/api/v1/streaming/m238/stop', {
    token: intruder.token,
    json: { session_id: sessionId },
  });
  notFound(t, foreignStop, "stopping another account's playback session");
  const foreignStart = await req('POST', '/api/v1/streaming/m238/start', {
    token: intruder.token,
    json: { device_type: 'tv', quality: '720p', profile_id: profileId },
  });
  notFound(t, foreignStart, "starting as another account's profile");
  const stopped = await req('POST', '/api/v1/streaming/m238/stop', {
    token: owner.token,
    json: { session_id: sessionId },
  });
  t.equal(stopped.status, 200, 'the owner can stop it: it was still running');

  // The grant checks need a title that really plays: a two-second video goes through upload and encoding.
  const admin = await signup(server, true);
  const media = await testMedia();
  t.teardown(() => media.cleanup());
  const video = await readFile(await media.video({ seconds: 2 }));
  const uploaded = await uploadAll(tusClient(server.base, { authorization: `Bearer ${admin.token}` }), video, {
    content_id: 'm155',
  });
  t.equal(uploaded.status, 204, 'the admin uploads a video for the title');
  await drainJobs(server.app);

  const manifest = await req('GET', '/api/v1/streaming/m155/manifest', { token: owner.token });
  t.equal(manifest.status, 200);
  const url = new URL(manifest.body.data.manifest_url);
  t.equal((await req('GET', url.pathname + url.search)).status, 200, 'the grant opens its own title');
  const otherTitle = await req('GET', url.pathname.replace('/m155/', '/m238/') + url.search);
  t.equal(otherTitle.status, 403, 'the same grant on another title');
  const higher = new URL(url);
  higher.searchParams.set('h', '2160');
  t.equal((await req('GET', higher.pathname + higher.search)).status, 403, 'the same grant for a higher resolution');
});
