// Where in-flight tus uploads live (MEDIA_UPLOADS_DIR: a folder every API instance mounts) and their expiry
// (the tus `expiration` extension): an unfinished upload older than MEDIA_UPLOAD_EXPIRY_HOURS answers 410 Gone,
// and a recurring job removes its bytes and marks its video failed, so nothing half-uploaded lingers.
import { FileStore } from '@tus/file-store';
import { getAsset, updateAsset } from '../../repositories/media.ts';
import type { Em } from '../db/orm.ts';
import type { MediaContext } from './context.ts';

export const EXPIRE_UPLOADS_JOB = 'media.expire-uploads';

export function uploadStore(media: MediaContext): FileStore {
  return new FileStore({ directory: media.uploadsDir, expirationPeriodInMilliseconds: media.uploadExpiryMs });
}

/** Removes the expired unfinished uploads; returns how many. */
export async function expireUploads(deps: { em: Em; media: MediaContext }, now = new Date()): Promise<number> {
  const store = uploadStore(deps.media);
  let removed = 0;
  for (const id of (await store.configstore.list?.()) ?? []) {
    const upload = await store.getUpload(id).catch(() => null);
    if (!upload?.creation_date || upload.offset === upload.size) continue;
    if (now.getTime() <= new Date(upload.creation_date).getTime() + deps.media.uploadExpiryMs) continue;
    await store.remove(id).catch(() => {});
    removed++;
    // A video upload has an asset row waiting for its bytes; a sidecar upload has none.
    const asset = await getAsset(deps.em, id);
    if (asset?.status === 'uploading')
      await updateAsset(deps.em, id, {
        status: 'failed',
        error: 'The upload expired before it was complete',
        stages: { ...asset.stages, upload: 'failed' },
      });
  }
  return removed;
}
