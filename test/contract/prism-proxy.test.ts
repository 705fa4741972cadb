// A whole client session through a Prism proxy (`--errors`) in front of the real server: every request and
// every answer must match openapi.json, errors included (404, 401, 409, 422, 413, a bad webhook signature).
// Bad input the document itself forbids is refused by Prism before the server sees it (422, located in the
// request): the test checks that the server refuses the same request on its own (400).
import Stripe from 'stripe';
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { createNotification } from '../../services/notifications/store.ts';
import { newAdmin } from '../helpers/factories.ts';
import { addMovie } from '../helpers/titles.ts';
import { drainJobs } from '../support/media-jobs.ts';
import { testMedia } from '../support/media-source.ts';
import { startSmtpServer } from '../support/smtp.ts';
import { tusClient, uploadAll } from '../support/tus.ts';
import { listeningApp, proxyClient, startPrism } from './support.ts';

const SECRET = 'whsec_contract_prism_secret';
// The app, Prism (a few seconds to read the document) and a short encode come before the first request.
t.setTimeout(300_000);
const media = await testMedia();
t.teardown(() => media.cleanup());
const smtp = await startSmtpServer();
t.teardown(() => smtp.close());
const { app, origin } = await listeningApp(t, {
  SMTP_URL: smtp.url,
  STRIPE_WEBHOOK_SECRET: SECRET,
  BILLING_RENEWAL_INTERVAL_SECONDS: '0',
  MEDIA_ENCODER_PRESET: 'ultrafast',
  MEDIA_LADDER: '240',
});
const prism = await startPrism(t, origin);

// A title with playable media, uploaded and encoded before the session (the upload is an admin's, not the
// client's): a short 240p source and a one-rung ladder keep it to seconds.
const movie = await addMovie(app);
const source = await readFile(await media.video({ width: 426, height: 240, seconds: 2 }));
await uploadAll(tusClient(origin, (await newAdmin(app)).headers), source, { content_id: movie.id });
await drainJobs(app);

const { send, ok, forbidden } = proxyClient(prism, origin);

const email = `prism-${Date.now()}@example.com`;
let password = 'PASS1234';
let token = '';
let userId = '';
let profileId = '';

t.test('health and probes', async (t) => {
  await ok(t, 'GET', '/api/v1/system/health', 200);
  await ok(t, 'GET', '/livez', 200);
  await ok(t, 'GET', '/readyz', 200);
});

t.test('sign-up, login, refresh, the profile', async (t) => {
  const signup = await ok(t, 'POST', '/api/v1/auth/signup', 201, {
    body: { name: 'Prism Viewer', email, password, genres: [28, 35] },
  });
  userId = signup.body.data.user.id;
  const again = await ok(t, 'POST', '/api/v1/auth/signup', 409, { body: { name: 'Again', email, password } });
  t.equal(again.body.error.code, 'EMAIL_TAKEN');
  const login = await ok(t, 'POST', '/api/v1/auth/login', 200, { body: { email, password } });
  token = login.body.data.auth_token;
  const wrong = await ok(t, 'POST', '/api/v1/auth/login', 401, { body: { email, password: 'NOT-IT-123' } });
  t.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
  await forbidden(t, 'POST', '/api/v1/auth/login', { body: { email } });

  const refreshed = await ok(t, 'POST', '/api/v1/auth/refresh-token', 200, { token });
  t.type(refreshed.body.data.auth_token, 'string');
  await ok(t, 'POST', '/api/v1/auth/refresh', 200, { body: { refresh_token: login.body.data.refresh_token } });

  await ok(t, 'GET', '/api/v1/profile', 200, { token });
  await ok(t, 'GET', '/api/v1/profile', 401, { token: 'not-a-real-token' });
  await ok(t, 'POST', '/api/v1/profile', 200, { token, body: { name: 'Prism V', genres: [18] } });
  const changed = await ok(t, 'POST', '/api/v1/profile/change-password', 200, {
    token,
    body: { old_password: password, new_password: 'PASS9876' },
  });
  password = 'PASS9876';
  token = changed.body.data.auth_token;
  await ok(t, 'GET', '/api/v1/profile/sessions', 200, { token });
});

t.test('forgot password: the emailed code, then a new password', async (t) => {
  const requested = await ok(t, 'POST', '/api/v1/auth/forgot-password', 200, { body: { email } });
  const reset = requested.body.data.reset_token;
  const otp = /code is (\d{6})/.exec((await smtp.next()).raw.replace(/=\r?\n/g, ''))?.[1];
  t.match(otp, /^\d{6}$/);
  await ok(t, 'POST', '/api/v1/auth/forgot-password/verify', 200, { token: reset, body: { otp_code: otp } });
  await ok(t, 'POST', '/api/v1/auth/forgot-password/change', 200, {
    token: reset,
    body: { new_password: 'NEWPASS123' },
  });
  password = 'NEWPASS123';
  await ok(t, 'GET', '/api/v1/profile', 401, { token });
  token = (await ok(t, 'POST', '/api/v1/auth/login', 200, { body: { email, password } })).body.data.auth_token;
});

t.test('viewer profiles', async (t) => {
  const list = await ok(t, 'GET', '/api/v1/profiles', 200, { token });
  profileId = list.body.data.profiles[0].id;
  const kid = await ok(t, 'POST', '/api/v1/profiles', 201, { token, body: { name: 'Kid', is_kids: true } });
  const kidId = kid.body.data.profile.id;
  await ok(t, 'PUT', `/api/v1/profiles/${kidId}`, 200, { token, body: { name: 'Kiddo', is_kids: true } });
  await ok(t, 'POST', `/api/v1/profiles/${profileId}/select`, 200, { token });
  await ok(t, 'DELETE', `/api/v1/profiles/${kidId}`, 200, { token });
  await ok(t, 'DELETE', `/api/v1/profiles/${kidId}`, 404, { token });
});

t.test('catalog: browse, search, details', async (t) => {
  const popular = await ok(t, 'GET', '/api/v1/movies/popular', 200, { token });
  t.ok(popular.body.data.movies.length > 0);
  await ok(t, 'GET', '/api/v1/movies/popular?page=2&limit=5', 200);
  await ok(t, 'GET', '/api/v1/movies/coming-soon', 200, { token });
  await ok(t, 'GET', '/api/v1/movies/search?q=dilwale', 200, { token });
  await forbidden(t, 'GET', '/api/v1/movies/search');
  await ok(t, 'GET', '/api/v1/movies/recommendations', 200, { token });
  await ok(t, 'GET', '/api/v1/movies/genres', 200);
  await ok(t, 'GET', '/api/v1/movies/19404', 200, { token });
  await ok(t, 'GET', '/api/v1/movies/119051', 200, { token });
  const missing = await ok(t, 'GET', '/api/v1/movies/999999991', 404);
  t.equal(missing.body.error.code, 'NOT_FOUND');
  await ok(t, 'GET', '/api/v1/search?q=wednesday', 200, { token });
  await ok(t, 'GET', '/api/v1/content/browse', 200, { token });
  await ok(t, 'GET', '/api/v1/content/trending', 200, { token });
  await ok(t, 'GET', '/api/v1/content/new-releases', 200, { token });
  await ok(t, 'GET', '/api/v1/content/m19404', 200, { token });
  await ok(t, 'GET', '/api/v1/recommendations/trending', 200, { token });
  await ok(t, 'GET', '/api/v1/recommendations/similar/m19404', 200, { token });
  await ok(t, 'GET', `/api/v1/recommendations/${profileId}`, 200, { token });
});

t.test('favourites, watchlist, ratings', async (t) => {
  await ok(t, 'POST', '/api/v1/movies/favourites', 201, { token, body: { movie_id: '19404' } });
  const favourites = await ok(t, 'GET', '/api/v1/movies/favourites', 200, { token });
  t.equal(favourites.body.data.movies[0].id, 'm19404');
  await ok(t, 'DELETE', '/api/v1/movies/favourites?movie_id=19404', 200, { token });

  const w = `/api/v1/profiles/${profileId}/watchlist`;
  await ok(t, 'POST', w, 201, { token, body: { content_id: 'm238' } });
  await ok(t, 'GET', w, 200, { token });
  await ok(t, 'DELETE', `${w}/m238`, 200, { token });

  const rated = await ok(t, 'POST', '/api/v1/movies/ratings', 201, { token, body: { movie_id: 'm238', rating: 'up' } });
  const ratingId = rated.body.data.rating.id;
  await ok(t, 'GET', '/api/v1/movies/ratings', 200, { token });
  await ok(t, 'GET', `/api/v1/movies/ratings/${ratingId}`, 200, { token });
  await ok(t, 'PATCH', `/api/v1/movies/ratings/${ratingId}`, 200, { token, body: { rating: 'down' } });
  await ok(t, 'PUT', `/api/v1/movies/ratings/${ratingId}`, 200, { token, body: { rating: 'up' } });
  await ok(t, 'DELETE', `/api/v1/movies/ratings/${ratingId}`, 200, { token });
});

t.test('notifications', async (t) => {
  const note = await createNotification({ em: app.em(), realtime: app.realtime }, userId, {
    type: 'movie_added',
    title: 'New Movie Added',
    message: 'A new movie has been added',
    movie_id: 'm19404',
  });
  await ok(t, 'GET', '/api/v1/profile/notifications', 200, { token });
  await ok(t, 'GET', '/api/v1/profile/notifications?unread_only=true&page=1&limit=5', 200, { token });
  await ok(t, 'POST', '/api/v1/profile/notifications/read', 200, { token, body: { notification_id: note!.id } });
  await ok(t, 'POST', '/api/v1/profile/notifications/read-all', 200, { token });
});

let subscription: { provider_subscription_id: string; provider_customer_id: string } | undefined;

t.test('billing: plans, subscribe with an idempotency key, invoices, the webhook', async (t) => {
  await ok(t, 'GET', '/api/v1/plans', 200);
  const manifest = await ok(t, 'GET', '/api/v1/streaming/m238/manifest', 402, { token });
  t.equal(manifest.body.error.code, 'SUBSCRIPTION_REQUIRED');

  // Stripe Checkout needs the Stripe provider: the built-in one says so.
  const checkout = await ok(t, 'POST', '/api/v1/billing/checkout-session', 422, { token, body: { plan: 'basic' } });
  t.equal(checkout.body.success, false);
  const key = { 'Idempotency-Key': `prism-${Date.now()}` };
  const body = { plan: 'standard', payment_method: 'pm_card_visa' };
  const first = await ok(t, 'POST', '/api/v1/subscriptions', 201, { token, body, headers: key });
  const replay = await ok(t, 'POST', '/api/v1/subscriptions', 201, { token, body, headers: key });
  t.equal(replay.headers.get('idempotent-replayed'), 'true');
  t.same(replay.body.data, first.body.data);
  const mismatch = await ok(t, 'POST', '/api/v1/subscriptions', 422, {
    token,
    body: { ...body, plan: 'premium' },
    headers: key,
  });
  t.equal(mismatch.body.error.code, 'IDEMPOTENCY_MISMATCH');
  await ok(t, 'GET', '/api/v1/subscriptions/current', 200, { token });
  await ok(t, 'PATCH', '/api/v1/subscriptions/current', 200, { token, body: { plan: 'premium' } });
  await app.billing.settle();
  await ok(t, 'GET', '/api/v1/billing/invoices', 200, { token });

  [subscription] = await app
    .em()
    .execute('select provider_subscription_id, provider_customer_id from subscriptions where user_id = ?', [userId]);
  const event = JSON.stringify({
    id: `evt_prism_${Date.now()}`,
    object: 'event',
    api_version: '2025-09-30.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: 'customer.updated',
    data: { object: { id: subscription!.provider_customer_id, object: 'customer', metadata: {} } },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: event, secret: SECRET });
  await ok(t, 'POST', '/api/v1/billing/webhook', 200, { raw: event, headers: { 'Stripe-Signature': signature } });
  const bad = await ok(t, 'POST', '/api/v1/billing/webhook', 400, {
    raw: event,
    headers: { 'Stripe-Signature': 't=1,v1=00' },
  });
  t.equal(bad.body.success, false);
});

/** The first URI line of an HLS playlist. */
const firstUri = (playlist: string) => playlist.split('\n').find((l) => l && !l.startsWith('#')) ?? '';
/** A server URL as a path and query, to be fetched through the proxy. */
const pathOf = (url: URL) => `${url.pathname}${url.search}`;

t.test('playback: manifest, start, progress, stop; history', async (t) => {
  const s = `/api/v1/streaming/${movie.id}`;
  const notReady = await ok(t, 'GET', '/api/v1/streaming/m238/manifest', 409, { token });
  t.equal(notReady.body.error.code, 'MEDIA_NOT_READY');
  const manifest = await ok(t, 'GET', `${s}/manifest`, 200, { token });
  const start = await ok(t, 'POST', `${s}/start`, 201, { token, body: { device_type: 'web', quality: '1080p' } });
  const sessionId = start.body.data.session_id;
  // The signed playlists, through the proxy as a player would fetch them.
  const master = new URL(start.body.data.manifest_url);
  t.equal(master.origin, origin, 'the manifest URL points at the server');
  const playlist = await ok(t, 'GET', pathOf(master), 200);
  t.match(playlist.body, /^#EXTM3U/);
  const indexUrl = new URL(firstUri(playlist.body), master);
  const index = await ok(t, 'GET', pathOf(indexUrl), 200);
  t.match(index.body, /#EXTINF/);
  const segment = await ok(t, 'GET', pathOf(new URL(firstUri(index.body), indexUrl)), 200);
  t.equal(segment.headers.get('content-type'), 'video/mp2t');
  const partial = await ok(t, 'GET', pathOf(new URL(firstUri(index.body), indexUrl)), 206, {
    headers: { range: 'bytes=0-187' },
  });
  t.equal(partial.headers.get('content-range')?.startsWith('bytes 0-187/'), true);
  const keyUri = /#EXT-X-KEY:[^\n]*URI="([^"]+)"/.exec(index.body)?.[1] ?? '';
  const key = await ok(t, 'GET', pathOf(new URL(keyUri, indexUrl)), 200);
  t.equal(key.headers.get('content-type'), 'application/octet-stream');
  t.match(manifest.body.data, { content_id: movie.id });
  await ok(t, 'PUT', `${s}/progress`, 200, {
    token,
    body: { position: 600, duration: 8000, session_id: sessionId },
  });
  await ok(t, 'POST', `/api/v1/streaming/sessions/${sessionId}/qoe`, 202, {
    token,
    body: {
      kind: 'heartbeat',
      startup_ms: 800,
      watch_ms: 30_000,
      rebuffer_count: 0,
      rebuffer_ms: 0,
      bitrate_switches: 1,
      renditions: [],
      dropped_frames: 0,
      fatal_errors: 0,
    },
  });
  // A batch the document allows (100 events, free-form metadata) but over the route's 512 KiB limit.
  const event = {
    event_type: 'browse',
    profile_id: profileId,
    timestamp: new Date().toISOString(),
    metadata: { note: 'x'.repeat(6 * 1024) },
  };
  const tooLarge = await ok(t, 'POST', '/api/v1/analytics/events', 413, {
    token,
    body: { events: Array.from({ length: 100 }, () => event) },
  });
  t.equal(tooLarge.body.error.code, 'PAYLOAD_TOO_LARGE');
  await ok(t, 'POST', `${s}/stop`, 200, { token, body: { session_id: sessionId } });
  await ok(t, 'POST', `${s}/stop`, 404, { token, body: { session_id: sessionId } });

  const h = `/api/v1/profiles/${profileId}`;
  await ok(t, 'GET', `${h}/history`, 200, { token });
  await ok(t, 'GET', `${h}/continue-watching`, 200, { token });
  await ok(t, 'GET', `${h}/next-up`, 200, { token });
  await ok(t, 'DELETE', `${h}/history/${movie.id}`, 200, { token });
  await ok(t, 'DELETE', `${h}/history`, 200, { token });
});

t.test('watch parties, analytics, GraphQL, the aliases', async (t) => {
  const party = await ok(t, 'POST', '/api/v1/watch-parties', 201, { token, body: { content_id: movie.id } });
  const { id, invite_code: code } = party.body.data.party;
  await ok(t, 'GET', `/api/v1/watch-parties/${id}`, 200, { token });
  const guest = await ok(t, 'POST', '/api/v1/auth/signup', 201, {
    body: { name: 'Guest', email: `guest-${email}`, password: 'PASS1234' },
  });
  await ok(t, 'POST', '/api/v1/subscriptions', 201, {
    token: guest.body.data.auth_token,
    body: { plan: 'basic', payment_method: 'pm_card_visa' },
  });
  await ok(t, 'POST', `/api/v1/watch-parties/${code}/join`, 200, { token: guest.body.data.auth_token, body: {} });
  await ok(t, 'DELETE', `/api/v1/watch-parties/${id}`, 200, { token });

  const event = {
    event_type: 'video_play',
    profile_id: profileId,
    content_id: 'm238',
    timestamp: new Date().toISOString(),
  };
  await ok(t, 'POST', '/api/v1/analytics/events', 202, { token, body: event });
  await ok(t, 'GET', `/api/v1/analytics/viewing-stats/${profileId}`, 200, { token });

  const browse = { query: '{ browse(limit: 2) { content { id } pagination { total } } }' };
  const graphql = await ok(t, 'POST', '/api/v1/graphql', 200, { token, body: browse });
  t.equal(graphql.body.data.browse.content.length, 2);
  const unknown = await ok(t, 'POST', '/api/v1/graphql', 400, { token, body: { query: '{ nothing }' } });
  t.equal(unknown.body.errors[0].extensions.code, 'INVALID_REQUEST');
  await ok(t, 'POST', '/api/v1/auth/verify', 200, { body: { token } });
  await ok(t, 'GET', '/api/v1/users/profiles', 200, { token });
  const graphqlGet = await ok(t, 'GET', `/api/v1/graphql?query=${encodeURIComponent(browse.query)}`, 200, { token });
  t.equal(graphqlGet.body.data.browse.content.length, 2);
  const registered = await ok(t, 'POST', '/api/v1/users/register', 201, {
    body: { name: 'Alias', email: `alias-${email}`, password: 'PASS1234' },
  });
  t.ok(registered.body.data);
  await ok(t, 'POST', '/api/v1/auth/token', 200, { body: { email: `alias-${email}`, password: 'PASS1234' } });
  const sessions = await ok(t, 'GET', '/api/v1/profile/sessions', 200, { token: registered.body.data.auth_token });
  const other = sessions.body.data.sessions.find((x: { current: boolean }) => !x.current);
  await ok(t, 'DELETE', `/api/v1/profile/sessions/${other.id}`, 200, { token: registered.body.data.auth_token });
  await ok(t, 'GET', '/api/v1/movies?query=dilwale', 200, { token });
  await ok(t, 'GET', '/api/v1/artwork/m19404/poster.svg', 200);
});

t.test('admin: a title with a season and an episode, a broadcast, the audit', async (t) => {
  const admin = (await newAdmin(app)).token;
  const created = await ok(t, 'POST', '/api/v1/admin/content', 201, {
    token: admin,
    body: { type: 'series', title: 'Contract Series' },
  });
  const id = created.body.data.content.id;
  await ok(t, 'GET', `/api/v1/admin/content/${id}`, 200, { token: admin });
  await ok(t, 'PATCH', `/api/v1/admin/content/${id}`, 200, { token: admin, body: { overview: 'A series.' } });
  await ok(t, 'POST', `/api/v1/admin/content/${id}/seasons`, 201, { token: admin, body: { season_number: 1 } });
  await ok(t, 'POST', `/api/v1/admin/content/${id}/seasons/1/episodes`, 201, {
    token: admin,
    body: { episode_number: 1, name: 'Pilot' },
  });
  await ok(t, 'GET', '/api/v1/admin/content', 200, { token: admin });
  await ok(t, 'GET', `/api/v1/admin/content/${movie.id}/processing-status`, 200, { token: admin });
  await ok(t, 'DELETE', `/api/v1/admin/content/${id}/seasons/1/episodes/1`, 200, { token: admin });
  await ok(t, 'DELETE', `/api/v1/admin/content/${id}`, 200, { token: admin });
  const forbidden = await ok(t, 'GET', '/api/v1/admin/content', 403, { token });
  t.equal(forbidden.body.error.code, 'FORBIDDEN');

  await ok(t, 'POST', '/api/v1/admin/notifications', 202, { token: admin, body: { title: 'Hello', message: 'All' } });
  await ok(t, 'GET', '/api/v1/admin/audit', 200, { token: admin });
  await ok(t, 'GET', '/api/v1/admin/analytics/qoe', 200, { token: admin });
  await ok(t, 'GET', '/api/v1/admin/metrics', 200, { token: admin });
});

t.test('cancel and resume with no body; sign out', async (t) => {
  await ok(t, 'POST', '/api/v1/subscriptions/current/cancel', 200, { token });
  await ok(t, 'POST', '/api/v1/subscriptions/current/resume', 200, { token });
  await ok(t, 'POST', '/api/v1/auth/logout', 200, { token });
  await ok(t, 'GET', '/api/v1/profile', 401, { token });
});

t.test('what Prism refuses is seen as a violation', async (t) => {
  const undocumented = await send('GET', '/api/v1/not-a-route');
  t.equal(undocumented.status, 404);
  t.match(undocumented.violations, [{ type: /NO_PATH_MATCHED/ }]);
});

t.test('Prism logged no violation for the whole session', async (t) => {
  t.same(
    prism.log.filter((l) => /violation/i.test(l)),
    [],
  );
  t.ok(
    prism.log.some((l) => l.includes('Forwarding')),
    'the session went through the proxy',
  );
});
