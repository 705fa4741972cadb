// The AsyncAPI document of /api/v1/ws: committed up to date, served next to the OpenAPI one, valid against the
// AsyncAPI 3.1 schema, and true to the wire: every message a real socket receives matches its payload schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import t from 'tap';
import WebSocket from 'ws';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { asyncApi, asyncApiDocument } from '../services/asyncapi.ts';
import { createNotification } from '../services/notifications/store.ts';

const app = await buildTestApp(t);
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
const doc = asyncApi(app.config.APP_VERSION);

t.test('asyncapi.json is up to date', async (t) => {
  const committed = readFileSync(new URL('../asyncapi.json', import.meta.url), 'utf8');
  t.ok(committed === asyncApiDocument(app.config.APP_VERSION), 'asyncapi.json is stale: run `npm run asyncapi`');
});

t.test('served at /api/docs/asyncapi.json', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/docs/asyncapi.json' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), doc);
});

t.test('valid against the AsyncAPI 3.1 schema', async (t) => {
  // @asyncapi/specs comes with @stoplight/spectral-cli (the spectral:asyncapi ruleset validates with it).
  const specs = createRequire(import.meta.url)('@asyncapi/specs') as { schemasWithoutId: Record<string, object> };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  const validate = ajv.compile(specs.schemasWithoutId['3.1.0']);
  t.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5)));
  const broken = structuredClone(doc) as unknown as { operations: Record<string, { action: string }> };
  broken.operations.sendHello.action = 'publish';
  t.notOk(validate(broken), 'the schema rejects an AsyncAPI 2 style action');
});

t.test('every server message on a real socket matches its schema', async (t) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const [name, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema, name);
  const user = await newUser(app);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws?token=${user.token}`);
  const seen = new Map<string, unknown>();
  const waiters = new Map<string, () => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { type: string };
    seen.set(msg.type, msg);
    waiters.get(msg.type)?.();
  });
  const next = (type: string) =>
    seen.has(type) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(type, resolve));

  await next('hello');
  const created = await createNotification({ em: app.em(), realtime: app.realtime }, user.id, {
    type: 'system_update',
    title: 'Maintenance',
    message: 'Tonight',
  });
  await next('notification');
  await call(app, {
    method: 'POST',
    url: '/api/v1/profile/notifications/read',
    headers: user.headers,
    payload: { notification_id: created!.id },
  });
  await next('unread_count');
  ws.send(JSON.stringify({ type: 'ping' }));
  await next('pong');
  ws.send(JSON.stringify({ type: 'auth', token: user.token }));
  await next('reauthenticated');

  // A watch party run through every party message: the user hosts, a friend joins, leaves, is kicked.
  const subscribe = (u: typeof user) =>
    call(app, {
      method: 'POST',
      url: '/api/v1/subscriptions',
      headers: u.headers,
      payload: { plan: 'premium', interval: 'month', payment_method: 'pm_card_visa' },
    });
  const [friend, guest] = [await newUser(app), await newUser(app)];
  for (const u of [user, friend, guest]) await subscribe(u);
  const hosted = await call(app, {
    method: 'POST',
    url: '/api/v1/watch-parties',
    headers: user.headers,
    payload: { content_id: 'm238' },
  });
  const { id: party_id, invite_code } = hosted.body.data.party;
  for (const u of [friend, guest])
    await call(app, {
      method: 'POST',
      url: `/api/v1/watch-parties/${invite_code}/join`,
      headers: u.headers,
      payload: {},
    });
  const party = (msg: object) => ws.send(JSON.stringify({ party_id, ...msg }));
  party({ type: 'party.join' });
  await next('party.state');
  const other = (u: typeof user) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws?token=${u.token}`);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'party.join', party_id })));
    return socket;
  };
  const friendWs = other(friend);
  await next('party.join');
  party({ type: 'party.play', position: 1 });
  await next('party.play');
  party({ type: 'party.pause', position: 2 });
  await next('party.pause');
  party({ type: 'party.seek', position: 30 });
  await next('party.seek');
  party({ type: 'party.rate', position: 30, rate: 2 });
  await next('party.rate');
  party({ type: 'party.chat', text: 'hello', position: 31 });
  await next('party.chat');
  party({ type: 'party.react', emoji: '👏' });
  await next('party.react');
  party({ type: 'party.kick', user_id: guest.id });
  await next('party.kick');
  friendWs.close();
  await next('party.leave');
  party({ type: 'party.transfer', user_id: friend.id });
  await next('party.transfer');
  party({ type: 'party.seek', position: 0 });
  await next('party.error');
  party({ type: 'party.state' });
  await call(app, { method: 'DELETE', url: `/api/v1/watch-parties/${party_id}`, headers: friend.headers });
  await next('party.ended');
  ws.close();

  const sent = Object.values(doc.operations).filter((op) => op.action === 'send');
  t.equal(seen.size, sent.length, 'each message the document says the server sends was received');
  for (const [type, msg] of seen) {
    const key = Object.keys(doc.components.messages).find(
      (k) => doc.components.messages[k as keyof typeof doc.components.messages].name === type,
    );
    t.ok(key, `${type} is documented`);
    const validate = ajv.getSchema(key!)!;
    t.ok(validate(msg), `${type} matches its schema: ${JSON.stringify(validate.errors)}`);
  }
});

t.test('every documented client message is accepted by the server', async (t) => {
  const user = await newUser(app);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws`);
  const replies: string[] = [];
  const done = new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      replies.push((JSON.parse(data.toString()) as { type: string }).type);
      if (replies.includes('hello') && replies.includes('pong')) resolve();
    }),
  );
  await new Promise((resolve) => ws.on('open', resolve));
  const received = Object.values(doc.operations).filter((op) => op.action === 'receive');
  t.same(
    received
      .filter((op) => !op.messages[0].$ref.endsWith('Command'))
      .map((op) => op.title)
      .sort(),
    ['Authenticate', 'Ping'],
  );
  // The party commands are each sent on a real socket by the test above.
  t.equal(received.filter((op) => op.messages[0].$ref.endsWith('Command')).length, 11);
  ws.send(JSON.stringify({ type: 'auth', token: user.token }));
  ws.send(JSON.stringify({ type: 'ping' }));
  await done;
  ws.close();
  t.ok(replies.includes('hello') && replies.includes('pong'));
});
