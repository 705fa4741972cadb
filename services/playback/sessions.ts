// Playback sessions (seed 001 streaming): start checks maturity, the subscription and the plan's stream
// limit under a lock on the account, so two devices racing for the last slot cannot both get it; heartbeats
// keep a session alive and a silent one stops counting after STALE_SECONDS.
import type { Deps } from '../deps.ts';
import type { Viewer } from '../profiles/viewer.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { requireEntitlement } from '../billing/entitlements.ts';
import { requireEpisode, requireTitle } from '../library/titles.ts';
import { capQuality, heightOf, type Quality } from './renditions.ts';
import { signGrant } from './signing.ts';
import { parseContentId } from '../catalog/ids.ts';

export const STALE_SECONDS = 120;
export const HEARTBEAT_SECONDS = 30;
const URL_TTL_SECONDS = 6 * 3600;

export interface StartInput {
  device_type: 'web' | 'mobile' | 'tv' | 'tablet';
  quality: Quality;
  episode_id?: string;
}

export interface Media {
  signingSecret: string;
  baseUrl: string;
}

async function firstEpisode(deps: Deps, titleId: string): Promise<string> {
  const rows = await deps.em.execute<{ id: string }[]>(
    `select id from episodes where title_id = ? and deleted_at is null and season_number > 0 order by season_number, episode_number limit 1`,
    [titleId],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'This series has no episodes yet');
  return rows[0].id;
}

function manifestUrl(
  media: Media,
  titleId: string,
  episodeId: string | null,
  maxHeight: number,
): { url: string; expires_at: string } {
  const expiresAt = Math.floor(Date.now() / 1000) + URL_TTL_SECONDS;
  const sig = signGrant(media.signingSecret, { titleId, episodeId, maxHeight, expiresAt });
  const query = new URLSearchParams({
    ...(episodeId ? { episode_id: episodeId } : {}),
    h: String(maxHeight),
    exp: String(expiresAt),
    sig,
  });
  return {
    url: `${media.baseUrl}/api/v1/media/${titleId}/master.m3u8?${query}`,
    expires_at: new Date(expiresAt * 1000).toISOString(),
  };
}

async function resolvePlayable(deps: Deps, viewer: Viewer, rawId: string, episodeId: string | undefined) {
  const title = await requireTitle(deps.em, viewer, rawId);
  let episode: string | null = null;
  if (title.kind === 'series')
    episode = episodeId ? (await requireEpisode(deps.em, title.id, episodeId)).id : await firstEpisode(deps, title.id);
  else if (episodeId)
    throw new AppError('INVALID_REQUEST', 'A movie has no episodes', {
      fields: [{ field: 'episode_id', in: 'body', message: 'only for series' }],
    });
  const plan = await requireEntitlement(deps.em, viewer.userId);
  return { title, episode, plan };
}

export async function getManifest(deps: Deps, media: Media, viewer: Viewer, rawId: string, episodeId?: string) {
  const { title, episode, plan } = await resolvePlayable(deps, viewer, rawId, episodeId);
  const [lang] = await deps.em.execute<{ original_language: string | null }[]>(
    'select original_language from titles where id = ?',
    [title.id],
  );
  const signed = manifestUrl(media, title.id, episode, heightOf(plan.max_resolution) || 720);
  return {
    content_id: title.id,
    episode_id: episode,
    manifest_url: signed.url,
    expires_at: signed.expires_at,
    max_quality: plan.max_resolution ?? '720p',
    drm_license_url: null,
    subtitles: [] as Array<{ language: string; url: string }>,
    audio_tracks: [{ language: lang?.original_language ?? 'en', codec: 'aac', default: true }],
  };
}

export async function startPlayback(
  deps: Deps,
  media: Media,
  viewer: Viewer,
  rawId: string,
  input: StartInput,
  ip: string,
) {
  const { title, episode, plan } = await resolvePlayable(deps, viewer, rawId, input.episode_id);
  const quality = capQuality(input.quality, plan.max_resolution);
  const sessionId = crypto.randomUUID();
  await deps.em.transactional(async (tx) => {
    // The account row is the lock that serialises stream-slot decisions for one account.
    await tx.execute('select id from users where id = ? for update', [viewer.userId]);
    await tx.execute(
      `update playback_sessions set status = 'expired', ended_at = last_heartbeat_at
       where user_id = ? and status = 'active' and last_heartbeat_at < now() - make_interval(secs => ?)`,
      [viewer.userId, STALE_SECONDS],
    );
    const active = await tx.execute<{ id: string; device_type: string; title_id: string }[]>(
      `select id, device_type, title_id from playback_sessions where user_id = ? and status = 'active'`,
      [viewer.userId],
    );
    if (active.length >= plan.max_streams) {
      throw new AppError('STREAM_LIMIT_REACHED', `Your plan allows ${plan.max_streams} stream(s) at once`, {
        max_streams: plan.max_streams,
        active_sessions: active,
      });
    }
    await tx.execute(
      `insert into playback_sessions (id, user_id, profile_id, title_id, episode_id, device_type, quality) values (?, ?, ?, ?, ?, ?, ?)`,
      [sessionId, viewer.userId, viewer.profileId, title.id, episode, input.device_type, quality],
    );
  });
  await audit(deps, {
    action: 'playback.started',
    actorId: viewer.userId,
    ip,
    targetType: 'title',
    targetId: title.id,
    details: { session_id: sessionId, profile_id: viewer.profileId, quality },
  });
  const signed = manifestUrl(media, title.id, episode, heightOf(quality));
  return {
    session_id: sessionId,
    content_id: title.id,
    episode_id: episode,
    quality,
    manifest_url: signed.url,
    expires_at: signed.expires_at,
    heartbeat_seconds: HEARTBEAT_SECONDS,
  };
}

/** A progress heartbeat naming its playback session keeps it counted as active. */
export async function touchPlayback(deps: Pick<Deps, 'em'>, userId: string, sessionId: string): Promise<void> {
  // Older clients send free-form session ids with progress; only ours (UUIDs) name a stream slot.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sessionId)) return;
  await deps.em.execute(
    `update playback_sessions set last_heartbeat_at = now() where id = ? and user_id = ? and status = 'active'`,
    [sessionId, userId],
  );
}

export async function stopPlayback(deps: Deps, userId: string, rawId: string, sessionId: string) {
  const rows = await deps.em.execute<{ id: string; seconds: number }[]>(
    `update playback_sessions set status = 'stopped', ended_at = now()
     where id = ? and user_id = ? and status = 'active' and title_id = ?
     returning id, extract(epoch from ended_at - started_at)::int as seconds`,
    [sessionId, userId, parseContentId(rawId).id],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'Playback session not found');
  return { session_id: sessionId, status: 'stopped' as const, duration_seconds: Number(rows[0].seconds) };
}
