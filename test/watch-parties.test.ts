// Watch parties over REST: creating needs what starting playback needs (subscription, maturity, a free
// stream); joining checks the member's own account and profile the same way and takes their own stream slot;
// only members read a party, only the host ends it, and ending frees every member's slot.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';

const app = await buildTestApp(t, { WATCH_PARTY_MAX_MEMBERS: '3' });
const req = (user: TestUser, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  call(app, { method, url: `/api/v1${url}`, headers: user.headers, payload });
const subscribe = async (user: TestUser, plan: string) => {
  const res = await req(user, 'POST', '/subscriptions', { plan, interval: 'month', payment_method: 'pm_card_visa' });
  if (res.status !== 201 && res.status !== 200) throw new Error(`subscribe failed ${res.status}`);
};
const subscribed = async (plan = 'premium') => {
  const user = await newUser(app);
  await subscribe(user, plan);
  return user;
};
const create = (user: TestUser, body: object = {}) =>
  req(user, 'POST', '/watch-parties', { content_id: 'm238', ...body });
const join = (user: TestUser, code: string, body: object = {}) =>
  req(user, 'POST', `/watch-parties/${code}/join`, body);
const start = (user: TestUser, id: string) =>
  req(user, 'POST', `/streaming/${id}/start`, { device_type: 'tv', quality: '720p' });

t.test('create: the host gets the party, an invite code and a playback session', async (t) => {
  const host = await subscribed();
  const res = await create(host, { position: 42.5, device_type: 'tv' });
  t.equal(res.status, 201);
  const { party, playback } = res.body.data;
  t.match(party, {
    id: String,
    invite_code: /^[A-Z2-9]{10}$/,
    status: 'active',
    content_id: 'm238',
    episode_id: null,
    host_user_id: host.id,
    seq: 0,
    position: 42.5,
    playing: false,
    rate: 1,
    members: [{ user_id: host.id, is_host: true }],
    chat: [],
  });
  t.type(party.server_ts, 'number');
  t.match(playback, { session_id: String, content_id: 'm238', quality: '1080p' });

  const read = await req(host, 'GET', `/watch-parties/${party.id}`);
  t.equal(read.status, 200);
  t.same(read.body.data.invite_code, party.invite_code);

  const series = await create(host, { content_id: 's1396' });
  t.equal(series.status, 201, 'a series starts at its first episode');
  t.type(series.body.data.party.episode_id, 'string');
});

t.test('create: the same refusals as starting playback, and a validated body', async (t) => {
  const broke = await newUser(app);
  const none = await create(broke);
  t.equal(none.status, 402);
  t.equal(none.body.error.code, 'SUBSCRIPTION_REQUIRED');

  const teen = await subscribed();
  await req(teen, 'POST', '/profile', { maturity_filter: 'teen' });
  const restricted = await create(teen);
  t.equal(restricted.status, 403);
  t.equal(restricted.body.error.code, 'CONTENT_RESTRICTED');

  const host = await subscribed();
  t.equal((await create(host, { content_id: 'm99999999' })).status, 404);
  t.equal((await create(host, { position: -1 })).status, 400);
  t.equal((await create(host, { host_user_id: broke.id })).status, 400, 'no extra fields');
  t.equal((await create(host, { content_id: 'm238', episode_id: 'ep-1' })).status, 400, 'a movie has no episodes');
  t.equal(
    (await call(app, { method: 'POST', url: '/api/v1/watch-parties', payload: { content_id: 'm238' } })).status,
    401,
  );
});

t.test('join: the member’s own entitlement, maturity and stream limit apply', async (t) => {
  const host = await subscribed();
  const { party } = (await create(host)).body.data;
  const code = party.invite_code;

  const broke = await newUser(app);
  const unpaid = await join(broke, code);
  t.equal(unpaid.status, 402, 'a member without a subscription is refused');
  t.equal(unpaid.body.error.code, 'SUBSCRIPTION_REQUIRED');

  const teen = await subscribed();
  await req(teen, 'POST', '/profile', { maturity_filter: 'teen' });
  const restricted = await join(teen, code);
  t.equal(restricted.status, 403, 'a member whose profile may not see the title is refused');
  t.equal(restricted.body.error.code, 'CONTENT_RESTRICTED');

  const busy = await subscribed('basic');
  t.equal((await start(busy, 'm155')).status, 201);
  const full = await join(busy, code);
  t.equal(full.status, 409, 'the member’s own plan limits their streams');
  t.equal(full.body.error.code, 'STREAM_LIMIT_REACHED');

  const friend = await subscribed('basic');
  const ok = await join(friend, code, { quality: '2160p' });
  t.equal(ok.status, 200);
  t.match(ok.body.data.playback, { session_id: String, content_id: 'm238', quality: '720p' });
  t.same(
    ok.body.data.party.members.map((m: { user_id: string }) => m.user_id),
    [host.id, friend.id],
  );
  t.equal((await start(friend, 'm155')).status, 409, 'the party takes the member’s one stream');
  const again = await join(friend, code);
  t.equal(again.status, 200, 'joining again replaces the session instead of taking a second slot');
  t.notSame(again.body.data.playback.session_id, ok.body.data.playback.session_id);

  t.equal((await req(friend, 'POST', '/watch-parties/ABCDEFGHJK/join', {})).status, 404);
  t.equal((await req(friend, 'POST', '/watch-parties/abc/join', {})).status, 400);
});

t.test('only members read a party; only the host ends it, which frees every slot', async (t) => {
  const host = await subscribed('basic');
  const { party } = (await create(host)).body.data;
  const member = await subscribed('basic');
  t.equal((await join(member, party.invite_code)).status, 200);

  const stranger = await subscribed();
  const peek = await req(stranger, 'GET', `/watch-parties/${party.id}`);
  t.equal(peek.status, 404, 'not a member: not found');
  t.equal((await req(stranger, 'DELETE', `/watch-parties/${party.id}`)).status, 404);
  t.equal((await req(member, 'GET', `/watch-parties/${party.id}`)).status, 200);
  const notHost = await req(member, 'DELETE', `/watch-parties/${party.id}`);
  t.equal(notHost.status, 403);
  t.equal(notHost.body.error.code, 'FORBIDDEN');
  t.equal((await req(host, 'GET', '/watch-parties/not-a-uuid')).status, 400);

  t.equal((await start(host, 'm155')).status, 409, 'the host’s one stream is the party');
  const end = await req(host, 'DELETE', `/watch-parties/${party.id}`);
  t.equal(end.status, 200);
  t.equal((await req(host, 'GET', `/watch-parties/${party.id}`)).body.data.status, 'ended');
  t.equal((await req(host, 'DELETE', `/watch-parties/${party.id}`)).status, 404, 'ending twice');
  t.equal((await join(stranger, party.invite_code)).status, 404, 'an ended party cannot be joined');
  t.equal((await start(host, 'm155')).status, 201, 'the host’s slot is free again');
  t.equal((await start(member, 'm155')).status, 201, 'and so is the member’s');
});

t.test('a full party refuses newcomers, not members joining again', async (t) => {
  const host = await subscribed();
  const { party } = (await create(host)).body.data;
  const [one, two, three] = [await subscribed(), await subscribed(), await subscribed()];
  t.equal((await join(one, party.invite_code)).status, 200);
  t.equal((await join(two, party.invite_code)).status, 200);
  const full = await join(three, party.invite_code);
  t.equal(full.status, 409, 'WATCH_PARTY_MAX_MEMBERS counts the host');
  t.equal(full.body.error.code, 'CONFLICT');
  t.same(full.body.error.details, { max_members: 3 });
  t.equal((await join(two, party.invite_code)).status, 200, 'a member joining again is not a newcomer');
  t.equal((await start(three, 'm155')).status, 201, 'a refused join took no stream slot');
});
