// Forgot password end to end: the OTP travels through a real SMTP server; attempts, IP, single use,
// and the account is unusable with old credentials afterwards.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { startSmtpServer } from './support/smtp.ts';

const smtp = await startSmtpServer();
t.teardown(() => smtp.close());
const app = await buildTestApp(t, { SMTP_URL: smtp.url });

const post = (url: string, payload: object, token?: string, remoteAddress = '127.0.0.1') =>
  call(app, {
    method: 'POST',
    url: `/api/v1${url}`,
    payload,
    remoteAddress,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
const otpOf = (raw: string) => /code is (\d{6})/.exec(raw.replace(/=\r?\n/g, ''))?.[1];

t.test('full reset: request, mail, verify, change, old sessions end', async (t) => {
  const user = await newUser(app);
  const requested = await post('/auth/forgot-password', { email: user.email });
  t.equal(requested.status, 200);
  t.same(requested.body.message, 'OTP sent to your email');
  const resetToken = requested.body.data.reset_token;
  const mail = await smtp.next();
  t.same(mail.to, [user.email]);
  const otp = otpOf(mail.raw);
  t.match(otp, /^\d{6}$/);

  const early = await post('/auth/forgot-password/change', { new_password: 'NEWPASS123' }, resetToken);
  t.equal(early.status, 403, 'change needs a verified request');

  const verified = await post('/auth/forgot-password/verify', { otp_code: otp }, resetToken);
  t.same(verified.body, { success: true, message: 'OTP verified successfully' });
  const twice = await post('/auth/forgot-password/verify', { otp_code: otp }, resetToken);
  t.equal(twice.status, 400, 'the code works once');

  const changed = await post('/auth/forgot-password/change', { new_password: 'NEWPASS123' }, resetToken);
  t.same(changed.body, { success: true, message: 'Password reset successfully' });
  const reuse = await post('/auth/forgot-password/change', { new_password: 'OTHERPASS1' }, resetToken);
  t.equal(reuse.status, 403, 'a completed request cannot be reused');

  t.equal(
    (await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers })).status,
    401,
    'old sessions ended',
  );
  t.equal(
    (await post('/auth/login', { email: user.email, password: user.password })).status,
    401,
    'old password refused',
  );
  t.equal((await post('/auth/login', { email: user.email, password: 'NEWPASS123' })).status, 200, 'new password works');
  const audit = await app
    .em()
    .execute<{ action: string }[]>(`select action from audit_log where actor_id = ? order by id`, [user.id]);
  t.ok(audit.some((a) => a.action === 'auth.password_reset'));
  t.notOk(JSON.stringify(audit).includes(otp!), 'the OTP is never written to the audit log');
});

t.test('wrong codes: attempts counted, then the request is revoked', async (t) => {
  const user = await newUser(app);
  const token = (await post('/auth/forgot-password', { email: user.email })).body.data.reset_token;
  const otp = otpOf((await smtp.next()).raw)!;
  const wrong = otp === '000000' ? '111111' : '000000';
  for (let i = 1; i <= 5; i++) {
    const res = await post('/auth/forgot-password/verify', { otp_code: wrong }, token);
    t.equal(res.status, 400);
    t.equal(res.body.error.code, 'INVALID_OTP');
    t.equal(res.body.error.details.attempts_left, 5 - i);
  }
  const right = await post('/auth/forgot-password/verify', { otp_code: otp }, token);
  t.equal(right.status, 400, 'the right code after 5 wrong ones is refused');
});

t.test('the code must be verified from the requesting IP', async (t) => {
  const user = await newUser(app);
  const token = (await post('/auth/forgot-password', { email: user.email }, undefined, '10.0.0.1')).body.data
    .reset_token;
  const otp = otpOf((await smtp.next()).raw)!;
  const other = await post('/auth/forgot-password/verify', { otp_code: otp }, token, '10.0.0.2');
  t.equal(other.status, 403);
  const same = await post('/auth/forgot-password/verify', { otp_code: otp }, token, '10.0.0.1');
  t.equal(same.status, 200);
});

t.test('unknown email: same answer, no mail, token useless', async (t) => {
  const res = await post('/auth/forgot-password', { email: 'nobody-here@example.com' });
  t.equal(res.status, 200);
  t.same(Object.keys(res.body.data), ['reset_token']);
  const verify = await post('/auth/forgot-password/verify', { otp_code: '123456' }, res.body.data.reset_token);
  t.equal(verify.status, 400);
  await new Promise((r) => setTimeout(r, 200));
  t.equal(smtp.inbox.length, 0, 'no mail was sent');
});

t.test('a new completed reset revokes the other pending requests', async (t) => {
  const user = await newUser(app);
  const first = (await post('/auth/forgot-password', { email: user.email })).body.data.reset_token;
  const firstOtp = otpOf((await smtp.next()).raw)!;
  const second = (await post('/auth/forgot-password', { email: user.email })).body.data.reset_token;
  const secondOtp = otpOf((await smtp.next()).raw)!;
  await post('/auth/forgot-password/verify', { otp_code: secondOtp }, second);
  t.equal((await post('/auth/forgot-password/change', { new_password: 'NEWPASS123' }, second)).status, 200);
  const stale = await post('/auth/forgot-password/verify', { otp_code: firstOtp }, first);
  t.equal(stale.status, 400, 'the older request was revoked');
});

t.test('validation', async (t) => {
  t.equal((await post('/auth/forgot-password', {})).status, 400);
  t.equal((await post('/auth/forgot-password', { email: 'x' })).status, 400);
  t.equal((await post('/auth/forgot-password/verify', { otp_code: '12345' }, 'x.y.z')).status, 400);
  t.equal((await post('/auth/forgot-password/verify', { otp_code: '123456' })).status, 401);
  t.equal((await post('/auth/forgot-password/change', { new_password: 'short' }, 'abc.def.ghi')).status, 400);
});
