// Forgot password end to end: the OTP travels through a real SMTP server; attempts, IP, single use, the
// account is unusable with old credentials afterwards, no account enumeration, the per-account mail cap,
// and a mail outage that delays the code instead of losing it.
import t from 'tap';
import { db } from '../repositories/db.ts';
import { buildTestApp } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { call, newUser } from './helpers/factories.ts';
import { startSmtpServer } from './support/smtp.ts';

const smtp = await startSmtpServer();
t.teardown(() => smtp.close());
const clock = testClock();
const app = await buildTestApp(t, { SMTP_URL: smtp.url }, { clock });

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
  const audit = await db(app.em())
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('actor_id', '=', user.id)
    .orderBy('id')
    .execute();
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

const verifyShape = (r: { status: number; body: any }) => ({
  status: r.status,
  code: r.body.error?.code,
  message: r.body.error?.message,
  details: r.body.error?.details,
});

t.test('verify answers a known and an unknown account alike: wrong code, exhausted code, other address', async (t) => {
  const user = await newUser(app);
  const known = (await post('/auth/forgot-password', { email: user.email }, undefined, '10.2.0.1')).body.data
    .reset_token;
  const otp = otpOf((await smtp.next()).raw)!;
  const wrong = otp === '000000' ? '111111' : '000000';
  const unknown = (await post('/auth/forgot-password', { email: 'nobody-enum@example.com' }, undefined, '10.2.0.1'))
    .body.data.reset_token;

  const elsewhereKnown = await post('/auth/forgot-password/verify', { otp_code: otp }, known, '10.2.0.2');
  const elsewhereUnknown = await post('/auth/forgot-password/verify', { otp_code: otp }, unknown, '10.2.0.2');
  t.equal(elsewhereKnown.status, 403);
  t.equal(elsewhereKnown.body.error.code, 'FORBIDDEN');
  t.same(verifyShape(elsewhereUnknown), verifyShape(elsewhereKnown), 'another address: the same answer');

  const wrongKnown = await post('/auth/forgot-password/verify', { otp_code: wrong }, known, '10.2.0.1');
  const wrongUnknown = await post('/auth/forgot-password/verify', { otp_code: wrong }, unknown, '10.2.0.1');
  t.equal(wrongKnown.status, 400);
  t.equal(wrongKnown.body.error.code, 'INVALID_OTP');
  t.same(wrongKnown.body.error.details, { attempts_left: 4 });
  t.same(verifyShape(wrongUnknown), verifyShape(wrongKnown), 'a wrong code: the same answer');

  const changeKnown = await post('/auth/forgot-password/change', { new_password: 'NEWPASS123' }, known, '10.2.0.1');
  const changeUnknown = await post('/auth/forgot-password/change', { new_password: 'NEWPASS123' }, unknown, '10.2.0.1');
  t.equal(changeKnown.status, 403);
  t.same(verifyShape(changeUnknown), verifyShape(changeKnown), 'change before verification: the same answer');

  // The right code still works for the known account: the answers above were not all failures by accident.
  const right = await post('/auth/forgot-password/verify', { otp_code: otp }, known, '10.2.0.1');
  t.equal(right.status, 200);
});

t.test('an exhausted code answers a known and an unknown account alike', async (t) => {
  const user = await newUser(app);
  const known = (await post('/auth/forgot-password', { email: user.email })).body.data.reset_token;
  const otp = otpOf((await smtp.next()).raw)!;
  const wrong = otp === '000000' ? '111111' : '000000';
  const unknown = (await post('/auth/forgot-password', { email: 'nobody-exhausted@example.com' })).body.data
    .reset_token;
  for (let i = 1; i <= 6; i++) {
    const a = await post('/auth/forgot-password/verify', { otp_code: wrong }, known);
    const b = await post('/auth/forgot-password/verify', { otp_code: wrong }, unknown);
    t.equal(a.status, 400, `attempt ${i}`);
    t.same(verifyShape(b), verifyShape(a), `attempt ${i}: the same answer`);
  }
});

t.test('reset mails per account are capped; beyond the cap the answer is that of an unknown email', async (t) => {
  const user = await newUser(app);
  const answers = [];
  for (let i = 0; i < 5; i++) {
    answers.push(await post('/auth/forgot-password', { email: user.email }, undefined, `10.3.0.${i + 1}`));
  }
  const unknown = await post('/auth/forgot-password', { email: 'nobody-flood@example.com' }, undefined, '10.3.0.9');
  for (const res of [...answers, unknown]) {
    t.equal(res.status, 200);
    t.equal(res.body.message, 'OTP sent to your email');
    t.same(Object.keys(res.body.data), ['reset_token']);
  }
  for (let i = 0; i < 3; i++) t.same((await smtp.next()).to, [user.email], `mail ${i + 1} delivered`);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(smtp.inbox.length, 0, 'no mail beyond the cap of 3');

  const capped = await post(
    '/auth/forgot-password/verify',
    { otp_code: '123456' },
    answers[4].body.data.reset_token,
    '10.3.0.5',
  );
  const stranger = await post(
    '/auth/forgot-password/verify',
    { otp_code: '123456' },
    unknown.body.data.reset_token,
    '10.3.0.9',
  );
  t.equal(capped.status, 400);
  t.same(verifyShape(capped), verifyShape(stranger), 'a capped token behaves as an unknown email');
});

t.test('a reset mail the mailer refuses is queued, retried with backoff, and its code works', async (t) => {
  // The mail server goes down: every send fails until it is back.
  const realSend = app.mailer.send;
  let down = true;
  app.mailer.send = (message) =>
    down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:25')) : realSend.call(app.mailer, message);
  t.teardown(() => {
    app.mailer.send = realSend;
  });
  const user = await newUser(app);
  const jobs = () =>
    db(app.em())
      .selectFrom('jobs')
      .select(['payload', 'status', 'attempts', 'run_at'])
      .where('name', '=', 'auth.send-reset-mail')
      .execute();

  const requested = await post('/auth/forgot-password', { email: user.email });
  t.equal(requested.status, 200, 'the answer does not depend on the mail server');
  let queued = await jobs();
  for (let i = 0; i < 100 && queued.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    queued = await jobs();
  }
  t.equal(queued.length, 1, 'the failed mail is queued');
  t.same(Object.keys(queued[0].payload as object), ['reset_id'], 'the payload holds the reset id only, no code');

  await app.jobs.runner.tick();
  queued = await jobs();
  t.match(queued[0], { status: 'queued', attempts: 1 }, 'still down: retried later');
  t.ok(new Date(queued[0].run_at).getTime() > clock.now().getTime(), 'with backoff');
  await app.jobs.runner.tick();
  t.match((await jobs())[0], { status: 'queued', attempts: 1 }, 'not before the backoff is over');

  down = false;
  clock.advance(10_000); // the first backoff (10 s)
  await app.jobs.runner.tick();
  const mail = await smtp.next();
  t.same(mail.to, [user.email], 'delivered once the mailer is back');
  const otp = otpOf(mail.raw);
  t.match(otp, /^\d{6}$/);
  t.equal((await jobs())[0].status, 'done');
  const verified = await post('/auth/forgot-password/verify', { otp_code: otp }, requested.body.data.reset_token);
  t.equal(verified.status, 200, 'the delivered code verifies the original reset token');
});

// Last in the file: it moves the app's clock on.
t.test('a code expires after OTP_TTL (10 minutes by default)', async (t) => {
  const request = async () => {
    const user = await newUser(app);
    const token = (await post('/auth/forgot-password', { email: user.email })).body.data.reset_token;
    return { token, otp: otpOf((await smtp.next()).raw) };
  };
  const early = await request();
  const late = await request();
  clock.advance(600_000 - 60_000);
  const within = await post('/auth/forgot-password/verify', { otp_code: early.otp }, early.token);
  t.equal(within.status, 200, 'a minute before the end it verifies');
  clock.advance(120_000);
  const expired = await post('/auth/forgot-password/verify', { otp_code: late.otp }, late.token);
  t.equal(expired.status, 400);
  t.equal(expired.body.error.code, 'OTP_EXPIRED', 'a minute after the end it is refused');
});
