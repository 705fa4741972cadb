// Emitting a party event: under the party's row lock, take the next seq and apply the change; once it is
// committed (so whoever reacts to the message reads the change), publish it on the party's hub channel.
// Two instances may publish neighbouring seqs out of order; the rooms put them back in order (rooms.ts).
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
  const message = await deps.em.transactional(async (tx) => {
    const party = await findParty(tx, partyId, true);
    if (party?.status !== 'active') throw new AppError('NOT_FOUND', 'Watch party not found or ended');
    const at = { seq: party.seq + 1, serverTs: Date.now() };
    const out = await apply(tx, party, at);
    if (!out) return null;
    await updateParty(tx, partyId, { ...out.changes, seq: at.seq });
    return { type: out.type, party_id: partyId, seq: at.seq, server_ts: at.serverTs, ...out.fields };
  });
  if (!message) return null;
  await deps.hub.publish(partyChannel(partyId), JSON.stringify(message));
  return message.seq;
}

/** Ends an active party: every member's stream slot is freed and the chat is deleted. */
export async function endParty(deps: PartyDeps, partyId: string, reason: 'host_ended' | 'host_gone') {
  const message = await deps.em.transactional(async (tx) => {
    const party = await findParty(tx, partyId, true);
    if (party?.status !== 'active') return null;
    // The host may have come back (and even left again) since the sweep read the party.
    const goneFor = party.host_left_at ? Date.now() - new Date(party.host_left_at).getTime() : -1;
    if (reason === 'host_gone' && goneFor < deps.config.WATCH_PARTY_HOST_GRACE_MS) return null;
    const seq = party.seq + 1;
    for (const m of await joinedMembers(tx, partyId))
      if (m.playback_session_id)
        await stopSession(tx, m.user_id, party.title_id, m.playback_session_id, deps.clock.now());
    await markEnded(tx, partyId, reason, seq);
    return { type: 'party.ended', party_id: partyId, seq, server_ts: Date.now(), reason };
  });
  if (message) await deps.hub.publish(partyChannel(partyId), JSON.stringify(message));
}
