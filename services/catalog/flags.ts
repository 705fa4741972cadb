// Personal flags shown on every title card (is_favorite, in_watchlist, the viewer's rating and resume
// position), for a whole page of titles in one query.
import type { Static } from '@sinclair/typebox';
import { flagsOf } from '../../repositories/library.ts';
import type { Flags } from '../../schemas/movies.ts';
import type { Em } from '../db/orm.ts';

type FlagSchemas = typeof Flags;
export type PersonalFlags = { [K in keyof FlagSchemas]: Static<FlagSchemas[K]> };

export const NO_FLAGS: PersonalFlags = {
  is_favorite: false,
  in_watchlist: false,
  user_rating: null,
  resume_position: null,
};

/** Flags of one profile for the given titles; titles without any flag are absent from the map. */
export async function personalFlags(
  em: Em,
  profileId: string,
  titleIds: string[],
): Promise<Map<string, PersonalFlags>> {
  const out = new Map<string, PersonalFlags>();
  for (const { id, ...flags } of await flagsOf(em, profileId, [...new Set(titleIds)])) {
    if (flags.is_favorite || flags.in_watchlist || flags.user_rating || flags.resume_position !== null)
      out.set(id, flags);
  }
  return out;
}
