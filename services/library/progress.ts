// Playback progress heartbeats (PUT /streaming/:content_id/progress) and the rules they follow:
// under 5 % is not a resume point, over 90 % marks the movie or episode watched, items shorter than
// 5 minutes are never resumable, a position beyond the duration is refused, and a heartbeat older (by its
// client time) than the stored one is ignored, so a late packet never moves playback back in time.
import type { Static } from '@sinclair/typebox';
import { applyHeartbeat, findProgress, type ProgressRow } from '../../repositories/progress.ts';
import type { ProgressBody, ProgressResponse } from '../../schemas/library.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Viewer } from '../deps.ts';
import { requireEpisode, requireTitle } from './titles.ts';

export const RESUME_MIN_RATIO = 0.05;
export const WATCHED_RATIO = 0.9;
export const MIN_RESUMABLE_SECONDS = 300;

export type ProgressInput = Static<typeof ProgressBody>;
/** `applied` is false when the heartbeat was older than the stored state and changed nothing. */
export type ProgressView = Static<typeof ProgressResponse>['data'];

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
  const clientTime = new Date(Math.min(input.client_time ? Date.parse(input.client_time) : now, now));
  const { completed, resume_position } = classify(input.position, input.duration);

  const heartbeat = {
    profileId: viewer.profileId,
    titleId: title.id,
    episodeId,
    position: input.position,
    duration: input.duration,
    resumePosition: resume_position,
    completed,
    clientTime,
    sessionId: input.session_id ?? null,
  };
  // applyHeartbeat is one statement (progress and history together), so it needs no transaction around it.
  const applied = await applyHeartbeat(em, heartbeat);
  if (applied) return view(applied, true);
  // Ignored because a newer one is stored: answer with that one.
  const current = await findProgress(em, viewer.profileId, title.id, episodeId);
  if (!current) throw new Error('an ignored heartbeat has a stored state');
  return view(current, false);
}

const view = (r: ProgressRow, applied: boolean): ProgressView => ({
  content_id: r.title_id,
  episode_id: r.episode_id || null,
  position: r.position,
  duration: r.duration,
  resume_position: r.resume_position,
  completed: r.completed,
  updated_at: r.updated_at.toISOString(),
  applied,
});
