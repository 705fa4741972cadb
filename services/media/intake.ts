// Intake of uploaded files (tus or multipart): a video becomes a new asset whose source is moved into the
// store and whose processing job is queued in the same transaction; a subtitle (SRT converted to WebVTT) or
// an extra audio language becomes a sidecar track, and re-encodes the current ladder to include it.
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Static } from '@sinclair/typebox';
import { enqueue } from '../../repositories/jobs.ts';
import {
  createAsset,
  getAsset,
  latestAsset,
  readyAsset,
  targetExists,
  updateAsset,
  upsertTrack,
} from '../../repositories/media.ts';
import type { UploadMetadata } from '../../schemas/media.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { sourceKey, target, type MediaContext } from './context.ts';
import { MediaInputError, toWebVtt } from './probe.ts';
import { run } from './ffmpeg.ts';
import { PROCESS_JOB } from './process.ts';

export type UploadMeta = Static<typeof UploadMetadata>;

export interface IntakeDeps {
  em: Em;
  media: MediaContext;
}

const queue = (em: Em, assetId: string) =>
  enqueue(em, PROCESS_JOB, { asset_id: assetId }, { dedupeKey: `${PROCESS_JOB}:${assetId}`, maxAttempts: 3 });

/** Refuses an upload for a title or episode that does not exist, before any byte is stored. */
export async function checkTarget(em: Em, meta: UploadMeta): Promise<void> {
  if (!(await targetExists(em, meta.content_id, meta.episode_id ?? null)))
    throw new AppError('NOT_FOUND', meta.episode_id ? 'Episode not found' : 'Content not found');
  const kind = meta.kind ?? 'video';
  if (kind !== 'video' && !meta.language)
    throw new AppError('INVALID_REQUEST', 'A subtitle or audio upload names its language', {
      fields: [{ field: 'language', in: 'metadata', message: 'required for subtitle and audio' }],
    });
}

/** An upload has begun: the title's status shows it (the ladder in service, if any, keeps playing). */
export async function beginVideo(
  deps: IntakeDeps,
  assetId: string,
  meta: UploadMeta,
  adminId: string | null,
): Promise<void> {
  await createAsset(deps.em, {
    id: assetId,
    titleId: meta.content_id,
    episodeId: meta.episode_id ?? null,
    status: 'uploading',
    uploadedBy: adminId,
    stages: { upload: 'in_progress' },
  });
}

/** The whole video is here: move it into the store and queue its processing. */
export async function acceptVideo(deps: IntakeDeps, assetId: string, file: string, size: number): Promise<void> {
  const asset = await getAsset(deps.em, assetId);
  if (!asset) throw new AppError('NOT_FOUND', 'Upload not found');
  const key = sourceKey(asset.title_id, asset.episode_id, asset.id);
  await deps.media.store.put(key, createReadStream(file));
  await deps.em.transactional(async (tx) => {
    await updateAsset(tx, assetId, {
      status: 'processing',
      source_key: key,
      source_size: size,
      stages: {
        upload: 'completed',
        encoding: 'pending',
        thumbnail_generation: 'pending',
        cdn_distribution: 'pending',
      },
    });
    await queue(tx, assetId);
  });
}

/** Creates the asset and accepts its file in one go (multipart uploads). */
export async function ingestVideo(
  deps: IntakeDeps,
  meta: UploadMeta,
  adminId: string | null,
  file: string,
  size: number,
): Promise<string> {
  const id = crypto.randomUUID();
  await beginVideo(deps, id, meta, adminId);
  await acceptVideo(deps, id, file, size);
  return id;
}

/** Stores a sidecar track; when the title already has a video, a new ladder including it is queued. */
export async function acceptTrack(
  deps: IntakeDeps,
  meta: UploadMeta,
  file: string,
): Promise<{ media_id: string | null }> {
  const { media } = deps;
  const kind = meta.kind === 'audio' ? 'audio' : 'subtitle';
  const language = meta.language ?? 'und';
  const episodeId = meta.episode_id ?? null;
  const scratch = path.join(media.workDir, `track-${crypto.randomUUID()}`);
  await mkdir(scratch, { recursive: true });
  try {
    let stored = file;
    if (kind === 'subtitle') {
      stored = path.join(scratch, 'sub.vtt');
      await toWebVtt(media.tools, file, stored);
    } else {
      const audio = path.join(scratch, 'audio.m4a');
      // Any container with an audio stream is accepted; it is normalised once to AAC here.
      try {
        await run(media.tools.ffmpeg, [
          '-v',
          'error',
          '-y',
          '-i',
          file,
          '-map',
          '0:a:0',
          '-vn',
          '-c:a',
          'aac',
          '-b:a',
          '192k',
          audio,
        ]);
      } catch (err) {
        if (!media.tools.ffmpeg) throw err;
        throw new MediaInputError('The audio file has no readable audio stream');
      }
      stored = audio;
    }
    const key = `tracks/${target(meta.content_id, episodeId)}/${kind}-${language}-${crypto.randomUUID()}.${kind === 'subtitle' ? 'vtt' : 'm4a'}`;
    await media.store.put(key, createReadStream(stored));
    return await deps.em.transactional(async (tx) => {
      const previous = await upsertTrack(tx, {
        titleId: meta.content_id,
        episodeId,
        kind,
        language,
        label: meta.label ?? null,
        sourceKey: key,
      });
      if (previous) await media.store.delete(previous);
      const base =
        (await readyAsset(tx, meta.content_id, episodeId)) ?? (await latestAsset(tx, meta.content_id, episodeId));
      if (!base?.source_key || base.status === 'failed' || base.status === 'uploading') return { media_id: null };
      const id = crypto.randomUUID();
      await createAsset(tx, {
        id,
        titleId: meta.content_id,
        episodeId,
        status: 'processing',
        uploadedBy: base.uploaded_by,
        stages: { upload: 'completed' },
      });
      await updateAsset(tx, id, { source_key: base.source_key, source_size: base.source_size });
      await queue(tx, id);
      return { media_id: id };
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
