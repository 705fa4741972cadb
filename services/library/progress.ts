// Playback progress heartbeats (PUT /streaming/:content_id/progress) and the rules they follow:
// under 5 % is not a resume point, over 90 % marks the movie or episode watched, items shorter than
// 5 minutes are never resumable, a position beyond the duration is refused, and a heartbeat older (by its
// client time) than the stored one is ignored, so a late packet never moves playback back in time.
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Viewer } from '../profiles/viewer.ts';
import { requireEpisode, requireTitle } from './titles.ts';

export const RESUME_MIN_RATIO = 0.05;
export const WATCHED_RATIO = 0.9;
export const MIN_RESUMABLE_SECONDS = 300;

export interface ProgressInput {
  position: number;
  duration: number;
  episode_id?: string;
  session_id?: string;
  client_time?: string;
}

export interface ProgressView {
  content_id: string;
  episode_id: string | null;
  position: number;
  duration: number;
  resume_position: number | null;
  completed: boolean;
  updated_at: string;
  /** False when the heartbeat was older than the stored state and changed nothing. */
  applied: boolean;
}

interface Row {
  title_id: string;
  episode_id: string;
  position: number;
  duration: number;
  resume_position: number | null;
  completed: boolean;
  updated_at: string;
}

/** What a heartbeat means on its own (pure: the rules above). */
export function classify(position: number, duration: number): { completed: boolean; resume_position: number | null } {
  const ratio = position / duration;
  const completed = ratio > WATCHED_RATIO;
  const resumable = !completed && duration >= MIN_RESUMABLE_SECONDS && ratio >= RESUME_MIN_RATIO;
  return { completed, resume_position: resumable ? position : null };
}

export async function recordProgress(
  em: Em,
  viewer: Viewer,
  rawId: string,
  input: ProgressInput,
): Promise<ProgressView> {
  if (input.position > input.duration)
    throw new AppError('INVALID_REQUEST', 'position is beyond duration', {
      fields: [{ field: 'position', in: 'body', message: 'must be <= duration' }],
    });
  const title = await requireTitle(em, viewer, rawId);
  let episodeId = '';
  if (title.kind === 'series') {
    if (!input.episode_id)
      throw new AppError('INVALID_REQUEST', 'episode_id is required for a series', {
        fields: [{ field: 'episode_id', in: 'body', message: 'is required for a series' }],
      });
    episodeId = (await requireEpisode(em, title.id, input.episode_id)).id;
  } else if (input.episode_id) {
    throw new AppError('INVALID_REQUEST', 'A movie has no episodes', {
      fields: [{ field: 'episode_id', in: 'body', message: 'is not allowed for a movie' }],
    });
  }
  // A clock ahead of the server is clamped to now, so one fast device cannot freeze everyone's progress.
  const now = Date.now();
  const clientTime = new Date(Math.min(input.client_time ? Date.parse(input.client_time) : now, now)).toISOString();
  const { completed, resume_position } = classify(input.position, input.duration);

  return em.transactional(async (tx) => {
    const applied = await tx.execute<Row[]>(
      `insert into playback_progress as p (profile_id, title_id, episode_id, position, duration, resume_position, completed, completed_at, client_time, session_id, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, case when ? then now() end, ?, ?, now())
       on conflict (profile_id, title_id, episode_id) do update set
         position = excluded.position, duration = excluded.duration, resume_position = excluded.resume_position,
         completed = excluded.completed, completed_at = coalesce(excluded.completed_at, p.completed_at),
         client_time = excluded.client_time, session_id = excluded.session_id, updated_at = now()
       where p.client_time <= excluded.client_time
       returning title_id, episode_id, position, duration, resume_position, completed, updated_at`,
      [
        viewer.profileId,
        title.id,
        episodeId,
        input.position,
        input.duration,
        resume_position,
        completed,
        completed,
        clientTime,
        input.session_id ?? null,
      ],
    );
    if (applied[0]) {
      await tx.execute(
        `insert into watch_history (id, profile_id, title_id, episode_id, position, duration, completed) values (?, ?, ?, ?, ?, ?, ?)
         on conflict (profile_id, title_id) do update set episode_id = excluded.episode_id, position = excluded.position,
           duration = excluded.duration, completed = excluded.completed, watched_at = now()`,
        [crypto.randomUUID(), viewer.profileId, title.id, episodeId || null, input.position, input.duration, completed],
      );
      return view(applied[0], true);
    }
    const current = await tx.execute<Row[]>(
      'select title_id, episode_id, position, duration, resume_position, completed, updated_at from playback_progress where profile_id = ? and title_id = ? and episode_id = ?',
      [viewer.profileId, title.id, episodeId],
    );
    return view(current[0], false);
  });
}

const view = (r: Row, applied: boolean): ProgressView => ({
  content_id: r.title_id,
  episode_id: r.episode_id || null,
  position: Number(r.position),
  duration: Number(r.duration),
  resume_position: r.resume_position === null ? null : Number(r.resume_position),
  completed: r.completed,
  updated_at: new Date(r.updated_at).toISOString(),
  applied,
});
