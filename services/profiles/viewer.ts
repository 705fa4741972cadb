// Who is watching: the account, the viewer profile chosen by X-Profile-Id (default: the account's first),
// and the highest maturity level they may see. A profile of another account is "not found", always.
// A PIN-protected profile acts only for a login session that entered its PIN (POST /profiles/:id/select).
import type { Em } from '../db/orm.ts';
import type { Viewer } from '../deps.ts';
import { AppError } from '../errors.ts';
import { KIDS_LEVEL, levelForFilter, maturityLevel } from '../catalog/maturity.ts';
import { findViewer } from '../../repositories/profiles.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The viewer for `profileId` (or the account's first profile). `sessionId` is the caller's login session:
 * without an unlock recorded for it, a PIN-protected profile answers 403 PIN_REQUIRED.
 */
export async function resolveViewer(
  em: Em,
  userId: string,
  profileId: string | undefined,
  sessionId?: string,
): Promise<Viewer> {
  if (profileId !== undefined && !UUID.test(profileId))
    throw new AppError('INVALID_REQUEST', 'X-Profile-Id must be a UUID');
  const row = await findViewer(em, userId, profileId, sessionId ?? null);
  if (!row) throw new AppError('NOT_FOUND', 'Profile not found');
  if (row.has_pin && !row.unlocked) {
    throw new AppError('PIN_REQUIRED', 'This profile is PIN-protected: unlock it with POST /profiles/{id}/select', {
      profile_id: row.id,
    });
  }
  const level = row.is_kids
    ? KIDS_LEVEL
    : Math.min(levelForFilter(row.maturity_filter), maturityLevel(row.maturity_rating));
  return { userId, profileId: row.id, isKids: row.is_kids, maxLevel: level };
}

/** The viewer acting through a profile id in the path (must be a UUID: the route schema checks it). */
export const pathViewer = (em: Em, auth: { userId: string; sessionId: string }, profileId: string): Promise<Viewer> =>
  resolveViewer(em, auth.userId, profileId, auth.sessionId);
