// No credential reaches the logs: a whole app's log output, at trace level, captured while signing up,
// logging in, refreshing, opening a WebSocket with ?token=, resetting a password and failing a login,
// must not contain any token, OTP, password or secret the run issued or used.
import { Writable } from 'node:stream';
import t from 'tap';
import WebSocket from 'ws';
import { startSmtpServer } from '../support/smtp.ts';
import { startServer } from './support.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(chunk.toString('utf8'));
    done();
  },
});
const smtp = await startSmtpServer();
t.teardown(() => smtp.close());
const JWT_SECRET = 'jwt-secret-for-the-log-test-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-for-the-log-test-42';
const server = await startServer(
  t,
  { LOG_LEVEL: 'trace', SMTP_URL: smtp.url, JWT_SECRET, METRICS_TOKEN, WS_AUTH_TIMEOUT_MS: '2000' },
  sink,
);
const { req } = server;
const otpOf = (raw: string) => /code is (\d{6})/.exec(raw.replace(/=\r?\n/g, ''))?.[1];

t.test('a whole session of credentials leaves no trace in the logs', async (t) => {
  const secrets: string[] = [JWT_SECRET, METRICS_TOKEN];
  const email = `logs-${Date.now()}@example.com`;
  const password = 'Log-Pass-7c1e93';
  const signup = await req('POST', '/api/v1/auth/signup', { json: { name: 'Logs', email, password } });
  t.equal(signup.status, 201);
  secrets.push(password, signup.body.data.auth_token, signup.body.data.refresh_token);

  const login = await req('POST', '/api/v1/auth/login', { json: { email, password } });
  t.equal(login.status, 200);
  secrets.push(login.body.data.auth_token, login.body.data.refresh_token);
  const wrong = 'Wrong-Pass-5d2a11';
  t.equal((await req('POST', '/api/v1/auth/login', { json: { email, password: wrong } })).status, 401);
  secrets.push(wrong);

  const refreshed = await req('POST', '/api/v1/auth/refresh-token', {
    json: { refresh_token: login.body.data.refresh_token },
  });
  t.equal(refreshed.status, 200);
  const token = refreshed.body.data.auth_token;
  secrets.push(token, refreshed.body.data.refresh_token);

  const ws = new WebSocket(`${server.base.replace('http', 'ws')}/api/v1/ws?token=${encodeURIComponent(token)}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.close();
  await new Promise((resolve) => ws.once('close', resolve));

  t.equal((await req('GET', '/metrics', { token: METRICS_TOKEN })).status, 200);
  t.equal((await req('GET', `/api/v1/profile?token=${token}&access_token=${token}`, { token })).status, 200);

  const forgot = await req('POST', '/api/v1/auth/forgot-password', { json: { email } });
  t.equal(forgot.status, 200);
  const resetToken = forgot.body.data.reset_token;
  const otp = otpOf((await smtp.next()).raw);
  t.match(otp, /^\d{6}$/);
  secrets.push(resetToken, otp as string);
  t.equal(
    (await req('POST', '/api/v1/auth/forgot-password/verify', { token: resetToken, json: { otp_code: otp } })).status,
    200,
  );
  const newPassword = 'New-Pass-99ab01';
  const changed = await req('POST', '/api/v1/auth/forgot-password/change', {
    token: resetToken,
    json: { new_password: newPassword },
  });
  t.equal(changed.status, 200);
  secrets.push(newPassword);
  t.equal((await req('POST', '/api/v1/auth/login', { json: { email, password: newPassword } })).status, 200);

  await new Promise((resolve) => setTimeout(resolve, 100));
  const log = lines.join('');
  // The capture is real: the requests above are in it, their credentials censored.
  t.match(log, /"url":"\/api\/v1\/ws\?token=\[redacted\]"/);
  t.match(log, /"url":"\/api\/v1\/profile\?token=\[redacted\]&access_token=\[redacted\]"/);
  t.match(log, /"url":"\/api\/v1\/auth\/forgot-password\/change"/);
  t.ok(lines.length > 20, `${lines.length} log lines captured`);
  for (const secret of secrets) t.equal(log.includes(secret), false, `not in the logs: ${secret.slice(0, 6)}…`);
  // Access tokens are also looked for by their signature alone (a log line could cut a token at a dot).
  const accessTokens = [signup.body.data.auth_token, login.body.data.auth_token, token];
  for (const jwt of accessTokens) t.equal(log.includes(jwt.split('.')[2]), false, 'no token signature in the logs');
});
