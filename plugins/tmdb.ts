// app.tmdb: the TMDb v3 client when TMDB_ACCESS_TOKEN is set (null otherwise), sharing the app's cache.
import fp from 'fastify-plugin';
import { createTmdbClient, type TmdbClient } from '../services/tmdb/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    tmdb: TmdbClient | null;
  }
}

export default fp(
  async (app) => {
    const { config } = app;
    if (!config.TMDB_ACCESS_TOKEN) {
      app.decorate('tmdb', null);
      return;
    }
    const client = createTmdbClient({
      baseUrl: config.TMDB_BASE_URL,
      accessToken: config.TMDB_ACCESS_TOKEN,
      cache: app.cache,
      timeoutMs: config.TMDB_TIMEOUT_MS,
      maxConcurrent: config.TMDB_MAX_CONCURRENT,
      logger: app.log,
    });
    app.decorate('tmdb', client);
    app.addHook('onClose', () => client.close());
  },
  { name: 'tmdb', dependencies: ['config', 'cache'] },
);
