// The idempotency_keys table: claim a key for one request (taking over a crashed claim with the same body),
// read what a key holds, store the answer, release it, and purge expired keys.
import type { Selectable } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, tdb } from './db.ts';

export type StoredKey = Pick<
  Selectable<DB['idempotency_keys']>,
  'request_hash' | 'status' | 'response_status' | 'response_body'
>;

export interface KeyClaim {
  userId: string;
  key: string;
  hash: string;
  lockSeconds: number;
  ttlHours: number;
  now: Date;
}

const after = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

/** Drops this key when it has expired, so the claim below starts afresh. */
export async function deleteExpiredKey(em: Em, userId: string, key: string, now: Date): Promise<void> {
  await tdb(em)
    .deleteFrom('idempotency_keys')
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('expires_at', '<', now)
    .execute();
}

/**
 * Claims the key as in flight: true for a new key, or for an in-flight claim whose lock ran out (a crashed
 * request) when the body is the same; false when another request holds or finished it.
 */
export async function claimKey(em: Em, c: KeyClaim): Promise<boolean> {
  const rows = await tdb(em)
    .insertInto('idempotency_keys')
    .values({
      user_id: c.userId,
      key: c.key,
      request_hash: c.hash,
      status: 'in_flight',
      locked_until: after(c.now, c.lockSeconds),
      expires_at: after(c.now, c.ttlHours * 3600),
    })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'key'])
        .doUpdateSet((eb) => ({ locked_until: eb.ref('excluded.locked_until') }))
        .where('idempotency_keys.status', '=', 'in_flight')
        .where('idempotency_keys.locked_until', '<', c.now)
        .where((eb) => eb('idempotency_keys.request_hash', '=', eb.ref('excluded.request_hash'))),
    )
    .returning('key')
    .execute();
  return rows.length > 0;
}

export async function findKey(em: Em, userId: string, key: string): Promise<StoredKey | null> {
  const row = await tdb(em)
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status', 'response_status', 'response_body'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row ?? null;
}

export async function finishKey(em: Em, userId: string, key: string, status: number, body: unknown): Promise<void> {
  await tdb(em)
    .updateTable('idempotency_keys')
    .set({ status: 'done', response_status: status, response_body: body })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .execute();
}

export async function releaseKey(em: Em, userId: string, key: string): Promise<void> {
  await tdb(em).deleteFrom('idempotency_keys').where('user_id', '=', userId).where('key', '=', key).execute();
}

export async function purgeExpiredKeys(em: Em, now: Date): Promise<void> {
  await tdb(em).deleteFrom('idempotency_keys').where('expires_at', '<', now).execute();
}
