// Whether a login session is still active, answered from the cache (shared across instances when Redis is
// configured) and the database on a miss. Terminating a session writes through, so its access tokens stop
// working at once everywhere.
import { isSessionLive } from '../../repositories/sessions.ts';
import type { Cache } from '../cache/types.ts';
import type { Clock } from '../clock.ts';
import type { Em } from '../db/orm.ts';

const key = (sessionId: string) => `sess:${sessionId}`;
const TTL = 300;

export async function isSessionActive(
  deps: { em: Em; cache: Cache; clock: Clock },
  sessionId: string,
): Promise<boolean> {
  const cached = await deps.cache.get(key(sessionId));
  if (cached !== null) return cached === '1';
  const active = await isSessionLive(deps.em, sessionId, deps.clock.now());
  await deps.cache.set(key(sessionId), active ? '1' : '0', TTL);
  return active;
}

export async function markSessionsEnded(cache: Cache, sessionIds: string[]): Promise<void> {
  // Write '0' rather than delete: a concurrent reader cannot re-cache a stale '1' from before the update.
  await Promise.all(sessionIds.map((id) => cache.set(key(id), '0', TTL * 12)));
}
