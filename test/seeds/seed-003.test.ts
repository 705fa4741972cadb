// A client written for seed 003 (the main contract) walks its endpoints in the seed's order with its field
// names: sign-up, login, forgot-password by OTP, refresh, logout; the movie lists, details (bare ids, the
// series example 119051), favourites and genres; the profile, password change and notifications; health.
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { call } from '../helpers/factories.ts';
import { createNotification } from '../../services/notifications/store.ts';
import { startSmtpServer } from '../support/smtp.ts';

const smtp = await startSmtpServer();
t.teardown(() => smtp.close());
const app = await buildTestApp(t, { SMTP_URL: smtp.url });
type Method = 'GET' | 'POST' | 'DELETE';
const req = (method: Method, url: string, payload?: object, token?: string) =>
  call(app, {
    method,
    url: `/api/v1${url}`,
    payload,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
const otpOf = (raw: string) => /code is (\d{6})/.exec(raw.replace(/=\r?\n/g, ''))?.[1];

const MOVIE_LIST_ITEM = {
  id: String,
  title: String,
  synopsis: String,
  genres: Array,
  rating: Number,
  is_favorite: Boolean,
  is_series: Boolean,
};
const email = 'seed003@example.com';
let password = 'PASS1234';
let token = '';
let userId = '';

t.test('POST /auth/signup and POST /auth/login', async (t) => {
  const signup = await req('POST', '/auth/signup', { name: 'Joe Doe', email, password, genres: [28, 35] });
  t.equal(signup.status, 201);
  t.match(signup.body, {
    success: true,
    message: 'Account created successfully',
    data: { auth_token: String, user: { id: String, name: 'Joe Doe', email } },
  });
  const login = await req('POST', '/auth/login', { email, password });
  t.equal(login.status, 200);
  t.match(login.body, {
    success: true,
    message: 'Login successful',
    data: { auth_token: String, user: { id: signup.body.data.user.id, name: 'Joe Doe', email } },
  });
  token = login.body.data.auth_token;
  userId = login.body.data.user.id;
});

t.test('forgot-password: request, verify the OTP, change the password', async (t) => {
  const requested = await req('POST', '/auth/forgot-password', { email });
  t.equal(requested.status, 200);
  t.match(requested.body, { success: true, message: 'OTP sent to your email', data: { reset_token: String } });
  const resetToken = requested.body.data.reset_token;
  const otp = otpOf((await smtp.next()).raw);
  t.match(otp, /^\d{6}$/);
  const verified = await req('POST', '/auth/forgot-password/verify', { otp_code: otp }, resetToken);
  t.match(verified.body, { success: true, message: 'OTP verified successfully' });
  const changed = await req('POST', '/auth/forgot-password/change', { new_password: 'NEWPASS123' }, resetToken);
  t.match(changed.body, { success: true, message: 'Password reset successfully' });
  password = 'NEWPASS123';
  t.equal((await req('GET', '/profile', undefined, token)).status, 401, 'the old sessions ended');
  const login = await req('POST', '/auth/login', { email, password });
  t.equal(login.status, 200, 'the new password works');
  token = login.body.data.auth_token;
});

t.test('POST /auth/refresh-token (Bearer, no body) and POST /auth/logout', async (t) => {
  const refreshed = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/refresh-token',
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(refreshed.status, 200);
  t.match(refreshed.body, { success: true, message: 'Token refreshed successfully', data: { auth_token: String } });
  const fresh = refreshed.body.data.auth_token;
  t.match((await req('POST', '/auth/logout', {}, fresh)).body, { success: true, message: 'Logged out successfully' });
  t.equal((await req('GET', '/profile', undefined, fresh)).status, 401);
  token = (await req('POST', '/auth/login', { email, password })).body.data.auth_token;
});

t.test('movies: search, popular, coming soon, recommendations: MOVIE_LIST', async (t) => {
  for (const url of [
    '/movies/search?q=dilwale&page=1&limit=20',
    '/movies/popular?page=1&limit=20',
    '/movies/coming-soon?page=1&limit=20',
    '/movies/recommendations',
  ]) {
    const res = await req('GET', url, undefined, token);
    t.equal(res.status, 200, url);
    t.match(res.body.data.pagination, { page: 1, total: Number, total_pages: Number }, url);
    t.type(res.body.data.movies, Array, url);
  }
  const search = await req('GET', '/movies/search?q=dilwale&page=1&limit=20', undefined, token);
  t.match(search.body.data.movies[0], { ...MOVIE_LIST_ITEM, id: 'm19404', title: 'Dilwale Dulhania Le Jayenge' });
  const popular = await req('GET', '/movies/popular?page=1&limit=20', undefined, token);
  t.match(popular.body.data.movies[0], MOVIE_LIST_ITEM);
  t.ok('poster' in popular.body.data.movies[0] && 'backdrop' in popular.body.data.movies[0]);
  t.equal((await req('GET', '/movies/search?page=1', undefined, token)).status, 400, 'q is required');
});

t.test('GET /movies/{id}: MOVIE_DETAILS; a bare number is the movie, else the series', async (t) => {
  const movie = await req('GET', '/movies/19404', undefined, token);
  t.equal(movie.status, 200);
  t.match(movie.body.data.movie, {
    id: 'm19404',
    is_series: false,
    is_favorite: false,
    title: 'Dilwale Dulhania Le Jayenge',
    runtime: Number,
    genres: Array,
    cast: Array,
    reviews: Array,
    recommendations: Array,
  });

  // Seed 003's MOVIE_DETAILS example is the series 119051: no movie has that id.
  const series = await req('GET', '/movies/119051', undefined, token);
  t.equal(series.status, 200);
  t.match(series.body.data.movie, { id: 's119051', is_series: true, title: 'Wednesday', runtime: null });
  const season = series.body.data.movie.seasons[0];
  t.match(season, { id: String, episode_count: Number, name: String, season_number: 1, episodes: Array });
  t.match(season.episodes[0], { id: String, name: String, episode_number: 1, season_number: 1 });
  t.same((await req('GET', '/movies/s119051')).body.data.movie.id, 's119051', 'the prefixed id is the same title');
  t.equal((await req('GET', '/movies/999999991')).status, 404, 'neither a movie nor a series');

  // The bare series id works wherever a title id is taken.
  const fav = await req('POST', '/movies/favourites', { movie_id: '119051' }, token);
  t.equal(fav.status, 201);
  const removed = await req('DELETE', '/movies/favourites?movie_id=119051', undefined, token);
  t.equal(removed.status, 200);
  t.equal((await req('GET', '/movies/favourites', undefined, token)).body.data.movies.length, 0, 'removed');
});

t.test('favourites: add, list, remove; genres', async (t) => {
  const added = await req('POST', '/movies/favourites', { movie_id: '19404' }, token);
  t.equal(added.status, 201);
  const list = await req('GET', '/movies/favourites?page=1&limit=20', undefined, token);
  t.match(list.body.data.movies[0], { ...MOVIE_LIST_ITEM, id: 'm19404', is_favorite: true });
  t.match(list.body.data.pagination, { page: 1, limit: 20, total: 1, total_pages: 1 });
  t.equal((await req('DELETE', '/movies/favourites?movie_id=19404', undefined, token)).status, 200);
  t.equal((await req('GET', '/movies/favourites', undefined, token)).body.data.pagination.total, 0);

  const genres = await req('GET', '/movies/genres');
  t.equal(genres.status, 200);
  t.match(genres.body.data.genres[0], { id: String, name: String });
});

t.test('profile: read, update, change password', async (t) => {
  const profile = await req('GET', '/profile', undefined, token);
  t.match(profile.body.data.user, {
    id: userId,
    name: 'Joe Doe',
    email,
    genres: Array,
    maturity_filter: 'all',
    preferred_language: 'en',
  });
  t.same([...profile.body.data.user.genres].sort(), ['Action', 'Comedy']);
  const updated = await req(
    'POST',
    '/profile',
    { name: 'Joe D', genres: [18], maturity_filter: 'teen', preferred_language: 'es' },
    token,
  );
  t.equal(updated.status, 200);
  t.match(updated.body.data.user, {
    name: 'Joe D',
    genres: ['Drama'],
    maturity_filter: 'teen',
    preferred_language: 'es',
  });
  const changed = await req(
    'POST',
    '/profile/change-password',
    { old_password: password, new_password: 'PASS9876' },
    token,
  );
  t.match(changed.body, { success: true, message: 'Password changed successfully', data: { auth_token: String } });
  token = changed.body.data.auth_token;
  password = 'PASS9876';
  t.equal((await req('POST', '/auth/login', { email, password })).status, 200);
});

t.test('notifications: list and mark read', async (t) => {
  const note = await createNotification({ em: app.em(), realtime: app.realtime }, userId, {
    type: 'movie_added',
    title: 'New Movie Added',
    message: 'A new movie has been added',
    movie_id: 'm19404',
  });
  const res = await req('GET', '/profile/notifications?page=1&limit=20&unread_only=true', undefined, token);
  t.equal(res.status, 200);
  t.match(res.body.data, {
    notifications: [{ id: note!.id, title: 'New Movie Added', type: 'movie_added', read: false, movie_id: 'm19404' }],
    unread_count: 1,
    pagination: { page: 1, limit: 20, total: 1, total_pages: 1 },
  });
  const read = await req('POST', '/profile/notifications/read', { notification_id: note!.id }, token);
  t.equal(read.status, 200);
  t.equal((await req('GET', '/profile/notifications?unread_only=true', undefined, token)).body.data.unread_count, 0);
});

t.test('GET /system/health and the error format', async (t) => {
  const health = await req('GET', '/system/health');
  t.equal(health.status, 200);
  t.match(health.body, { status: 'healthy', timestamp: String, version: String });
  const wrong = await req('POST', '/auth/login', { email, password: 'not-the-password' });
  t.equal(wrong.status, 401);
  t.match(wrong.body, {
    success: false,
    error: { code: 'INVALID_CREDENTIALS', message: 'Invalid email or password', details: {} },
  });
});
