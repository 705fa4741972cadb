// Load generator for bench/analytics-ingest.ts, run as a child pinned to the other core: POSTs batches of
// events, each request as a random one of the bench's users, with fresh event ids. argv[2]: JSON
// { url, connections, duration, usersFile, batch, ids }; prints the result as JSON.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { autocannonSummary } from './lib.ts';

// autocannon ships no type declarations; only its result fields read below are relied on.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: object) => Promise<any>;

const opts = JSON.parse(process.argv[2]!) as {
  url: string;
  connections: number;
  duration: number;
  usersFile: string;
  batch: number;
  /** Send client event ids (the retry-safe path: each id is recorded too). */
  ids: boolean;
};
const users = JSON.parse(readFileSync(opts.usersFile, 'utf8')) as Array<{ token: string; profile: string }>;
const TYPES = ['video_play', 'video_progress', 'video_pause', 'video_complete'];

function body(profile: string): string {
  const now = new Date().toISOString();
  const events = Array.from({ length: opts.batch }, (_, i) => ({
    event_type: TYPES[i % TYPES.length],
    profile_id: profile,
    content_id: `m${100 + (i % 40)}`,
    timestamp: now,
    ...(opts.ids ? { event_id: crypto.randomUUID() } : {}),
    metadata: { device_type: 'web', quality: '1080p', position: i * 30, watched_seconds: 30 },
  }));
  return JSON.stringify({ events });
}

const result = await autocannon({
  url: opts.url,
  connections: opts.connections,
  duration: opts.duration,
  requests: [
    {
      method: 'POST',
      setupRequest: (req: any) => {
        const user = users[Math.floor(Math.random() * users.length)]!;
        return {
          ...req,
          path: '/api/v1/analytics/events',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
          body: body(user.profile),
        };
      },
    },
  ],
});
console.log(JSON.stringify(autocannonSummary(result)));
