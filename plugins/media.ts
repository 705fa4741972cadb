// The media pipeline's runtime (app.media): the store under DATA_DIR/media (a per-app temp folder when
// DATA_DIR is memory://), ffmpeg found and logged at start-up, and the grant-signing secret, which must
// survive restarts: MEDIA_SIGNING_SECRET, else (outside production) one derived from JWT_SECRET, else one
// generated once and kept in DATA_DIR like the JWT secret.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fp from 'fastify-plugin';
import { ConfigError, type Config } from '../services/config.ts';
import type { MediaContext } from '../services/media/context.ts';
import { discoverTools } from '../services/media/ffmpeg.ts';
import { s3Store } from '../services/media/s3-store.ts';
import { localStore, type MediaStore } from '../services/media/store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    media: MediaContext;
  }
}

function signingSecret(config: Config): string {
  if (config.MEDIA_SIGNING_SECRET) return config.MEDIA_SIGNING_SECRET;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid configuration:\n  MEDIA_SIGNING_SECRET: required in production (every instance must verify the same playback links)',
    );
  }
  if (config.JWT_SECRET) return createHmac('sha256', config.JWT_SECRET).update('media-urls').digest('hex');
  if (config.DATA_DIR === 'memory://') return randomBytes(32).toString('hex');
  const file = path.resolve(config.DATA_DIR, 'media-signing-secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  } catch {
    // first start: generated below
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** MEDIA_STORE: the local folder, or the bucket (checked reachable now, so a bad setting stops the start). */
async function storeOf(config: Config, root: string): Promise<MediaStore> {
  if (config.MEDIA_STORE === 'local') return localStore(root);
  const store = s3Store({
    bucket: config.MEDIA_S3_BUCKET ?? '',
    region: config.MEDIA_S3_REGION,
    endpoint: config.MEDIA_S3_ENDPOINT,
    accessKeyId: config.MEDIA_S3_ACCESS_KEY_ID,
    secretAccessKey: config.MEDIA_S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.MEDIA_S3_FORCE_PATH_STYLE === 'true',
  });
  try {
    await store.list('sources/.check');
  } catch (err) {
    const reason = (err as Error).name || 'unreachable';
    throw new ConfigError(
      `Invalid configuration:\n  MEDIA_S3_BUCKET: bucket "${config.MEDIA_S3_BUCKET}" cannot be listed (${reason})`,
    );
  }
  return store;
}

export default fp(
  async (app) => {
    const { config } = app;
    const secret = signingSecret(config);
    const temporary = config.DATA_DIR === 'memory://';
    const root = temporary
      ? mkdtempSync(path.join(os.tmpdir(), 'cinemate-media-'))
      : path.resolve(config.DATA_DIR, 'media');
    const workDir = path.join(root, '.work');
    const uploadsDir = config.MEDIA_UPLOADS_DIR ? path.resolve(config.MEDIA_UPLOADS_DIR) : path.join(root, '.uploads');
    mkdirSync(workDir, { recursive: true });
    mkdirSync(uploadsDir, { recursive: true });

    let store: MediaStore;
    try {
      store = await storeOf(config, root);
    } catch (err) {
      if (temporary) rmSync(root, { recursive: true, force: true });
      throw err;
    }

    if (config.MEDIA_STORE === 's3')
      app.log.info(
        { bucket: config.MEDIA_S3_BUCKET, endpoint: config.MEDIA_S3_ENDPOINT ?? 'aws', region: config.MEDIA_S3_REGION },
        'media store: S3 bucket',
      );
    else app.log.info({ root }, 'media store: local folder');

    const tools = await discoverTools({ ffmpegPath: config.FFMPEG_PATH, ffprobePath: config.FFPROBE_PATH });
    if (tools.ffmpeg && tools.ffprobe)
      app.log.info(
        { ffmpeg: tools.ffmpeg.path, ffprobe: tools.ffprobe.path, source: tools.ffmpeg.source },
        `media: ${tools.version}`,
      );
    else
      app.log.warn(
        { ffmpeg: tools.ffmpeg?.path, ffprobe: tools.ffprobe?.path },
        `media: ${tools.version}; uploads will fail to process`,
      );

    const media: MediaContext = {
      store,
      tools,
      workDir,
      uploadsDir,
      uploadExpiryMs: config.MEDIA_UPLOAD_EXPIRY_HOURS * 3_600_000,
      ladder: config.MEDIA_LADDER.split(',').map(Number),
      preset: config.MEDIA_ENCODER_PRESET,
      maxUploadBytes: config.MEDIA_MAX_UPLOAD_BYTES,
      signingSecret: secret,
      baseUrl: config.MEDIA_BASE_URL ?? `${config.PUBLIC_BASE_URL}/api/v1/media`,
      grantTtlSeconds: config.MEDIA_GRANT_TTL_SECONDS,
      log: app.log,
      // Read when a message is sent: the real-time plugin may register after this one.
      publish: (userId, message) =>
        app.hasDecorator('realtime') ? app.realtime.publish(userId, message) : Promise.resolve(),
    };
    app.decorate('media', media);
    if (temporary) app.addHook('onClose', async () => rmSync(root, { recursive: true, force: true }));
  },
  { name: 'media', dependencies: ['config'] },
);
