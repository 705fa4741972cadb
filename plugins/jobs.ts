// Background jobs: app.jobs.enqueue() from any request; the runner runs in worker.ts, or inside the API
// process itself when JOBS_INLINE says so (the default on the embedded database, which one process owns).
import fp from 'fastify-plugin';
import { enqueue, type EnqueueOptions } from '../repositories/jobs.ts';
import { createRunner, type Runner } from '../services/jobs/runner.ts';
import { jobRegistry } from '../jobs/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    jobs: {
      enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
      runner: Runner;
      /** Every registered job name (the metrics report each, at zero too). */
      names: string[];
    };
  }
}

export default fp(
  async (app) => {
    const registry = jobRegistry(app);
    const leaseSeconds = app.config.JOBS_LEASE_SECONDS;
    const runner = createRunner({
      em: () => app.em(),
      jobs: registry,
      log: app.log,
      leaseSeconds,
      now: () => app.clock.now(),
    });
    app.decorate('jobs', {
      async enqueue(name: string, payload: unknown, options?: EnqueueOptions) {
        if (!registry[name]) throw new Error(`unknown job "${name}"`);
        await enqueue(app.em(), name, payload, options);
      },
      runner,
      names: Object.keys(registry),
    });
    const inline = app.config.JOBS_INLINE === 'true' || (app.config.JOBS_INLINE === 'auto' && !app.config.DATABASE_URL);
    if (inline) {
      app.addHook('onReady', async () => runner.start());
    }
    app.addHook('preClose', async () => runner.stop());
  },
  { name: 'jobs', dependencies: ['config', 'db', 'cache'] },
);
