// Watch-party event latency: the host sends `party.seek`, a member's socket receives the event (a row lock,
// the next seq, an update and a hub publish in between), one at a time, against a bare `ws` server relaying
// the same frames between two sockets in this process. With DATABASE_URL and REDIS_URL the member sits on a
// second instance, so the event crosses Redis pub/sub. Target: p99 ≤ 50 ms.
// Usage: BENCH_EVENTS=500 node bench/watch-party-latency.ts   (DATABASE_URL, REDIS_URL optional)
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { buildApp } from '../app.ts';
import { median, ownDatabase, pinSelf, report } from './lib.ts';

// A count of events, not run-all's seconds: each is one round trip.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 500);
const cluster = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
pinSelf();

const database = cluster ? await ownDatabase(process.env.DATABASE_URL!, `cinemate_bench_wp_${process.pid}`) : null;

async function start(extra: Record<string, string | undefined> = {}) {
  const app = await buildApp({
    env: {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: 'memory://',
      DATABASE_URL: database?.url,
      REDIS_URL: process.env.REDIS_URL,
      REDIS_KEY_PREFIX: `bench:${process.pid}:`,
      JWT_SECRET: 'bench-watch-party-secret-0123456789abcdef',
      RATE_LIMIT_GENERAL_MAX: '1000000',
      RATE_LIMIT_AUTH_MAX: '100000',
      // The host sends every seek on one socket, far past a client's message budget.
      WS_MAX_MESSAGES: '100000',
      JOBS_INLINE: 'false',
      OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
      ...extra,
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

async function post(url: string, token: string | null, body: object) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data: any };
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return json.data;
}

async function subscriber(base: string, name: string): Promise<string> {
  const email = `bench-${name}-${process.pid}-${Date.now()}@example.com`;
  const data = await post(`${base}/api/v1/auth/signup`, null, { name, email, password: 'BenchPass123', genres: [] });
  await post(`${base}/api/v1/subscriptions`, data.auth_token, {
    plan: 'premium',
    interval: 'month',
    payment_method: 'pm_card_visa',
  });
  return data.auth_token;
}

function socket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const until = (ws: WebSocket, match: (msg: any) => boolean) =>
  new Promise<void>((resolve) => {
    const on = (data: WebSocket.RawData) => {
      if (!match(JSON.parse(data.toString()))) return;
      ws.off('message', on);
      resolve();
    };
    ws.on('message', on);
  });

/** Sends each seek and waits for the member to receive it: latencies in ms. */
async function run(host: WebSocket, member: WebSocket, partyId: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const got = until(member, (m) => m.type === 'party.seek' && m.position === i);
    const t0 = performance.now();
    host.send(JSON.stringify({ type: 'party.seek', party_id: partyId, position: i }));
    await got;
    out.push(performance.now() - t0);
  }
  return out;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;

const a = await start();
const b = cluster ? await start() : a;
const [hostToken, memberToken] = [await subscriber(a.base, 'host'), await subscriber(a.base, 'member')];
const { party } = await post(`${a.base}/api/v1/watch-parties`, hostToken, { content_id: 'm238' });
await post(`${b.base}/api/v1/watch-parties/${party.invite_code}/join`, memberToken, {});
const wsUrl = (base: string, token: string) => `${base.replace('http', 'ws')}/api/v1/ws?token=${token}`;
const host = await socket(wsUrl(a.base, hostToken));
const member = await socket(wsUrl(b.base, memberToken));
for (const ws of [host, member]) {
  const state = until(ws, (m) => m.type === 'party.state');
  ws.send(JSON.stringify({ type: 'party.join', party_id: party.id }));
  await state;
}
await run(host, member, party.id); // warm-up
const app = await run(host, member, party.id);
host.close();
member.close();
await a.app.close();
if (b !== a) await b.app.close();
await database?.drop();

// Baseline: the same frames relayed by a bare ws server, with no rules, storage or hub.
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => wss.once('listening', resolve));
const peers: WebSocket[] = [];
wss.on('connection', (ws) => {
  peers.push(ws);
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const out = JSON.stringify({ ...msg, seq: 1, server_ts: Date.now() });
    for (const peer of peers) if (peer !== ws) peer.send(out);
  });
});
const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
const [bareHost, bareMember] = [await socket(url), await socket(url)];
await run(bareHost, bareMember, party.id);
const bare = await run(bareHost, bareMember, party.id);
bareHost.close();
bareMember.close();
wss.close();

const fmt = (xs: number[]) => `p50 ${median(xs).toFixed(2)} ms, p99 ${pct(xs, 0.99).toFixed(2)} ms`;
report({
  what: `watch party: host seek → member socket (${cluster ? 'two instances, PostgreSQL + Redis' : 'embedded, one instance'})`,
  app: fmt(app),
  baseline: `bare ws relay ${fmt(bare)}`,
  ratio: median(bare) / median(app),
  target: 'app p99 ≤ 50 ms',
  met: pct(app, 0.99) <= 50,
});
