// OWASP API2 (broken authentication), the JWT part (RFC 8725): forged, re-signed, tampered, expired and
// not-yet-valid tokens, wrong issuer or audience, header injection, token-type confusion, and tokens
// after logout, remote sign-out, password change and password reset; refresh-token reuse and races.
import { createHmac } from 'node:crypto';
import t from 'tap';
import WebSocket from 'ws';
import { startSmtpServer } from '../support/smtp.ts';
import { signup, startServer } from './support.ts';
import { tampered } from '../support/tamper.ts';

const SECRET = 'jwt-secret-for-the-attack-suite-0123456789abcdef';
const smtp = await startSmtpServer();
t.teardown(() => smtp.close());
const server = await startServer(t, {
  JWT_SECRET: SECRET,
  JWT_ISSUER: 'cinemate',
  JWT_AUDIENCE: 'cinemate-api',
  SMTP_URL: smtp.url,
});
const { req } = server;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
function sign(header: Record<string, unknown>, payload: Record<string, unknown>, key = SECRET, alg = 'sha256') {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac(alg, key).update(head).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);

const refused = async (
  t: Pick<typeof import('tap').default, 'equal'>,
  token: string,
  what: string,
  code = 'UNAUTHORIZED',
) => {
  const res = await req('GET', '/api/v1/profile', { token });
  t.equal(res.status, 401, what);
  t.equal(res.body.error?.code, code, what);
};

/** The HTTP status of a WebSocket upgrade to /api/v1/ws with the token in the query (101: opened). */
const upgrade = (token: string) =>
  new Promise<number>((resolve) => {
    const socket = new WebSocket(`${server.base.replace('http', 'ws')}/api/v1/ws?token=${token}`);
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.terminate();
    });
    socket.on('error', () => {});
  });
/** The reset code mailed to the address (earlier mails to others are skipped). */
async function codeFor(email: string): Promise<string | undefined> {
  for (;;) {
    const mail = await smtp.next();
    if (mail.to.includes(email)) return /code is (\d{6})/.exec(mail.raw.replace(/=\r?\n/g, ''))?.[1];
  }
}

const victim = await signup(server);
const claims = decode(victim.token);
const valid = () => ({ ...claims, iat: now(), exp: now() + 600 });

t.test('forged tokens', async (t) => {
  // The forging is right: a token signed here with the server's key and real claims is accepted...
  const good = sign({ alg: 'HS256', typ: 'JWT' }, valid());
  t.equal((await req('GET', '/api/v1/profile', { token: good })).status, 200);
  // ...so each refusal below is for the one thing changed.
  const head = good.split('.').slice(0, 2).join('.');
  await refused(t, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(valid())}.`, 'alg none');
  for (const alg of ['None', 'NONE', 'nOnE', 'hs256', ''])
    await refused(t, sign({ alg, typ: 'JWT' }, valid()), `alg ${JSON.stringify(alg)} signed with the secret`);
  await refused(t, `${b64({ alg: 'none' })}.${b64(valid())}.${good.split('.')[2]}`, 'alg none with a signature');
  await refused(t, sign({ alg: 'HS512', typ: 'JWT' }, valid(), SECRET, 'sha512'), 'another HMAC algorithm');
  await refused(t, sign({ alg: 'RS256', typ: 'JWT' }, valid()), 'RS256 header, HMAC with the secret (HS/RS confusion)');
  await refused(t, sign({ alg: 'HS256', typ: 'JWT' }, valid(), 'another-key-another-key-another-key!'), 'wrong key');
  await refused(
    t,
    `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...valid(), role: 'admin' })}.${good.split('.')[2]}`,
    'tampered claims',
  );
  await refused(t, `${head}.${tampered(good.split('.')[2])}`, 'tampered signature');
  await refused(t, `${head}.`, 'no signature');
  await refused(
    t,
    sign({ alg: 'HS256' }, { ...valid(), iat: now() - 1200, exp: now() - 600 }),
    'expired',
    'TOKEN_EXPIRED',
  );
  await refused(t, sign({ alg: 'HS256' }, { ...valid(), nbf: now() + 3600 }), 'nbf in the future');
  await refused(t, sign({ alg: 'HS256' }, { ...valid(), iss: 'evil' }), 'wrong issuer');
  await refused(t, sign({ alg: 'HS256' }, { ...valid(), aud: 'other-api' }), 'wrong audience');
  const { exp: _exp, ...noExp } = valid();
  await refused(t, sign({ alg: 'HS256' }, noExp), 'no expiry');
  for (const header of [
    { alg: 'HS256', kid: '../../../../dev/null' },
    { alg: 'HS256', jku: 'https://evil.example/jwks.json' },
    { alg: 'HS256', x5u: 'https://evil.example/cert.pem' },
    { alg: 'HS256', jwk: { kty: 'oct', k: Buffer.from('attacker').toString('base64url') } },
  ]) {
    await refused(t, sign(header, valid(), 'attacker'), `key injection: ${Object.keys(header)[1]}`);
  }
  t.equal((await req('GET', '/api/v1/profile', { headers: { authorization: `Basic ${victim.token}` } })).status, 401);
});

t.test('token-type confusion', async (t) => {
  const forgot = await req('POST', '/api/v1/auth/forgot-password', { json: { email: victim.email } });
  t.equal(forgot.status, 200);
  const resetToken = forgot.body.data.reset_token;
  await refused(t, resetToken, 'a reset token as an access token');
  const wrongOtp = await req('POST', '/api/v1/auth/forgot-password/verify', {
    token: resetToken,
    json: { otp_code: '000000' },
  });
  t.equal(wrongOtp.status, 400, 'the reset token works where it belongs');
  const asReset = await req('POST', '/api/v1/auth/forgot-password/verify', {
    token: victim.token,
    json: { otp_code: '000000' },
  });
  t.equal(asReset.status, 401, 'an access token as a reset token');
  t.equal(asReset.body.error.code, 'UNAUTHORIZED');
  await refused(t, sign({ alg: 'HS256' }, { ...valid(), type: 'forgot_password' }), 'access claims typed as reset');
  await refused(t, victim.refreshToken, 'a refresh token as an access token');
  const accessAsRefresh = await req('POST', '/api/v1/auth/refresh-token', { json: { refresh_token: victim.token } });
  t.equal(accessAsRefresh.status, 400, 'an access token as a refresh token: not even of its shape');
  t.equal(accessAsRefresh.body.error.code, 'INVALID_REQUEST');
  const resetAsBearerRefresh = await req('POST', '/api/v1/auth/refresh-token', { token: resetToken });
  t.equal(resetAsBearerRefresh.status, 401, 'a reset token cannot be refreshed into an access token');
  const resetOnSocket = await upgrade(resetToken);
  t.equal(resetOnSocket, 401, 'nor open a WebSocket');
});

t.test('a verified token stays subject to its expiry (the verify cache does not extend it)', async (t) => {
  const short = sign({ alg: 'HS256', typ: 'JWT' }, { ...valid(), exp: now() + 2 });
  t.equal((await req('GET', '/api/v1/profile', { token: short })).status, 200, 'valid, and now cached');
  await new Promise((resolve) => setTimeout(resolve, 3100));
  await refused(t, short, 'the same token once expired', 'TOKEN_EXPIRED');
  t.equal(await upgrade(victim.token), 101, 'a live token opens a WebSocket');
  t.equal(await upgrade(short), 401, 'nor does it open a WebSocket');
});

t.test('tokens after logout, remote sign-out and password change', async (t) => {
  const a = await signup(server);
  t.equal((await req('GET', '/api/v1/profile', { token: a.token })).status, 200);
  t.equal((await req('POST', '/api/v1/auth/logout', { token: a.token, json: {} })).status, 200);
  await refused(t, a.token, 'after logout');
  const refresh = await req('POST', '/api/v1/auth/refresh-token', { json: { refresh_token: a.refreshToken } });
  t.equal(refresh.status, 401, 'its refresh token too');

  const b = await signup(server);
  const second = await req('POST', '/api/v1/auth/login', { json: { email: b.email, password: b.password } });
  const secondToken = second.body.data.auth_token;
  const sessionId = decode(secondToken).session_id;
  t.equal((await req('GET', '/api/v1/profile', { token: secondToken })).status, 200);
  t.equal((await req('DELETE', `/api/v1/profile/sessions/${sessionId}`, { token: b.token })).status, 200);
  await refused(t, secondToken, 'after remote sign-out');
  t.equal((await req('GET', '/api/v1/profile', { token: b.token })).status, 200, 'the signing-out session stays');

  const c = await signup(server);
  const other = await req('POST', '/api/v1/auth/login', { json: { email: c.email, password: c.password } });
  const changed = await req('POST', '/api/v1/profile/change-password', {
    token: c.token,
    json: { old_password: c.password, new_password: 'Changed-Pass-123' },
  });
  t.equal(changed.status, 200, changed.text);
  await refused(t, other.body.data.auth_token, "another session's token after a password change");

  // A password reset by emailed code ends every session, and its reset token is spent.
  const d = await signup(server);
  t.equal((await req('GET', '/api/v1/profile', { token: d.token })).status, 200);
  const reset = (await req('POST', '/api/v1/auth/forgot-password', { json: { email: d.email } })).body.data.reset_token;
  const otp = await codeFor(d.email);
  t.equal(
    (await req('POST', '/api/v1/auth/forgot-password/verify', { token: reset, json: { otp_code: otp } })).status,
    200,
  );
  const done = await req('POST', '/api/v1/auth/forgot-password/change', {
    token: reset,
    json: { new_password: 'Reset-Pass-12345' },
  });
  t.equal(done.status, 200, done.text);
  await refused(t, d.token, 'an access token after a password reset');
  const stale = await req('POST', '/api/v1/auth/refresh-token', { json: { refresh_token: d.refreshToken } });
  t.equal(stale.status, 401, 'its refresh token too');
  t.equal(stale.body.error.code, 'UNAUTHORIZED');
  await refused(t, reset, 'the spent reset token as an access token');
  const again = await req('POST', '/api/v1/auth/forgot-password/change', {
    token: reset,
    json: { new_password: 'Another-Pass-12345' },
  });
  t.equal(again.status, 403, 'the spent reset token cannot set another password');
  t.equal(again.body.error.code, 'FORBIDDEN');
});

t.test('refresh tokens: reuse ends the family, a race has one winner', async (t) => {
  const a = await signup(server);
  const first = await req('POST', '/api/v1/auth/refresh-token', { json: { refresh_token: a.refreshToken } });
  t.equal(first.status, 200);
  const reuse = await req('POST', '/api/v1/auth/refresh-token', { json: { refresh_token: a.refreshToken } });
  t.equal(reuse.status, 401);
  t.equal(reuse.body.error.code, 'TOKEN_REUSED');
  const next = await req('POST', '/api/v1/auth/refresh-token', {
    json: { refresh_token: first.body.data.refresh_token },
  });
  t.equal(next.status, 401, 'the rotated token died with the family');
  await refused(t, first.body.data.auth_token, 'so did its access token');

  const b = await signup(server);
  const race = await Promise.all(
    Array.from({ length: 5 }, () =>
      req('POST', '/api/v1/auth/refresh-token', { json: { refresh_token: b.refreshToken } }),
    ),
  );
  t.equal(race.filter((r) => r.status === 200).length, 1, `one winner: ${race.map((r) => r.status).join(', ')}`);
  const losers = race.filter((r) => r.status !== 200);
  t.same(
    losers.map((r) => r.status),
    losers.map(() => 401),
    'the others are refused',
  );
  // The first loser is the reuse that ends the session; those after it find it ended.
  t.equal(losers.filter((r) => r.body.error.code === 'TOKEN_REUSED').length >= 1, true, 'reuse is detected');
  t.ok(
    losers.every((r) => ['TOKEN_REUSED', 'UNAUTHORIZED'].includes(r.body.error.code)),
    losers.map((r) => r.body.error.code).join(', '),
  );
  const winner = race.find((r) => r.status === 200)!;
  const afterRace = await req('POST', '/api/v1/auth/refresh-token', {
    json: { refresh_token: winner.body.data.refresh_token },
  });
  t.equal(afterRace.status, 401, "a reuse ends the family, the winner's new token included");
});
