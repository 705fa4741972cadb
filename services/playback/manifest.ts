// The streaming manifest (seed 001): what a viewer may play (maturity, subscription) and the signed links to
// the ready ladder: master playlist, key endpoint (`drm_license_url`), subtitles and audio renditions. Every
// link carries one grant (title, episode, the plan's ceiling, expiry) that any instance verifies alone.
import { readyAsset, type MediaAssetRow } from '../../repositories/media.ts';
import { firstEpisodeId } from '../../repositories/playback.ts';
import { requireEntitlement } from '../billing/entitlements.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { requireEpisode, requireTitle } from '../library/titles.ts';
import type { MediaContext } from '../media/context.ts';
import type { Viewer } from '../deps.ts';
import { ceilingOf } from './renditions.ts';
import { grantQuery } from '../media/signing.ts';

export type GrantMedia = Pick<MediaContext, 'signingSecret' | 'baseUrl' | 'grantTtlSeconds'>;

export async function resolvePlayable(deps: Deps, viewer: Viewer, rawId: string, episodeId: string | undefined) {
  const title = await requireTitle(deps.em, viewer, rawId);
  let episode: string | null = null;
  if (title.kind === 'series') {
    episode = episodeId
      ? (await requireEpisode(deps.em, title.id, episodeId)).id
      : await firstEpisodeId(deps.em, title.id);
    if (!episode) throw new AppError('NOT_FOUND', 'This series has no episodes yet');
  } else if (episodeId)
    throw new AppError('INVALID_REQUEST', 'A movie has no episodes', {
      fields: [{ field: 'episode_id', in: 'body', message: 'only for series' }],
    });
  const plan = await requireEntitlement(deps, viewer.userId);
  return { title, episode, plan };
}

/** Signed links into one ready asset for a ceiling, valid for the grant lifetime from `now`. */
export function signedLinks(media: GrantMedia, asset: MediaAssetRow, maxHeight: number, now: Date) {
  const expiresAt = Math.floor(now.getTime() / 1000) + media.grantTtlSeconds;
  const query = grantQuery(media.signingSecret, {
    titleId: asset.title_id,
    episodeId: asset.episode_id,
    maxHeight,
    expiresAt,
  });
  const title = `${media.baseUrl}/${asset.title_id}`;
  const inAsset = (file: string) => `${title}/a/${asset.id}/${file}?${query}`;
  return {
    manifest_url: `${title}/master.m3u8?${query}`,
    expires_at: new Date(expiresAt * 1000).toISOString(),
    drm_license_url: inAsset('key'),
    poster_url: inAsset('poster.jpg'),
    storyboard_url: inAsset('storyboard.vtt'),
    subtitles: asset.subtitles.map((s, i) => ({ language: s.language, name: s.name, url: inAsset(`s${i}/sub.vtt`) })),
    audio_tracks: asset.audio_tracks.map((a, i) => ({
      language: a.language,
      name: a.name,
      codec: a.codec,
      default: a.default,
      url: inAsset(`a${i}/index.m3u8`),
    })),
  };
}

export async function getManifest(deps: Deps, media: GrantMedia, viewer: Viewer, rawId: string, episodeId?: string) {
  const { title, episode, plan } = await resolvePlayable(deps, viewer, rawId, episodeId);
  const asset = await readyAsset(deps.em, title.id, episode);
  if (!asset)
    throw new AppError('MEDIA_NOT_READY', 'This title has no playable media yet', {
      content_id: title.id,
      episode_id: episode,
    });
  const maxHeight = ceilingOf(plan.max_resolution);
  const top = asset.renditions.filter((r) => r.height <= maxHeight).at(-1) ?? asset.renditions[0];
  return {
    content_id: title.id,
    episode_id: episode,
    media_id: asset.id,
    duration_seconds: asset.duration_seconds ?? 0,
    max_quality: plan.max_resolution ?? '720p',
    available_qualities: asset.renditions.filter((r) => r.height <= maxHeight).map((r) => `${r.height}p`),
    top_resolution: top ? `${top.width}x${top.height}` : null,
    ...signedLinks(media, asset, maxHeight, deps.clock.now()),
  };
}
