// `npm run bench`: runs every ratio bench in turn and prints one table of their rows (what, app figure,
// baseline figure, ratio, target). Each bench pins itself: app and baseline on core 0, load on core 1.
// Usage: node bench/run-all.ts [seconds=10] [runs=3]   (DATABASE_URL / REDIS_URL select the stores)
import { spawn } from 'node:child_process';
import type { Row } from './lib.ts';

const args = process.argv.slice(2);
// The PostgreSQL benches (ingest and heartbeats against a bare client, the 50,000-title catalog and the
// recommendations at catalog scale) run only when DATABASE_URL is set; scale-out.ts needs PostgreSQL and
// Redis (processes share state only through them); pglite-mixed.ts measures the embedded default only.
const pg = Boolean(process.env.DATABASE_URL);
const benches = [
  'cached-reads.ts',
  'logins.ts',
  'memory.ts',
  'observability-overhead.ts',
  'graphql-home.ts',
  'watch-party-latency.ts',
  ...(pg ? [] : ['pglite-mixed.ts']),
  ...(pg ? ['catalog-latency.ts', 'heartbeats.ts', 'recs-db.ts', 'analytics-ingest.ts'] : []),
  ...(pg && process.env.REDIS_URL ? ['scale-out.ts'] : []),
];
const rows: Row[] = [];

for (const file of benches) {
  const script = new URL(`./${file}`, import.meta.url).pathname;
  console.log(`== ${file}`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('BENCH_ROW ')) rows.push(JSON.parse(line.slice(10)) as Row);
        else console.log(`  ${line}`);
      }
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`))));
  });
}

console.log('\n| what | app | baseline | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.what} | ${r.app} | ${r.baseline} | ${r.ratio.toFixed(2)} | ${r.target} | ${r.met ? 'yes' : 'no'} |`,
  );
}
