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
