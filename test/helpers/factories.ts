// Factories for tests: accounts (optionally admins), auth headers and JSON requests through inject().
import type { FastifyInstance, InjectOptions } from 'fastify';
import { ensureAdmin } from '../../services/auth/admin.ts';

let counter = 0;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  headers: { authorization: string };
}

export async function newUser(
  app: FastifyInstance,
  overrides: { name?: string; email?: string; password?: string; genres?: number[] } = {},
): Promise<TestUser> {
  counter += 1;
  const email = overrides.email ?? `user${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = overrides.password ?? 'PASS1234';
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { name: overrides.name ?? `User ${counter}`, email, password, genres: overrides.genres ?? [] },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const data = res.json().data;
  return {
    id: data.user.id,
    email,
    password,
    token: data.auth_token,
    refreshToken: data.refresh_token,
    headers: { authorization: `Bearer ${data.auth_token}` },
  };
}

export async function newAdmin(app: FastifyInstance): Promise<TestUser> {
  const user = await newUser(app);
  await ensureAdmin(app.em(), user.email, user.password);
  return user;
}

/** inject() with JSON parsing of the reply. */
export async function call(app: FastifyInstance, options: InjectOptions) {
  const res = await app.inject(options);
  let body: any;
  try {
    body = res.json();
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body, headers: res.headers };
}
