// Watch parties on the WebSocket with three real clients. On PostgreSQL + Redis the clients sit on two app
// instances sharing one database and one Redis prefix, and events emitted by both instances reach every
// member in one order; on the embedded default one instance serves them all. Covers ordered delivery, the
// drift-correction fields, the late joiner's state, non-members refused, the chat flood limit, host-only
// controls (transfer, kick) and the party ending once the host is gone longer than the grace period.
import t from 'tap';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, usingPostgres, usingRedis } from './helpers/app.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';

const GRACE_MS = 1500;
const cluster = usingPostgres && usingRedis;
const env = {
  JWT_SECRET: 'watch-party-test-secret-0123456789abcdef',
  WATCH_PARTY_HOST_GRACE_MS: String(GRACE_MS),
  WATCH_PARTY_CHAT_MAX: '3',
  WATCH_PARTY_CHAT_WINDOW_MS: '60000',
  ...(cluster
    ? {
        REDIS_URL: process.env.REDIS_URL,
        REDIS_KEY_PREFIX: `t:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`,
      }
    : {}),
};
const a = await buildTestApp(t, env);
// B opens A's database and A's Redis prefix: one deployment of two instances.
const b = cluster ? await buildTestApp(t, { ...env, DATABASE_URL: a.config.DATABASE_URL }) : a;
t.comment(cluster ? 'two instances over PostgreSQL + Redis' : 'one instance, embedded database, in-process hub');
const urls = new Map<FastifyInstance, string>();
for (const app of new Set([a, b])) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  urls.set(app, `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/ws`);
}

interface Client {
  ws: WebSocket;
  /** Every party event (messages with a seq) received, in arrival order. */
  events: any[];
  next(type: string): Promise<any>;
  send(msg: object): void;
}

function open(app: FastifyInstance, user: TestUser): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${urls.get(app)}?token=${user.token}`);
    const queue: any[] = [];
    const events: any[] = [];
    const waiters: Array<{ type: string; resolve: (m: any) => void }> = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (typeof msg.seq === 'number' && msg.type.startsWith('party.')) events.push(msg);
      const i = waiters.findIndex((w) => w.type === msg.type);
      if (i >= 0) waiters.splice(i, 1)[0].resolve(msg);
      else queue.push(msg);
    });
    const next = (type: string) => {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
      return new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no ${type} within 8 s`)), 8000);
        waiters.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            res(m);
          },
        });
      });
    };
    const client: Client = { ws, events, next, send: (msg) => ws.send(JSON.stringify(msg)) };
    ws.on('open', async () => {
      await next('hello');
      resolve(client);
    });
    ws.on('error', reject);
  });
}

const subscribed = async (plan = 'premium') => {
  const user = await newUser(a);
  const res = await call(a, {
    method: 'POST',
    url: '/api/v1/subscriptions',
    headers: user.headers,
    payload: { plan, interval: 'month', payment_method: 'pm_card_visa' },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`subscribe failed ${res.status}`);
  return user;
};
const create = async (host: TestUser) => {
  const res = await call(a, {
    method: 'POST',
    url: '/api/v1/watch-parties',
    headers: host.headers,
    payload: { content_id: 'm238' },
  });
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.party as { id: string; invite_code: string };
};
const join = (app: FastifyInstance, user: TestUser, code: string) =>
  call(app, { method: 'POST', url: `/api/v1/watch-parties/${code}/join`, headers: user.headers, payload: {} });
/** Opens a socket and enters the party's room; resolves with the state it is given first. */
const enter = async (app: FastifyInstance, user: TestUser, partyId: string) => {
  const client = await open(app, user);
  client.send({ type: 'party.join', party_id: partyId });
  const state = await client.next('party.state');
  return { client, state: state.state };
};
const waitFor = async (client: Client, predicate: (m: any) => boolean) => {
  for (let i = 0; i < 160; i++) {
    if (client.events.some(predicate)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('event never arrived');
};

t.test(
  'events reach every member in one order, with the fields that correct drift; a late joiner gets the state',
  async (t) => {
    const [host, first, late] = await Promise.all([subscribed(), subscribed(), subscribed()]);
    const party = await create(host);
    const { client: h, state: hostState } = await enter(a, host, party.id);
    t.match(hostState, { id: party.id, host_user_id: host.id, playing: false, position: 0, rate: 1 });
    t.equal((await join(b, first, party.invite_code)).status, 200);
    t.equal((await join(a, late, party.invite_code)).status, 200);
    const { client: m } = await enter(b, first, party.id);
    const joined = await h.next('party.join');
    t.match(joined, { party_id: party.id, user_id: first.id, seq: Number, server_ts: Number });

    // The host moves the clock through instance A while the member chats through instance B.
    const before = Date.now();
    h.send({ type: 'party.play', party_id: party.id, position: 10 });
    h.send({ type: 'party.seek', party_id: party.id, position: 100 });
    for (const text of ['one', 'two']) m.send({ type: 'party.chat', party_id: party.id, text });
    h.send({ type: 'party.rate', party_id: party.id, position: 101, rate: 1.5 });
    m.send({ type: 'party.react', party_id: party.id, emoji: '🍿', position: 101 });
    h.send({ type: 'party.pause', party_id: party.id, position: 105 });
    const last = (e: any) => e.type === 'party.pause';
    const lastReact = (e: any) => e.type === 'party.react';
    for (const c of [h, m]) {
      await waitFor(c, last);
      await waitFor(c, lastReact);
      await waitFor(c, (e) => e.type === 'party.chat' && e.text === 'two');
    }
    const after = Date.now();
    const tail = (c: Client) => c.events.filter((e) => e.seq > joined.seq).map((e) => `${e.seq}:${e.type}`);
    t.equal(tail(h).length, 7, 'seven events after the join');
    t.same(tail(m), tail(h), 'both members saw the same events in the same order');
    const seqs = h.events.map((e) => e.seq);
    t.same(
      seqs,
      [...seqs].sort((x, y) => x - y),
      'seq strictly increases',
    );
    t.equal(new Set(seqs).size, seqs.length, 'no seq twice');

    const play = m.events.find((e) => e.type === 'party.play');
    t.match(play, { by: host.id, position: 10, playing: true, rate: 1 });
    t.ok(play.server_ts >= before - 5 && play.server_ts <= after + 5, 'server_ts is the server clock at the event');
    t.match(
      m.events.find((e) => e.type === 'party.rate'),
      { position: 101, rate: 1.5, playing: true },
    );
    t.match(
      m.events.find((e) => e.type === 'party.pause'),
      { position: 105, rate: 1.5, playing: false },
    );
    t.match(
      m.events.find((e) => e.type === 'party.chat' && e.text === 'one'),
      { user_id: first.id, position: null },
    );

    // The late joiner, on the other instance than the first member, starts from the whole current state.
    const { client: l, state } = await enter(a, late, party.id);
    const pause = h.events.find(last);
    t.match(state, { position: 105, playing: false, rate: 1.5, server_ts: pause.server_ts });
    t.ok(state.seq > pause.seq, 'the state includes the late joiner’s own arrival');
    t.same(
      state.chat.map((c: { text: string }) => c.text),
      ['one', 'two'],
    );
    t.same(state.members.map((x: { user_id: string }) => x.user_id).sort(), [host.id, first.id, late.id].sort());
    h.send({ type: 'party.play', party_id: party.id, position: 105 });
    await waitFor(l, (e) => e.type === 'party.play');
    t.ok(
      l.events.every((e) => e.seq > state.seq),
      'after its state, a socket gets only newer events',
    );

    // Only the host moves the clock; a request for the state answers the asker alone.
    m.send({ type: 'party.seek', party_id: party.id, position: 0 });
    t.match(await m.next('party.error'), { code: 'FORBIDDEN', request_type: 'party.seek', party_id: party.id });
    m.send({ type: 'party.state', party_id: party.id });
    t.match((await m.next('party.state')).state, { playing: true, position: 105 });
    for (const c of [h, m, l]) c.ws.close();
  },
);

t.test('non-members and invalid messages are refused without closing the socket', async (t) => {
  const host = await subscribed();
  const party = await create(host);
  const { client: h } = await enter(a, host, party.id);
  const unpaid = await newUser(a);
  t.equal((await join(b, unpaid, party.invite_code)).status, 402, 'no entitlement: the join is refused');
  const s = await open(b, unpaid);
  s.send({ type: 'party.join', party_id: party.id });
  t.match(await s.next('party.error'), { code: 'NOT_FOUND', request_type: 'party.join' });
  s.send({ type: 'party.chat', party_id: party.id, text: 'let me in' });
  t.match(await s.next('party.error'), { code: 'NOT_FOUND', request_type: 'party.chat' });
  s.send({ type: 'party.state', party_id: party.id });
  t.match(await s.next('party.error'), { code: 'NOT_FOUND' });

  h.send({ type: 'party.chat', party_id: party.id, text: 'x'.repeat(501) });
  t.match(await h.next('party.error'), { code: 'INVALID_REQUEST', request_type: 'party.chat' });
  h.send({ type: 'party.seek', party_id: party.id, position: -5 });
  t.match(await h.next('party.error'), { code: 'INVALID_REQUEST' });
  h.send({ type: 'party.play', party_id: 'not-a-uuid', position: 1 });
  t.match(await h.next('party.error'), { code: 'INVALID_REQUEST' });
  h.send({ type: 'party.dance', party_id: party.id });
  t.match(await h.next('party.error'), { code: 'INVALID_REQUEST', request_type: 'party.dance' });
  h.send({ type: 'ping' });
  await h.next('pong');
  t.notOk(
    h.events.some((e) => e.type === 'party.chat' || e.type === 'party.seek'),
    'nothing refused was broadcast',
  );
  for (const c of [h, s]) c.ws.close();
});

t.test('a chat flood is limited per member with an error message, not a disconnect', async (t) => {
  const [host, member] = await Promise.all([subscribed(), subscribed()]);
  const party = await create(host);
  const { client: h } = await enter(a, host, party.id);
  t.equal((await join(b, member, party.invite_code)).status, 200);
  const { client: m } = await enter(b, member, party.id);
  for (let i = 0; i < 6; i++) m.send({ type: 'party.chat', party_id: party.id, text: `spam ${i}` });
  const refusals = [await m.next('party.error'), await m.next('party.error'), await m.next('party.error')];
  for (const r of refusals) t.match(r, { code: 'RATE_LIMITED', request_type: 'party.chat' });
  await waitFor(h, (e) => e.type === 'party.chat');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(h.events.filter((e) => e.type === 'party.chat').length, 3, 'WATCH_PARTY_CHAT_MAX lines got through');
  m.send({ type: 'party.react', party_id: party.id, emoji: '😂' });
  t.match(await m.next('party.error'), { code: 'RATE_LIMITED', request_type: 'party.react' }, 'reactions share it');
  h.send({ type: 'party.chat', party_id: party.id, text: 'the host still may' });
  await waitFor(m, (e) => e.type === 'party.chat' && e.user_id === host.id);
  t.equal(m.ws.readyState, WebSocket.OPEN, 'the flooding socket stays open');
  for (const c of [h, m]) c.ws.close();
});

t.test('the host hands over control and removes a member', async (t) => {
  const [host, heir, guest] = await Promise.all([subscribed(), subscribed(), subscribed()]);
  const party = await create(host);
  const { client: h } = await enter(a, host, party.id);
  for (const u of [heir, guest]) t.equal((await join(b, u, party.invite_code)).status, 200);
  const { client: n } = await enter(b, heir, party.id);
  const { client: g } = await enter(a, guest, party.id);

  g.send({ type: 'party.kick', party_id: party.id, user_id: heir.id });
  t.match(await g.next('party.error'), { code: 'FORBIDDEN' }, 'members cannot kick');
  h.send({ type: 'party.kick', party_id: party.id, user_id: guest.id });
  t.match(await g.next('party.kick'), { user_id: guest.id, by: host.id });
  await waitFor(n, (e) => e.type === 'party.kick');
  const rejoin = await join(a, guest, party.invite_code);
  t.equal(rejoin.status, 403, 'a removed member cannot come back');
  g.send({ type: 'party.join', party_id: party.id });
  t.match(await g.next('party.error'), { code: 'NOT_FOUND' });

  h.send({ type: 'party.transfer', party_id: party.id, user_id: heir.id });
  t.match(await n.next('party.transfer'), { host_user_id: heir.id, by: host.id });
  n.send({ type: 'party.seek', party_id: party.id, position: 33 });
  t.match(await h.next('party.seek'), { by: heir.id, position: 33 });
  h.send({ type: 'party.play', party_id: party.id, position: 1 });
  t.match(await h.next('party.error'), { code: 'FORBIDDEN' }, 'the former host no longer controls playback');
  for (const c of [h, n, g]) c.ws.close();
});

t.test('the party ends when the host is gone longer than the grace period', async (t) => {
  const [host, member] = await Promise.all([subscribed(), subscribed('basic')]);
  const party = await create(host);
  const { client: h } = await enter(a, host, party.id);
  t.equal((await join(b, member, party.invite_code)).status, 200);
  const { client: m } = await enter(b, member, party.id);

  // Back within the grace period: the party goes on.
  h.ws.close();
  t.match(await m.next('party.leave'), { user_id: host.id, reason: 'disconnected' });
  const { client: back } = await enter(a, host, party.id);
  await new Promise((r) => setTimeout(r, GRACE_MS + 800));
  t.notOk(
    m.events.some((e) => e.type === 'party.ended'),
    'a host who came back in time keeps the party',
  );

  back.ws.close();
  const leftAt = Date.now();
  const ended = await m.next('party.ended');
  t.match(ended, { party_id: party.id, reason: 'host_gone' });
  t.ok(Date.now() - leftAt >= GRACE_MS - 50, 'not before the grace period');
  const read = await call(b, { method: 'GET', url: `/api/v1/watch-parties/${party.id}`, headers: member.headers });
  t.match(read.body.data, { status: 'ended', chat: [] });
  const slot = await call(b, {
    method: 'POST',
    url: '/api/v1/streaming/m155/start',
    headers: member.headers,
    payload: { device_type: 'tv', quality: '720p' },
  });
  t.equal(slot.status, 201, 'the member’s stream slot is free once the party ended');
  m.send({ type: 'party.chat', party_id: party.id, text: 'anyone?' });
  t.match(await m.next('party.error'), { code: 'NOT_FOUND' });
  m.ws.close();
});

t.test('events that cross on the way (two publishers) are delivered in seq order', async (t) => {
  const host = await subscribed();
  const party = await create(host);
  const { client: h, state } = await enter(a, host, party.id);
  // The state already counts the host's own arrival: the next event takes state.seq + 1.
  const seq = state.seq as number;
  // What two instances publishing right after their own commits may produce: seq+2 before seq+1.
  const event = (n: number) =>
    JSON.stringify({
      type: 'party.react',
      party_id: party.id,
      seq: n,
      server_ts: Date.now(),
      user_id: host.id,
      emoji: String(n),
      position: null,
    });
  const channel = `wp:${party.id}`;
  await b.realtime.publish(channel, event(seq + 2));
  await a.realtime.publish(channel, event(seq + 1));
  await waitFor(h, (e) => e.seq === seq + 2);
  t.same(
    h.events.filter((e) => e.seq > seq).map((e) => e.seq),
    [seq + 1, seq + 2],
  );
  await a.realtime.publish(channel, event(seq + 1));
  // A seq that never comes (its publisher died after committing) holds the next one back for a second only.
  const held = Date.now();
  await a.realtime.publish(channel, event(seq + 4));
  await waitFor(h, (e) => e.seq === seq + 4);
  t.ok(Date.now() - held >= 900, 'waited for the missing seq');
  t.same(
    h.events.filter((e) => e.seq > seq).map((e) => e.seq),
    [seq + 1, seq + 2, seq + 4],
    'a repeated seq is dropped; the gap is skipped',
  );
  h.ws.close();
});
