// What a service may use: passed in as one object, so services never import Fastify.
import type { Cache } from './cache/types.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Em } from './db/orm.ts';
import type { Mailer } from './mail/mailer.ts';
import type { TokenSigner } from './auth/tokens.ts';

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
