// What the watch-party services use: the database, the cache (chat rate counters, shared through Redis
// when configured), the config, and the hub that fans a party's events out on every instance.
import type { Cache } from '../cache/types.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Em } from '../db/orm.ts';
import type { Hub } from '../realtime/hub.ts';

export interface PartyDeps {
  em: Em;
  cache: Cache;
  config: Config;
  clock: Clock;
  hub: Pick<Hub, 'publish'>;
}

/** The hub key of a party's events; user ids (UUIDs) never start with it. */
export const partyChannel = (partyId: string): string => `wp:${partyId}`;
