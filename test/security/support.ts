// Black-box helpers for the attack suite: the real app listening on an ephemeral port, requests through
// fetch (real HTTP, real parsers), and accounts made through the public API.
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { ensureAdmin } from '../../services/auth/admin.ts';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  json?: unknown;
  /** A body sent as given (already serialized, possibly malformed). */
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface Server {
  app: FastifyInstance;
  base: string;
  req(method: string, path: string, options?: RequestOptions): Promise<Reply>;
}

export async function startServer(
  t: TestContext,
  env: Record<string, string> = {},
  logStream?: DestinationStream,
): Promise<Server> {
  const app = await buildTestApp(t, env, { logStream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;
  const req = async (method: string, path: string, options: RequestOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.json !== undefined || options.raw !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = options.raw ?? JSON.stringify(options.json);
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(base + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  return { app, base, req };
}

export interface Account {
  id: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
}

let counter = 0;

export async function signup(server: Server, admin = false): Promise<Account> {
  counter += 1;
  const email = `attack${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = `Pw-${Math.random().toString(36).slice(2, 10)}-9`;
  const res = await server.req('POST', '/api/v1/auth/signup', {
    json: { name: `Attacker ${counter}`, email, password, genres: [] },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  const account = {
    id: res.body.data.user.id,
    email,
    password,
    token: res.body.data.auth_token,
    refreshToken: res.body.data.refresh_token,
  };
  if (!admin) return account;
  await ensureAdmin(server.app.em(), email, password);
  // A fresh login carries the admin role in its token.
  const login = await server.req('POST', '/api/v1/auth/login', { json: { email, password } });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${login.text}`);
  return { ...account, token: login.body.data.auth_token, refreshToken: login.body.data.refresh_token };
}
