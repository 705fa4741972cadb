// OWASP API5 (broken function-level authorization): every admin route, read from the live OpenAPI
// document, answers 401 to an anonymous caller and 403 to a user, while an admin gets through the guard;
// path spellings (case, ./, trailing and double slashes, encoded slashes) and method-override headers
// never reach an admin handler for a user.
import http from 'node:http';
import t from 'tap';
import { addMovie } from '../helpers/titles.ts';
import { signup, startServer } from './support.ts';

const server = await startServer(t);
const { req } = server;
const admin = await signup(server, true);
const user = await signup(server);
const movie = await addMovie(server.app);

const UUID = '00000000-0000-4000-8000-000000000000';
const fill = (path: string) =>
  path
    .replace(/\{id\}/g, path.includes('/notifications') ? UUID : movie.id)
    .replace(/\{(season_number|episode_number)\}/g, '1')
    .replace(/\{[^}]+\}/g, UUID);

const doc = server.app.swagger() as { paths: Record<string, Record<string, unknown>> };
const adminRoutes = Object.entries(doc.paths)
  .filter(([path]) => path.startsWith('/api/v1/admin'))
  .flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path: fill(path) })),
  );

// A request with the path exactly as written (fetch would normalize ./ and //).
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const { port } = new URL(server.base);
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

t.test('every admin route: admin passes the guard, a user gets 403, anonymous 401', async (t) => {
  t.ok(adminRoutes.length >= 10, `${adminRoutes.length} admin operations found`);
  for (const { method, path } of adminRoutes) {
    const json = method === 'GET' || method === 'DELETE' ? undefined : {};
    const asAdmin = await req(method, path, { token: admin.token, json });
    t.notOk([401, 403].includes(asAdmin.status), `admin ${method} ${path}: ${asAdmin.status}`);
    const asUser = await req(method, path, { token: user.token, json });
    t.equal(asUser.status, 403, `user ${method} ${path}`);
    t.equal(asUser.body.error.code, 'FORBIDDEN');
    const anonymous = await req(method, path, { json });
    t.equal(anonymous.status, 401, `anonymous ${method} ${path}`);
    t.equal(anonymous.body.error.code, 'UNAUTHORIZED');
  }
});

t.test('path spellings never reach an admin handler for a user', async (t) => {
  const auth = { authorization: `Bearer ${user.token}` };
  const adminAuth = { authorization: `Bearer ${admin.token}` };
  t.equal((await raw('GET', '/api/v1/admin/content', adminAuth)).status, 200, 'the admin lists content');
  const variants: Array<[string, number]> = [
    ['/api/v1/admin/content', 403],
    ['/api/v1/admin/content/', 403],
    ['/api/v1/admin/content?x=1', 403],
    ['/API/V1/ADMIN/CONTENT', 404],
    ['/api/v1/Admin/content', 404],
    ['//api/v1/admin/content', 404],
    ['/api/v1//admin/content', 404],
    ['/api/v1/./admin/content', 404],
    ['/api/v1/x/../admin/content', 404],
    ['/api/v1/admin%2Fcontent', 404],
    // Percent-decoding yields the admin route itself, so its guard answers.
    ['/api/v1/%61dmin/content', 403],
    ['/api/v1/admin/content%2F', 404],
    ['/api/v1/admin/content;x=1', 404],
  ];
  for (const [path, status] of variants) {
    const res = await raw('GET', path, auth);
    t.equal(res.status, status, path);
    t.equal(res.body.success, false, `${path}: no data`);
  }
  const metrics = await raw('GET', '/api/v1/admin/metrics', auth);
  t.equal(metrics.status, 403, 'admin metrics');
});

t.test('method-override headers are ignored', async (t) => {
  const created = await req('POST', '/api/v1/admin/content', {
    token: admin.token,
    json: { type: 'movie', title: 'Override target', certification: 'PG' },
  });
  t.equal(created.status, 201);
  const id = created.body.data.content.id;
  for (const header of ['x-http-method-override', 'x-http-method', 'x-method-override']) {
    // A user's GET of a public title, asking to be treated as the admin DELETE.
    const disguised = await raw('GET', `/api/v1/content/${id}`, {
      authorization: `Bearer ${user.token}`,
      [header]: 'DELETE',
    });
    t.equal(disguised.status, 200, `${header}: served as the GET it is`);
    // Even the admin's own POST is not turned into a DELETE (there is no POST route there: 404).
    const onAdmin = await raw(
      'POST',
      `/api/v1/admin/content/${id}`,
      { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json', [header]: 'DELETE' },
      '{}',
    );
    t.equal(onAdmin.status, 404, `${header} on an admin path`);
  }
  const still = await req('GET', `/api/v1/admin/content/${id}`, { token: admin.token });
  t.equal(still.status, 200, 'the title was not deleted');
});

t.test('a demoted admin loses access at once, with the same token', async (t) => {
  const former = await signup(server, true);
  t.equal((await req('GET', '/api/v1/admin/content', { token: former.token })).status, 200);
  await server.app.em().execute(`update users set role = 'user' where id = ?`, [former.id]);
  const res = await req('GET', '/api/v1/admin/content', { token: former.token });
  t.equal(res.status, 403);
  t.equal(res.body.error.code, 'FORBIDDEN');
});
