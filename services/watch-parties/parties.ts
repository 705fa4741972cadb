// Watch parties over REST: a host creates one for a title or episode they may play, members join with the
// invite code, each taking a playback session of their own account (entitlement, maturity of their own
// profile and their plan's stream limit, exactly as starting playback alone); members read it; the host ends it.
import { randomInt } from 'node:crypto';
import { stopSession } from '../../repositories/playback.ts';
import {
  countJoined,
  findMember,
  findParty,
  findPartyByCode,
  insertParty,
  joinedMembers,
  latestChat,
  type PartyRow,
  upsertMember,
} from '../../repositories/watch-parties.ts';
import type { CreateInput, JoinInput, PartyState } from '../../schemas/watch-parties.ts';
import type { Deps } from '../deps.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { GrantMedia } from '../playback/manifest.ts';
import { startPlayback } from '../playback/sessions.ts';
import type { Viewer } from '../deps.ts';
import type { PartyDeps } from './context.ts';
import { endParty } from './events.ts';

// No 0/O, 1/I: codes are read aloud and typed on TVs.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const inviteCode = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

const gone = () => new AppError('NOT_FOUND', 'Watch party not found');

/** The whole state of a party as its members see it. */
export async function partyState(em: Em, party: PartyRow, chatHistory: number): Promise<PartyState> {
  const [members, chat] = await Promise.all([joinedMembers(em, party.id), latestChat(em, party.id, chatHistory)]);
  return {
    id: party.id,
    invite_code: party.code,
    status: party.status,
    content_id: party.title_id,
    episode_id: party.episode_id,
    host_user_id: party.host_user_id,
    seq: party.seq,
    position: party.position,
    playing: party.playing,
    rate: party.rate,
    server_ts: new Date(party.anchored_at).getTime(),
    members: members.map((m) => ({
      user_id: m.user_id,
      profile_id: m.profile_id,
      name: m.name,
      is_host: m.user_id === party.host_user_id,
    })),
    chat: chat.map((c) => ({
      id: c.id,
      seq: c.seq,
      user_id: c.user_id,
      text: c.text,
      position: c.position,
      sent_at: new Date(c.created_at).toISOString(),
    })),
    created_at: new Date(party.created_at).toISOString(),
  };
}

/** The party, for a joined member only; anyone else is told it does not exist. */
export async function memberParty(em: Em, partyId: string, userId: string): Promise<PartyRow> {
  const party = await findParty(em, partyId);
  const member = party && (await findMember(em, partyId, userId));
  if (!party || member?.status !== 'joined') throw gone();
  return party;
}

const device = (input: JoinInput) => ({
  device_type: input.device_type ?? ('web' as const),
  quality: input.quality ?? ('1080p' as const),
});

export async function createParty(deps: Deps, media: GrantMedia, viewer: Viewer, input: CreateInput, ip: string) {
  const playback = await startPlayback(
    deps,
    media,
    viewer,
    input.content_id,
    { ...device(input), episode_id: input.episode_id },
    ip,
  );
  const id = crypto.randomUUID();
  await deps.em.transactional(async (tx) => {
    await insertParty(tx, {
      id,
      code: inviteCode(),
      titleId: playback.content_id,
      episodeId: playback.episode_id,
      hostUserId: viewer.userId,
      position: input.position ?? 0,
    });
    await upsertMember(tx, {
      partyId: id,
      userId: viewer.userId,
      profileId: viewer.profileId,
      playbackSessionId: playback.session_id,
    });
  });
  const party = (await findParty(deps.em, id))!;
  return { party: await partyState(deps.em, party, deps.config.WATCH_PARTY_CHAT_HISTORY), playback };
}

export async function joinParty(
  deps: Deps,
  media: GrantMedia,
  viewer: Viewer,
  code: string,
  input: JoinInput,
  ip: string,
) {
  const party = await findPartyByCode(deps.em, code);
  if (party?.status !== 'active') throw gone();
  const before = await findMember(deps.em, party.id, viewer.userId);
  if (before?.status === 'kicked') throw new AppError('FORBIDDEN', 'The host removed you from this watch party');
  if (before?.status !== 'joined' && (await countJoined(deps.em, party.id)) >= deps.config.WATCH_PARTY_MAX_MEMBERS)
    throw new AppError('CONFLICT', 'This watch party is full', { max_members: deps.config.WATCH_PARTY_MAX_MEMBERS });
  // Joining again (another device, another profile) gives the slot back before taking a new one.
  if (before?.playback_session_id)
    await stopSession(deps.em, viewer.userId, party.title_id, before.playback_session_id, deps.clock.now());
  const playback = await startPlayback(
    deps,
    media,
    viewer,
    party.title_id,
    { ...device(input), ...(party.episode_id ? { episode_id: party.episode_id } : {}) },
    ip,
  );
  await upsertMember(deps.em, {
    partyId: party.id,
    userId: viewer.userId,
    profileId: viewer.profileId,
    playbackSessionId: playback.session_id,
  });
  const fresh = (await findParty(deps.em, party.id))!;
  return { party: await partyState(deps.em, fresh, deps.config.WATCH_PARTY_CHAT_HISTORY), playback };
}

export async function getParty(deps: Pick<Deps, 'em' | 'config'>, userId: string, partyId: string) {
  const party = await memberParty(deps.em, partyId, userId);
  return partyState(deps.em, party, deps.config.WATCH_PARTY_CHAT_HISTORY);
}

/** The host ends the party; a member who is not the host gets 403, anyone else 404. */
export async function closeParty(deps: PartyDeps, userId: string, partyId: string): Promise<void> {
  const party = await memberParty(deps.em, partyId, userId);
  if (party.status !== 'active') throw gone();
  if (party.host_user_id !== userId) throw new AppError('FORBIDDEN', 'Only the host can end the watch party');
  await endParty(deps, partyId, 'host_ended');
}
