// One side of bench/observability-overhead.ts, run as its own process (tracing is process-wide and must
// start before the app loads: the parent starts this file with or without the tracing preload). Builds
// the app, signs a viewer in, prints `READY {base, headers}` and serves until it is terminated.
import { startBenchApp } from './app.ts';

const { app, base } = await startBenchApp({
  METRICS_ENABLED: process.env.METRICS_ENABLED ?? 'true',
  METRICS_TOKEN: 'bench-metrics-token-0123456789',
});

const email = `bench-${process.pid}-${Date.now()}@example.com`;
const signup = await fetch(`${base}/api/v1/auth/signup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'Bench Viewer', email, password: 'BenchPass123', genres: [] }),
});
if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
const token = ((await signup.json()) as { data: { auth_token: string } }).data.auth_token;
const authorization = `Bearer ${token}`;
const profiles = await fetch(`${base}/api/v1/profiles`, { headers: { authorization } });
const list = ((await profiles.json()) as { data: { id: string }[] | { profiles: { id: string }[] } }).data;
const first = Array.isArray(list) ? list[0] : list.profiles[0];
if (!first) throw new Error('the new account has no profile');

console.log(`READY ${JSON.stringify({ base, headers: { authorization, 'x-profile-id': first.id } })}`);
process.once('SIGTERM', () => {
  app.close().finally(() => process.exit(0));
});
