// What a service may use: passed in as one object, so services never import Fastify.
import type { Cache } from './cache/types.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Em } from './db/orm.ts';
import type { Mailer } from './mail/mailer.ts';

export interface AccessClaims {
  user_id: string;
  session_id: string;
  role: 'user' | 'admin';
  type: 'access_token';
}

export interface ResetClaims {
  user_id: string;
  reset_id: string;
  type: 'forgot_password';
}

/** Signs tokens; built by the auth plugin from @fastify/jwt so services never see Fastify. */
export interface TokenSigner {
  access(claims: Omit<AccessClaims, 'type'>): string;
  reset(claims: Omit<ResetClaims, 'type'>): string;
  accessTtl: number;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Deps {
  em: Em;
  cache: Cache;
  config: Config;
  tokens: TokenSigner;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
}

/** Who is asking: the account, its login session and the client address. */
export interface Actor {
  userId: string;
  sessionId: string;
  ip: string;
}

/** Who is watching: the account, its viewer profile and the highest maturity level they may see. */
export interface Viewer {
  userId: string;
  profileId: string;
  isKids: boolean;
  /** Highest maturity level (0 kids … 3 adult) this viewer may see. */
  maxLevel: number;
}
