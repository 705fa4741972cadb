// Emitting a party event: under the party's row lock, take the next seq, apply the change and publish the
// message before the lock is released. Two instances therefore publish one party's events in seq order,
// and Redis (or the in-process hub) delivers them to every subscriber in the order it received them.
import {
  findParty,
  markEnded,
  updateParty,
  type PartyChanges,
  type PartyRow,
} from '../../repositories/watch-parties.ts';
import { joinedMembers } from '../../repositories/watch-parties.ts';
import { stopSession } from '../../repositories/playback.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { type PartyDeps, partyChannel } from './context.ts';

export interface Emitted {
  type: string;
  fields: Record<string, unknown>;
  changes?: Omit<PartyChanges, 'seq'>;
}

export async function emit(
  deps: PartyDeps,
  partyId: string,
  apply: (tx: Em, party: PartyRow, at: { seq: number; serverTs: number }) => Promise<Emitted | null>,
): Promise<number | null> {
  return deps.em.transactional(async (tx) => {
    const party = await findParty(tx, partyId, true);
    if (party?.status !== 'active') throw new AppError('NOT_FOUND', 'Watch party not found or ended');
    const at = { seq: party.seq + 1, serverTs: Date.now() };
    const out = await apply(tx, party, at);
    if (!out) return null;
    await updateParty(tx, partyId, { ...out.changes, seq: at.seq });
    const message = { type: out.type, party_id: partyId, seq: at.seq, server_ts: at.serverTs, ...out.fields };
    // Published inside the transaction on purpose: the next event of this party waits for the lock.
    await deps.hub.publish(partyChannel(partyId), JSON.stringify(message));
    return at.seq;
  });
}

/** Ends an active party: every member's stream slot is freed and the chat is deleted. */
export async function endParty(deps: PartyDeps, partyId: string, reason: 'host_ended' | 'host_gone') {
  await deps.em.transactional(async (tx) => {
    const party = await findParty(tx, partyId, true);
    if (party?.status !== 'active') return;
    // The host may have come back (and even left again) since the sweep read the party.
    const goneFor = party.host_left_at ? Date.now() - new Date(party.host_left_at).getTime() : -1;
    if (reason === 'host_gone' && goneFor < deps.config.WATCH_PARTY_HOST_GRACE_MS) return;
    const seq = party.seq + 1;
    for (const m of await joinedMembers(tx, partyId))
      if (m.playback_session_id) await stopSession(tx, m.user_id, party.title_id, m.playback_session_id);
    await markEnded(tx, partyId, reason, seq);
    const message = { type: 'party.ended', party_id: partyId, seq, server_ts: Date.now(), reason };
    await deps.hub.publish(partyChannel(partyId), JSON.stringify(message));
  });
}
