// Watch parties' SQL: the party row (locked per event, so each event takes the next seq), its members with
// their profile names, the chat kept while the party lives, and the parties whose host is gone too long.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';

export interface PartyRow {
  id: string;
  code: string;
  title_id: string;
  episode_id: string | null;
  host_user_id: string;
  status: 'active' | 'ended';
  position: number;
  playing: boolean;
  rate: number;
  anchored_at: Date;
  seq: number;
  host_left_at: Date | null;
  created_at: Date;
}

/** The clock and host fields an event may change, with the seq it takes. */
export type PartyChanges = Partial<Pick<PartyRow, 'position' | 'playing' | 'rate' | 'host_user_id'>> & {
  seq: number;
  anchored_at?: Date;
  host_left_at?: Date | null;
};

const PARTY_COLUMNS = [
  'id',
  'code',
  'title_id',
  'episode_id',
  'host_user_id',
  'status',
  'position',
  'playing',
  'rate',
  'anchored_at',
  'seq',
  'host_left_at',
  'created_at',
] as const;

// bigint comes back as a string from node-postgres; the seq of one party stays far below 2^53.
const toParty = <T extends { seq: number | string }>(row: T | undefined) =>
  row ? ({ ...row, seq: Number(row.seq) } as unknown as PartyRow) : null;

export async function insertParty(
  em: Em,
  p: { id: string; code: string; titleId: string; episodeId: string | null; hostUserId: string; position: number },
): Promise<void> {
  // The host has no socket in the room yet: the grace period runs from creation until they enter it.
  await db(em)
    .insertInto('watch_parties')
    .values({
      id: p.id,
      code: p.code,
      title_id: p.titleId,
      episode_id: p.episodeId,
      host_user_id: p.hostUserId,
      position: p.position,
      host_left_at: sql<Date>`now()`,
    })
    .execute();
}

export async function findParty(em: Em, id: string, lock = false): Promise<PartyRow | null> {
  let query = db(em).selectFrom('watch_parties').select(PARTY_COLUMNS).where('id', '=', id);
  if (lock) query = query.forUpdate();
  return toParty(await query.executeTakeFirst());
}

export async function findPartyByCode(em: Em, code: string): Promise<PartyRow | null> {
  return toParty(
    await db(em).selectFrom('watch_parties').select(PARTY_COLUMNS).where('code', '=', code).executeTakeFirst(),
  );
}

export async function updateParty(em: Em, id: string, changes: PartyChanges): Promise<void> {
  await db(em).updateTable('watch_parties').set(changes).where('id', '=', id).execute();
}

export async function markEnded(em: Em, id: string, reason: string, seq: number): Promise<void> {
  await db(em)
    .updateTable('watch_parties')
    .set({ status: 'ended', end_reason: reason, ended_at: sql<Date>`now()`, seq, playing: false })
    .where('id', '=', id)
    .execute();
  await db(em).deleteFrom('watch_party_messages').where('party_id', '=', id).execute();
}

/** Active parties whose host has had no socket in the room for longer than graceMs. */
export async function hostGoneParties(em: Em, graceMs: number): Promise<string[]> {
  const rows = await db(em)
    .selectFrom('watch_parties')
    .select('id')
    .where('status', '=', 'active')
    .where('host_left_at', '<', sql<Date>`now() - make_interval(secs => ${graceMs / 1000})`)
    .limit(100)
    .execute();
  return rows.map((r) => r.id);
}

/** Marks the host gone, unless control passed to someone else meanwhile or it is already marked. */
export async function markHostLeft(em: Em, id: string, hostUserId: string): Promise<void> {
  await db(em)
    .updateTable('watch_parties')
    .set({ host_left_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('host_user_id', '=', hostUserId)
    .where('status', '=', 'active')
    .where('host_left_at', 'is', null)
    .execute();
}

export interface MemberRow {
  user_id: string;
  profile_id: string;
  status: 'joined' | 'left' | 'kicked';
  playback_session_id: string | null;
}

export async function findMember(em: Em, partyId: string, userId: string): Promise<MemberRow | null> {
  const row = await db(em)
    .selectFrom('watch_party_members')
    .select(['user_id', 'profile_id', 'status', 'playback_session_id'])
    .where('party_id', '=', partyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ?? null;
}

/** Joined members with their profile names, in joining order. */
export async function joinedMembers(em: Em, partyId: string) {
  return db(em)
    .selectFrom('watch_party_members as m')
    .innerJoin('viewer_profiles as p', 'p.id', 'm.profile_id')
    .select(['m.user_id', 'm.profile_id', 'p.name', 'm.playback_session_id'])
    .where('m.party_id', '=', partyId)
    .where('m.status', '=', 'joined')
    .orderBy('m.joined_at')
    .orderBy('m.user_id')
    .execute();
}

export async function countJoined(em: Em, partyId: string): Promise<number> {
  const row = await db(em)
    .selectFrom('watch_party_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('party_id', '=', partyId)
    .where('status', '=', 'joined')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Adds the member, or brings a former one back with a fresh profile and playback session. */
export async function upsertMember(
  em: Em,
  m: { partyId: string; userId: string; profileId: string; playbackSessionId: string },
): Promise<void> {
  await db(em)
    .insertInto('watch_party_members')
    .values({
      id: crypto.randomUUID(),
      party_id: m.partyId,
      user_id: m.userId,
      profile_id: m.profileId,
      playback_session_id: m.playbackSessionId,
    })
    .onConflict((oc) =>
      oc.columns(['party_id', 'user_id']).doUpdateSet({
        status: 'joined',
        profile_id: m.profileId,
        playback_session_id: m.playbackSessionId,
        joined_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export async function setMemberStatus(em: Em, partyId: string, userId: string, status: 'left' | 'kicked') {
  await db(em)
    .updateTable('watch_party_members')
    .set({ status, playback_session_id: null })
    .where('party_id', '=', partyId)
    .where('user_id', '=', userId)
    .execute();
}

export async function insertChat(
  em: Em,
  c: { id: string; partyId: string; userId: string; text: string; position: number | null; seq: number },
): Promise<void> {
  await db(em)
    .insertInto('watch_party_messages')
    .values({ id: c.id, party_id: c.partyId, user_id: c.userId, text: c.text, position: c.position, seq: c.seq })
    .execute();
}

/** The latest `limit` chat lines, oldest first. */
export async function latestChat(em: Em, partyId: string, limit: number) {
  if (limit === 0) return [];
  const rows = await db(em)
    .selectFrom('watch_party_messages')
    .select(['id', 'seq', 'user_id', 'text', 'position', 'created_at'])
    .where('party_id', '=', partyId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({ ...r, seq: Number(r.seq) }));
}
