// Signed, expiring media URLs: the player gets a URL that works for a few hours and for one title and
// resolution ceiling, so the media store never needs the viewer's token.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface MediaGrant {
  titleId: string;
  episodeId: string | null;
  maxHeight: number;
  expiresAt: number;
}

const canonical = (g: MediaGrant) => `${g.titleId}|${g.episodeId ?? ''}|${g.maxHeight}|${g.expiresAt}`;

export function signGrant(secret: string, grant: MediaGrant): string {
  return createHmac('sha256', secret).update(canonical(grant)).digest('base64url');
}

export function verifyGrant(secret: string, grant: MediaGrant, signature: string, now = Date.now()): boolean {
  if (grant.expiresAt * 1000 < now) return false;
  const expected = Buffer.from(signGrant(secret, grant));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The query string a signed media URL carries (`episode_id`, `h`, `exp`, `sig`). */
export function grantQuery(secret: string, grant: MediaGrant): string {
  return new URLSearchParams({
    ...(grant.episodeId ? { episode_id: grant.episodeId } : {}),
    h: String(grant.maxHeight),
    exp: String(grant.expiresAt),
    sig: signGrant(secret, grant),
  }).toString();
}

export interface GrantParams {
  episode_id?: string;
  h: number;
  exp: number;
  sig: string;
}

/** The grant named by a media URL's path title and query, or null when its signature or expiry fails. */
export function readGrant(secret: string, titleId: string, q: GrantParams, now = Date.now()): MediaGrant | null {
  const grant = { titleId, episodeId: q.episode_id ?? null, maxHeight: q.h, expiresAt: q.exp };
  return verifyGrant(secret, grant, q.sig, now) ? grant : null;
}
