// The party.* messages a member sends on the WebSocket: who may send which (members; the host alone moves
// the shared clock, hands over control and removes members), the chat's rate limit, and the event each
// one becomes. Every event goes through emit(), so it carries the party's next seq and a server timestamp.
import { stopSession } from '../../repositories/playback.ts';
import {
  findMember,
  insertChat,
  joinedMembers,
  markHostLeft,
  setMemberStatus,
  type PartyRow,
} from '../../repositories/watch-parties.ts';
import type { PartyClientMessage } from '../../schemas/watch-parties.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { PartyDeps } from './context.ts';
import { emit, type Emitted } from './events.ts';
import { hostGoneParties } from '../../repositories/watch-parties.ts';
import { endParty } from './events.ts';

type Command = Exclude<PartyClientMessage, { type: 'party.join' | 'party.state' }>;
type Of<T extends PartyClientMessage['type']> = Extract<PartyClientMessage, { type: T }>;

const forbidden = (why: string) => new AppError('FORBIDDEN', why);

async function requireMember(tx: Em, party: PartyRow, userId: string) {
  const member = await findMember(tx, party.id, userId);
  if (member?.status !== 'joined') throw new AppError('NOT_FOUND', 'Watch party not found');
  return member;
}

function requireHost(party: PartyRow, userId: string) {
  if (party.host_user_id !== userId)
    throw forbidden('Only the host controls playback, hands over control or removes members');
}

/** Chat and reactions share one counter per member and window (in Redis when configured, so per party). */
async function rateLimit(deps: PartyDeps, partyId: string, userId: string): Promise<void> {
  const { WATCH_PARTY_CHAT_MAX: max, WATCH_PARTY_CHAT_WINDOW_MS: window } = deps.config;
  const slot = Math.floor(Date.now() / window);
  const count = await deps.cache.incr(`wp:rl:${partyId}:${userId}:${slot}`, Math.ceil(window / 1000) + 1);
  if (count > max)
    throw new AppError('RATE_LIMITED', `At most ${max} chat messages or reactions per ${window / 1000} s`, {
      retry_after_ms: (slot + 1) * window - Date.now(),
    });
}

function clock(
  party: PartyRow,
  userId: string,
  msg: Of<'party.play' | 'party.pause' | 'party.seek' | 'party.rate'>,
  serverTs: number,
): Emitted {
  requireHost(party, userId);
  const playing = msg.type === 'party.play' ? true : msg.type === 'party.pause' ? false : party.playing;
  const rate = msg.type === 'party.rate' ? msg.rate : party.rate;
  return {
    type: msg.type,
    fields: { by: userId, position: msg.position, playing, rate },
    changes: { position: msg.position, playing, rate, anchored_at: new Date(serverTs) },
  };
}

/** Applies one command of a member; the resulting event reaches every member through the hub. */
export async function runCommand(deps: PartyDeps, userId: string, msg: Command): Promise<void> {
  if (msg.type === 'party.chat' || msg.type === 'party.react') await rateLimit(deps, msg.party_id, userId);
  await emit(deps, msg.party_id, async (tx, party, at) => {
    const member = await requireMember(tx, party, userId);
    switch (msg.type) {
      case 'party.play':
      case 'party.pause':
      case 'party.seek':
      case 'party.rate':
        return clock(party, userId, msg, at.serverTs);
      case 'party.chat': {
        const text = msg.text.trim();
        if (!text) throw new AppError('INVALID_REQUEST', 'A chat message needs some text');
        const id = crypto.randomUUID();
        const position = msg.position ?? null;
        await insertChat(tx, { id, partyId: party.id, userId, text, position, seq: at.seq });
        return { type: msg.type, fields: { id, user_id: userId, text, position } };
      }
      case 'party.react':
        return { type: msg.type, fields: { user_id: userId, emoji: msg.emoji, position: msg.position ?? null } };
      case 'party.transfer': {
        requireHost(party, userId);
        if (msg.user_id === userId) return null;
        await requireMember(tx, party, msg.user_id);
        // The new host is taken to be present; their last socket leaving starts the grace period.
        return {
          type: msg.type,
          fields: { by: userId, host_user_id: msg.user_id },
          changes: { host_user_id: msg.user_id, host_left_at: null },
        };
      }
      case 'party.kick': {
        requireHost(party, userId);
        if (msg.user_id === userId) throw new AppError('INVALID_REQUEST', 'The host cannot remove themselves');
        const target = await requireMember(tx, party, msg.user_id);
        if (target.playback_session_id)
          await stopSession(tx, msg.user_id, party.title_id, target.playback_session_id, deps.clock.now());
        await setMemberStatus(tx, party.id, msg.user_id, 'kicked');
        return { type: msg.type, fields: { by: userId, user_id: msg.user_id } };
      }
      case 'party.leave': {
        if (member.playback_session_id)
          await stopSession(tx, userId, party.title_id, member.playback_session_id, deps.clock.now());
        await setMemberStatus(tx, party.id, userId, 'left');
        const hostLeaving = party.host_user_id === userId;
        return {
          type: msg.type,
          fields: { user_id: userId, reason: 'left' },
          ...(hostLeaving ? { changes: { host_left_at: new Date() } } : {}),
        };
      }
    }
  });
}

/** A member's socket entered the room: everyone hears of it; the host coming back stops the grace period. */
export async function announceJoin(deps: PartyDeps, partyId: string, userId: string): Promise<void> {
  await emit(deps, partyId, async (tx, party) => {
    const member = await requireMember(tx, party, userId);
    const name = (await joinedMembers(tx, partyId)).find((m) => m.user_id === userId)?.name ?? '';
    return {
      type: 'party.join',
      fields: { user_id: userId, profile_id: member.profile_id, name },
      ...(party.host_user_id === userId ? { changes: { host_left_at: null } } : {}),
    };
  });
}

/** The member's last socket in the room on this instance closed; for the host, the grace period starts. */
export async function announceDisconnect(deps: PartyDeps, partyId: string, userId: string): Promise<void> {
  await emit(deps, partyId, async (tx, party) => {
    const member = await findMember(tx, partyId, userId);
    if (member?.status !== 'joined') return null;
    if (party.host_user_id === userId) await markHostLeft(tx, partyId, userId);
    return { type: 'party.leave', fields: { user_id: userId, reason: 'disconnected' } };
  });
}

/** Ends the parties whose host has been gone longer than the grace period; any instance may run it. */
export async function endAbandoned(deps: PartyDeps): Promise<number> {
  const ids = await hostGoneParties(deps.em, deps.config.WATCH_PARTY_HOST_GRACE_MS);
  for (const id of ids) await endParty(deps, id, 'host_gone');
  return ids.length;
}
