// Jobs that exist only for the multi-worker tests (JOBS_TEST_HOOKS=true with NODE_ENV=test): a slow job a
// test can kill its worker in the middle of, and a one-second recurring job whose runs the test counts.
// Each records its runs in the cache, which the test reads from outside the processes.
import type { Cache } from '../cache/types.ts';
import type { JobRegistry } from './runner.ts';

export interface SlowJobPayload {
  /** How long the handler sleeps before it counts itself done. */
  ms: number;
  /** Names the counters: test-job:<key>:started / :done / :pid. */
  key: string;
}

const TTL = 3600;

export function testJobs(cache: Cache): JobRegistry {
  return {
    'test.slow': {
      maxAttempts: 3,
      handler: async (payload: SlowJobPayload) => {
        await cache.set(`test-job:${payload.key}:pid`, String(process.pid), TTL);
        await cache.incr(`test-job:${payload.key}:started`, TTL);
        await new Promise((resolve) => setTimeout(resolve, payload.ms));
        await cache.incr(`test-job:${payload.key}:done`, TTL);
      },
    },
    'test.tick': {
      everySeconds: 1,
      handler: async () => {
        await cache.incr('test-job:tick:runs', TTL);
      },
    },
  };
}
