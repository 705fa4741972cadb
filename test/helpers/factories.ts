// Factories for tests: accounts (optionally admins), auth headers and JSON requests through inject().
import type { FastifyInstance, InjectOptions } from 'fastify';
import { ensureAdmin } from '../../services/auth/admin.ts';
import { addToCollection, type Collection } from '../../services/library/collections.ts';
import { type ProgressInput, recordProgress } from '../../services/library/progress.ts';
import { rate, type Vote } from '../../services/library/ratings.ts';
import { createProfile, listProfiles } from '../../services/profiles/profiles.ts';
import { resolveViewer } from '../../services/profiles/viewer.ts';
import type { Viewer } from '../../services/deps.ts';
import type { ProfileCreateBody } from '../../schemas/profiles.ts';
import type { Static } from '@sinclair/typebox';

type ProfileCreate = Static<typeof ProfileCreateBody>;

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

// Profile and library factories: they write through the services the API uses (plan limits, maturity and
// upsert rules included), so a test's data is data the app could have made.

/** A viewer profile of the user (the plan's profile limit applies), as GET /profiles shows it. */
export async function newProfile(app: FastifyInstance, user: TestUser, input: Partial<ProfileCreate> = {}) {
  counter += 1;
  return createProfile(
    { em: app.em(), config: app.config },
    { userId: user.id },
    { name: `Profile ${counter}`, ...input },
  );
}

/** The user's first profile: the one acting when a request sends no X-Profile-Id. */
export async function firstProfileId(app: FastifyInstance, user: TestUser): Promise<string> {
  const [profile] = await listProfiles(app.em(), user.id);
  if (!profile) throw new Error('every account has a profile');
  return profile.id;
}

/** The viewer acting for the user's profile (default: the first), as the request path resolves it. */
export async function viewerOf(app: FastifyInstance, user: TestUser, profileId?: string): Promise<Viewer> {
  return resolveViewer(app.em(), user.id, profileId ?? (await firstProfileId(app, user)));
}

/** Adds titles to the viewer's favourites or watchlist. */
export async function collect(app: FastifyInstance, viewer: Viewer, which: Collection, titleIds: string[]) {
  for (const id of titleIds) await addToCollection(app.em(), viewer, which, id);
}

/** Rates a title up or down for the viewer. */
export async function rateTitle(app: FastifyInstance, viewer: Viewer, titleId: string, vote: Vote) {
  return (await rate({ em: app.em(), cache: app.cache }, viewer, titleId, vote)).rating;
}

/** One playback heartbeat for the viewer (the progress rules apply: thresholds, ordering by client time). */
export async function watch(app: FastifyInstance, viewer: Viewer, titleId: string, input: ProgressInput) {
  return recordProgress(app.em(), viewer, titleId, input);
}
