// The catalog at start-up: without TMDB_ACCESS_TOKEN an empty catalog is seeded from the bundled demo
// catalog (one transaction); app.catalog tells routes where titles come from and drops cached reads.
import fp from 'fastify-plugin';
import { loadDemoCatalog, seedDemoCatalog } from '../services/catalog/demo-seed.ts';
import { invalidateCatalog } from '../services/catalog/cache.ts';
import { MovieCard, MovieDetails } from '../schemas/movies.ts';
import { ContentItem } from '../schemas/content.ts';

export interface CatalogDecoration {
  /** 'tmdb' when TMDB_ACCESS_TOKEN is set: lists and details come from TMDb, read through into the tables. */
  mode: 'local' | 'tmdb';
  /** Drops cached lists and details (call after any catalog change). */
  invalidate(titleId?: string): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    catalog: CatalogDecoration;
  }
}

export default fp(
  async (app) => {
    // Shared response schemas, referenced by $id from the movies and content routes.
    for (const schema of [MovieCard, MovieDetails, ContentItem]) app.addSchema(schema);
    const mode = app.config.TMDB_ACCESS_TOKEN ? 'tmdb' : 'local';
    if (mode === 'local') {
      const started = Date.now();
      const imported = await seedDemoCatalog(app.em(), await loadDemoCatalog());
      if (imported > 0) app.log.info({ titles: imported, ms: Date.now() - started }, 'demo catalog imported');
    }
    app.decorate('catalog', { mode, invalidate: (titleId?: string) => invalidateCatalog(app.cache, titleId) });
  },
  { name: 'catalog', dependencies: ['config', 'db', 'cache', 'tmdb'] },
);
