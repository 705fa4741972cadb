// Personal flags shown on every title card (is_favorite, in_watchlist, the viewer's rating and resume
// position), for a whole page of titles in one query.
import type { Em } from '../db/orm.ts';

export interface PersonalFlags {
  is_favorite: boolean;
  in_watchlist: boolean;
  user_rating: 'up' | 'down' | null;
  resume_position: number | null;
}

export const NO_FLAGS: PersonalFlags = {
  is_favorite: false,
  in_watchlist: false,
  user_rating: null,
  resume_position: null,
};

interface FlagRow {
  id: string;
  is_favorite: boolean;
  in_watchlist: boolean;
  user_rating: 'up' | 'down' | null;
  resume_position: number | null;
}

/** Flags of one profile for the given titles; titles without any flag are absent from the map. */
export async function personalFlags(
  em: Em,
  profileId: string,
  titleIds: string[],
): Promise<Map<string, PersonalFlags>> {
  const ids = [...new Set(titleIds)];
  const out = new Map<string, PersonalFlags>();
  if (ids.length === 0) return out;
  // One round trip: each flag is an index probe on its table's (profile_id, title_id) key. The resume
  // position of a series is that of its most recently played episode.
  const rows = await em.execute<FlagRow[]>(
    `select t.id,
       exists (select 1 from user_favourites f where f.profile_id = ? and f.title_id = t.id) as is_favorite,
       exists (select 1 from watchlist w where w.profile_id = ? and w.title_id = t.id) as in_watchlist,
       (select r.rating from ratings r where r.profile_id = ? and r.title_id = t.id) as user_rating,
       (select p.resume_position from playback_progress p where p.profile_id = ? and p.title_id = t.id
        order by p.updated_at desc limit 1) as resume_position
     from titles t where t.id in (?)`,
    [profileId, profileId, profileId, profileId, ids],
  );
  for (const r of rows) {
    const flags: PersonalFlags = {
      is_favorite: r.is_favorite,
      in_watchlist: r.in_watchlist,
      user_rating: r.user_rating,
      resume_position: r.resume_position === null ? null : Math.floor(Number(r.resume_position)),
    };
    if (flags.is_favorite || flags.in_watchlist || flags.user_rating || flags.resume_position !== null)
      out.set(r.id, flags);
  }
  return out;
}
