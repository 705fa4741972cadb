// MikroORM on PostgreSQL or PGlite: runs pending migrations at start-up (unless DB_AUTO_MIGRATE=false),
// gives each request a forked entity manager, and closes the pool when the app closes.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { migrate, openOrm, type Em, type Orm } from '../services/db/orm.ts';

declare module 'fastify' {
  interface FastifyInstance {
    orm: Orm;
    /** A fresh entity manager for work outside a request (jobs, start-up tasks). */
    em(): Em;
  }
  interface FastifyRequest {
    readonly em: Em;
  }
}

export default fp(
  async (app) => {
    const { config } = app;
    const orm = await openOrm({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR === 'memory://' ? 'memory://' : config.DATA_DIR,
      poolMax: config.DB_POOL_MAX,
    });
    app.addHook('onClose', async () => {
      await orm.close(true);
    });
    if (config.DB_AUTO_MIGRATE === 'true') {
      const applied = await migrate(orm);
      if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');
    }
    app.decorate('orm', orm);
    app.decorate('em', () => orm.em.fork() as Em);
    // Forked on first use: a request answered from the cache never pays for an entity manager.
    const forked = Symbol('em');
    app.decorateRequest(forked as unknown as string, null);
    app.decorateRequest('em', {
      getter(this: FastifyRequest) {
        const request = this as FastifyRequest & { [forked]: Em | null };
        return (request[forked] ??= orm.em.fork() as Em);
      },
    });
  },
  { name: 'db', dependencies: ['config'] },
);
