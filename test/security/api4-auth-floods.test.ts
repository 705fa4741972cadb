// OWASP API4 on the auth routes, through real HTTP behind a trusted proxy (each request names its client
// address in X-Forwarded-For): reset mails to one account are capped whatever the number of addresses,
// one address is held to the auth budget whatever the accounts it names, and a 1 MB password on the
// password-change routes is refused before any hashing.
import t from 'tap';
import { startSmtpServer } from '../support/smtp.ts';
import { startServer } from './support.ts';

const AUTH_MAX = 5;
const MAILS_PER_ACCOUNT = 3;
const smtp = await startSmtpServer();
t.teardown(() => smtp.close());
const server = await startServer(t, {
  SMTP_URL: smtp.url,
  TRUST_PROXY: '127.0.0.1',
  RATE_LIMIT_AUTH_MAX: String(AUTH_MAX),
  PASSWORD_RESET_MAILS_PER_ACCOUNT: String(MAILS_PER_ACCOUNT),
});
let address = 0;
/** A request from an address of its own, so the per-address budget is not what is being measured. */
const fromNew = (method: string, path: string, json: unknown, token?: string) =>
  server.req(method, path, { json, token, headers: { 'x-forwarded-for': `198.51.100.${++address}` } });
const answerOf = (r: { status: number; body: any }) => ({
  status: r.status,
  message: r.body.message,
  keys: Object.keys(r.body.data ?? {}),
});

const email = `flood-${Date.now()}@example.com`;
const password = 'Flood-Pass-1234';
const created = await fromNew('POST', '/api/v1/auth/signup', { name: 'Flood', email, password, genres: [] });
if (created.status !== 201) throw new Error(`signup failed: ${created.status} ${created.text}`);
const token = created.body.data.auth_token;

t.test('reset mails to one account are capped, whatever the number of addresses', async (t) => {
  const unknown = await fromNew('POST', '/api/v1/auth/forgot-password', { email: `nobody-${email}` });
  t.equal(unknown.status, 200, 'an unknown email is answered');
  const answers = [];
  for (let i = 0; i < 20; i++) answers.push(await fromNew('POST', '/api/v1/auth/forgot-password', { email }));
  for (const [i, res] of answers.entries())
    t.same(answerOf(res), answerOf(unknown), `request ${i + 1}: the same answer`);
  for (let i = 0; i < MAILS_PER_ACCOUNT; i++) t.same((await smtp.next()).to, [email], `mail ${i + 1} delivered`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(smtp.inbox.length, 0, `no mail past the cap of ${MAILS_PER_ACCOUNT}, for 20 requests from 20 addresses`);
});

t.test('one address is held to the auth budget, whatever the accounts it names', async (t) => {
  const from = { 'x-forwarded-for': '203.0.113.7' };
  for (let i = 0; i < AUTH_MAX; i++) {
    const res = await server.req('POST', '/api/v1/auth/forgot-password', {
      json: { email: `someone-${i}@example.com` },
      headers: from,
    });
    t.equal(res.status, 200, `request ${i + 1} of the budget`);
  }
  const over = await server.req('POST', '/api/v1/auth/forgot-password', { json: { email }, headers: from });
  t.equal(over.status, 429);
  t.equal(over.body.error.code, 'RATE_LIMITED');
  t.ok(Number(over.headers.get('retry-after')) > 0, 'with Retry-After');
  const login = await server.req('POST', '/api/v1/auth/login', { json: { email, password }, headers: from });
  t.equal(login.status, 429, 'the budget is shared by every auth route');
  const elsewhere = await fromNew('POST', '/api/v1/auth/forgot-password', { email: 'another@example.com' });
  t.equal(elsewhere.status, 200, 'another address is still served');
});

t.test('a 1 MB password on the password-change routes is 400, fast', async (t) => {
  const huge = 'p'.repeat(1_000_000);
  const fine = await fromNew(
    'POST',
    '/api/v1/profile/change-password',
    { old_password: password, new_password: 'Flood-Pass-5678' },
    token,
  );
  t.equal(fine.status, 200, 'a normal change goes through');
  const current = fine.body.data.auth_token;
  const reset = (await fromNew('POST', '/api/v1/auth/forgot-password', { email: 'nobody-huge@example.com' })).body.data
    .reset_token;
  for (const [path, body, bearer] of [
    ['/api/v1/profile/change-password', { old_password: huge, new_password: 'Flood-Pass-9999' }, current],
    ['/api/v1/profile/change-password', { old_password: 'Flood-Pass-5678', new_password: huge }, current],
    ['/api/v1/auth/forgot-password/change', { new_password: huge }, reset],
  ] as const) {
    const started = Date.now();
    const res = await fromNew('POST', path, body, bearer);
    const took = Date.now() - started;
    t.equal(res.status, 400, path);
    t.equal(res.body.error.code, 'INVALID_REQUEST', path);
    t.ok(took < 1000, `${path} answered in ${took} ms`);
  }
});
