// OWASP API7 (server-side request forgery): the URLs the API stores (avatars, posters, backdrops,
// homepages) are data, never fetched by the server; internal addresses and non-HTTPS schemes are refused
// where the schema says HTTPS. A listener on 127.0.0.1 counts any connection the API would make to it.
import net from 'node:net';
import t from 'tap';
import { signup, startServer } from './support.ts';

let connections = 0;
const trap = net.createServer((socket) => {
  connections += 1;
  socket.destroy();
});
await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise((resolve) => trap.close(resolve)));
const trapPort = (trap.address() as net.AddressInfo).port;

const server = await startServer(t);
const { req } = server;
const user = await signup(server);
const admin = await signup(server, true);

t.test('stored URLs are never fetched', async (t) => {
  // The trap works: a connection to it is counted.
  await new Promise<void>((resolve) =>
    net
      .connect(trapPort, '127.0.0.1')
      .on('close', () => resolve())
      .on('error', () => resolve()),
  );
  t.equal(connections, 1);
  connections = 0;

  const internal = `https://127.0.0.1:${trapPort}/latest/meta-data`;
  const profile = await req('POST', '/api/v1/profiles', {
    token: user.token,
    json: { name: 'Ssrf', avatar_url: internal },
  });
  t.equal(profile.status, 201);
  const listed = await req('GET', '/api/v1/profiles', { token: user.token });
  t.ok(
    listed.body.data.profiles.some((p: { avatar_url: string }) => p.avatar_url === internal),
    'stored as given',
  );
  const title = await req('POST', '/api/v1/admin/content', {
    token: admin.token,
    json: {
      type: 'movie',
      title: 'Ssrf',
      certification: 'PG',
      poster_url: internal,
      backdrop_url: internal,
      homepage: `http://127.0.0.1:${trapPort}/admin`,
    },
  });
  t.equal(title.status, 201);
  const id = title.body.data.content.id;
  t.equal((await req('GET', `/api/v1/content/${id}`, { token: user.token })).status, 200);
  t.equal((await req('GET', `/api/v1/admin/content/${id}`, { token: admin.token })).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(connections, 0, 'the API made no connection to any stored URL');
});

t.test('schemes other than https are refused where the schema says so', async (t) => {
  for (const avatar of [
    'http://169.254.169.254/latest',
    'file:///etc/passwd',
    'gopher://127.0.0.1:6379/_FLUSHALL',
    'javascript:alert(1)',
  ]) {
    const res = await req('POST', '/api/v1/profiles', { token: user.token, json: { name: 'Bad', avatar_url: avatar } });
    t.equal(res.status, 400, avatar);
    t.equal(res.body.error.code, 'INVALID_REQUEST');
  }
  const poster = await req('POST', '/api/v1/admin/content', {
    token: admin.token,
    json: { type: 'movie', title: 'Bad poster', certification: 'PG', poster_url: 'file:///etc/passwd' },
  });
  t.equal(poster.status, 400);
});
