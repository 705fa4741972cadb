// Runs queued jobs until the queue is idle (processing runs inline in the test process).
import type { FastifyInstance } from 'fastify';

export async function drainJobs(app: FastifyInstance, rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if ((await app.jobs.runner.tick()) === 0) return;
  }
}
