// The processing status admins see (seed 001's shape plus the failure reason), for one title or episode.
import { STAGE_NAMES, type StageState } from '../../entities/media/index.ts';
import { latestAsset, type MediaAssetRow, readyAsset, targetExists } from '../../repositories/media.ts';
import type { Static } from '@sinclair/typebox';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { MediaProcessingStatus } from '../../schemas/media.ts';

export type ProcessingView = Static<typeof MediaProcessingStatus>;

export function processingView(
  titleId: string,
  asset: MediaAssetRow | null,
  ready: MediaAssetRow | null = null,
): ProcessingView {
  const stages = Object.fromEntries(
    STAGE_NAMES.map((s) => [s, (asset?.stages[s] ?? 'pending') as StageState]),
  ) as ProcessingView['stages'];
  if (asset?.status === 'uploading') stages.upload = 'in_progress';
  const base = {
    content_id: titleId,
    status: asset ? (asset.status === 'replaced' ? ('ready' as const) : asset.status) : ('no_media' as const),
    progress: asset?.status === 'ready' ? 100 : (asset?.progress ?? 0),
    stages,
    estimated_completion: asset?.estimated_completion ? new Date(asset.estimated_completion).toISOString() : null,
  };
  // Seed 001's shape when nothing was uploaded; the asset's details once something was.
  if (!asset) return base;
  return {
    ...base,
    episode_id: asset.episode_id,
    media_id: asset.id,
    error: asset.status === 'failed' ? (asset.error ?? 'Processing failed') : null,
    playable: Boolean(ready ?? (asset.status === 'ready' ? asset : null)),
    duration_seconds: asset.duration_seconds,
    renditions: asset.renditions.map((r) => `${r.height}p`),
  };
}

export async function processingStatus(em: Em, titleId: string, episodeId: string | null): Promise<ProcessingView> {
  if (!(await targetExists(em, titleId, episodeId))) throw new AppError('NOT_FOUND', 'Content not found');
  const asset = await latestAsset(em, titleId, episodeId);
  const ready = await readyAsset(em, titleId, episodeId);
  return processingView(titleId, asset, ready);
}
