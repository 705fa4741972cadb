// Playback sessions (seed 001 streaming): start checks maturity, the subscription and the plan's stream
// limit under a lock on the account, so two devices racing for the last slot cannot both get it; heartbeats
// keep a session alive and a silent one stops counting after STALE_SECONDS.
import { readyAsset } from '../../repositories/media.ts';
import {
  activeSessions,
  expireStale,
  insertSession,
  lockAccount,
  stopSession,
  touchSession,
} from '../../repositories/playback.ts';
import type { Static } from '@sinclair/typebox';
import type { StartBody } from '../../schemas/playback.ts';
import { audit } from '../audit.ts';
import { resolveTitleId } from '../library/titles.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { Viewer } from '../deps.ts';
import { type GrantMedia, resolvePlayable, signedLinks } from './manifest.ts';
import { capQuality, heightOf } from './renditions.ts';

export { getManifest } from './manifest.ts';

export const STALE_SECONDS = 120;
export const HEARTBEAT_SECONDS = 30;

export type StartInput = Omit<Static<typeof StartBody>, 'profile_id'>;

export async function startPlayback(
  deps: Deps,
  media: GrantMedia,
  viewer: Viewer,
  rawId: string,
  input: StartInput,
  ip: string,
) {
  const { title, episode, plan } = await resolvePlayable(deps, viewer, rawId, input.episode_id);
  const quality = capQuality(input.quality, plan.max_resolution);
  const sessionId = crypto.randomUUID();
  const now = deps.clock.now();
  await deps.em.transactional(async (tx) => {
    await lockAccount(tx, viewer.userId);
    await expireStale(tx, viewer.userId, STALE_SECONDS, now);
    const active = await activeSessions(tx, viewer.userId);
    if (active.length >= plan.max_streams) {
      throw new AppError('STREAM_LIMIT_REACHED', `Your plan allows ${plan.max_streams} stream(s) at once`, {
        max_streams: plan.max_streams,
        active_sessions: active,
      });
    }
    await insertSession(tx, {
      id: sessionId,
      userId: viewer.userId,
      profileId: viewer.profileId,
      titleId: title.id,
      episodeId: episode,
      deviceType: input.device_type,
      quality,
      at: now,
    });
  });
  await audit(deps, {
    action: 'playback.started',
    actorId: viewer.userId,
    ip,
    targetType: 'title',
    targetId: title.id,
    details: { session_id: sessionId, profile_id: viewer.profileId, quality },
  });
  // The slot is the account's; the link exists only once the title has a ready ladder.
  const asset = await readyAsset(deps.em, title.id, episode);
  const links = asset ? signedLinks(media, asset, heightOf(quality), deps.clock.now()) : null;
  return {
    session_id: sessionId,
    content_id: title.id,
    episode_id: episode,
    quality,
    manifest_url: links?.manifest_url ?? null,
    expires_at: links?.expires_at ?? null,
    heartbeat_seconds: HEARTBEAT_SECONDS,
  };
}

/** A progress heartbeat naming its playback session keeps it counted as active. */
export async function touchPlayback(
  deps: Pick<Deps, 'em' | 'clock'>,
  userId: string,
  sessionId: string,
): Promise<void> {
  // Older clients send free-form session ids with progress; only ours (UUIDs) name a stream slot.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sessionId)) return;
  await touchSession(deps.em, userId, sessionId, deps.clock.now());
}

export async function stopPlayback(deps: Deps, userId: string, rawId: string, sessionId: string) {
  const seconds = await stopSession(deps.em, userId, await resolveTitleId(deps.em, rawId), sessionId, deps.clock.now());
  if (seconds === null) throw new AppError('NOT_FOUND', 'Playback session not found');
  return { session_id: sessionId, status: 'stopped' as const, duration_seconds: seconds };
}
