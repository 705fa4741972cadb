// Media URL signing for playback: MEDIA_SIGNING_SECRET, else one derived from JWT_SECRET, else (embedded,
// single process) a random one per process; and where segments live (MEDIA_BASE_URL, a CDN or the media store).
import { createHmac, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { Media } from '../services/playback/sessions.ts';

declare module 'fastify' {
  interface FastifyInstance {
    media: Media & { segmentBaseUrl: string };
  }
}

export default fp(
  async (app) => {
    const { config } = app;
    const signingSecret =
      config.MEDIA_SIGNING_SECRET ??
      (config.JWT_SECRET
        ? createHmac('sha256', config.JWT_SECRET).update('media-urls').digest('hex')
        : randomBytes(32).toString('hex'));
    app.decorate('media', {
      signingSecret,
      baseUrl: config.PUBLIC_BASE_URL,
      segmentBaseUrl: config.MEDIA_BASE_URL ?? `${config.PUBLIC_BASE_URL}/media`,
    });
  },
  { name: 'media', dependencies: ['config'] },
);
