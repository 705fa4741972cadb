// The cost of metrics and tracing on the cached catalog read (signed in, /movies/popular): the same app in
// four processes: both off (METRICS_ENABLED=false, no tracing: the baseline), metrics only, metrics with
// every request traced, and metrics with 10% of traces sampled; spans go over OTLP/HTTP to a local sink
// that drops them. Each is reported as a throughput ratio to the baseline (target ≥ 0.9), runs
// interleaved. Servers on core 0, load generator and sink on core 1.
// Usage: node bench/observability-overhead.ts [seconds=10] [runs=3]   (DATABASE_URL, REDIS_URL optional)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { load, loadGenerator, median, pinning, pinSelf, report } from './lib.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
const PATH = '/api/v1/movies/popular';
const CONNECTIONS = 32;
pinSelf();

const root = new URL('..', import.meta.url).pathname;
const children: ChildProcess[] = [];
const stopAll = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.once('exit', stopAll);

/** An OTLP/HTTP collector stand-in: reads each batch, answers 200, counts the bytes. */
function startSink() {
  let bytes = 0;
  let batches = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      batches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise<{ url: string; stats: () => { bytes: number; batches: number }; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        stats: () => ({ bytes, batches }),
        close: () => server.close(),
      }),
    ),
  );
}

/** Starts bench/observability-server.ts and resolves with its base URL and sign-in headers. */
function startServer(metrics: boolean, traced: boolean, sinkUrl: string, extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, METRICS_ENABLED: metrics ? 'true' : 'false' };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_')) delete env[key];
  if (traced)
    Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_SERVICE_NAME: 'cinemate-bench', ...extra });
  const args = [...(traced ? ['--import', './services/tracing/preload.ts'] : []), 'bench/observability-server.ts'];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise<{ base: string; headers: Record<string, string>; pid: number }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve({ ...JSON.parse(line.slice(6)), pid: child.pid! });
    });
    child.once('exit', (code) => reject(new Error(`observability-server exited with ${code}`)));
  });
}

/**
 * CPU seconds (user + system) the process has used so far, from /proc. On a machine shared with other
 * work, throughput follows whatever else runs; the CPU each request costs does not, so it is reported too.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after the command name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

const store = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process cache'}`;
console.log(`observability overhead on ${store}; ${SECONDS}s × ${RUNS} runs (median); ${loadGenerator}`);

// The sink lives in this process, which moves to the load core once the servers run on core 0.
const sink = await startSink();
const SAMPLED = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
const sides = {
  off: await startServer(false, false, sink.url),
  metrics: await startServer(true, false, sink.url),
  all: await startServer(true, true, sink.url),
  tenth: await startServer(true, true, sink.url, SAMPLED),
};
if (pinning) {
  const { execFileSync } = await import('node:child_process');
  execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
}

for (const side of Object.values(sides)) {
  const res = await fetch(side.base + PATH, { headers: side.headers });
  if (res.status !== 200) throw new Error(`${PATH}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  await load({ url: side.base + PATH, headers: side.headers, seconds: 2 });
}
const scrape = await fetch(`${sides.all.base}/metrics`, {
  headers: { authorization: 'Bearer bench-metrics-token-0123456789' },
});
if (!/http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/movies\/popular"/.test(await scrape.text()))
  throw new Error('the traced side does not count requests: metrics are not on');

type Side = keyof typeof sides;
const rps: Record<Side, number[]> = { off: [], metrics: [], all: [], tenth: [] };
const ratios: Record<Exclude<Side, 'off'>, number[]> = { metrics: [], all: [], tenth: [] };
const p99: Record<Side, number> = { off: 0, metrics: 0, all: 0, tenth: 0 };
const cpuPerRequest: Record<Side, number[]> = { off: [], metrics: [], all: [], tenth: [] };
let timeouts = 0;
// Interleaved, so that a change in the machine's load hits every side alike.
for (let i = 0; i < RUNS; i++) {
  const run = {} as Record<Side, number>;
  for (const name of ['all', 'off', 'metrics', 'tenth'] as Side[]) {
    const side = sides[name];
    const cpuBefore = cpuSeconds(side.pid);
    const r = await load({ url: side.base + PATH, headers: side.headers, seconds: SECONDS, connections: CONNECTIONS });
    cpuPerRequest[name].push((cpuSeconds(side.pid) - cpuBefore) / (r.rps * SECONDS));
    // Any non-2xx is a broken bench; a few socket timeouts on a crowded machine are noise, not a result.
    if (r.non2xx > 0 || r.errors > r.rps * SECONDS * 0.001)
      throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} socket errors`);
    timeouts += r.errors;
    run[name] = r.rps;
    rps[name].push(r.rps);
    p99[name] = Math.max(p99[name], r.p99);
  }
  ratios.metrics.push(run.metrics / run.off);
  ratios.all.push(run.all / run.off);
  ratios.tenth.push(run.tenth / run.off);
  console.log(
    `run ${i + 1}: off ${run.off.toFixed(0)}, metrics only ${run.metrics.toFixed(0)}, all sampled ${run.all.toFixed(0)}, 10% sampled ${run.tenth.toFixed(0)} req/s`,
  );
}
// Give the batch processors one export interval, so the sink has seen the spans.
await new Promise((r) => setTimeout(r, 5500));
const { bytes, batches } = sink.stats();
if (batches === 0) throw new Error('no span batch reached the sink: tracing is not on');
const us = (side: Side) => median(cpuPerRequest[side]) * 1e6;
console.log(
  `server CPU per request (median): off ${us('off').toFixed(0)} µs, metrics only ${us('metrics').toFixed(0)} µs, ` +
    `all sampled ${us('all').toFixed(0)} µs, 10% sampled ${us('tenth').toFixed(0)} µs; as throughput ratios ` +
    `(off ÷ side, what a dedicated core would give): metrics ${(us('off') / us('metrics')).toFixed(2)}, ` +
    `all ${(us('off') / us('all')).toFixed(2)}, 10% ${(us('off') / us('tenth')).toFixed(2)}`,
);
console.log(`sink: ${batches} OTLP batches, ${(bytes / 1e6).toFixed(1)} MB; ${timeouts} socket errors in all runs`);
const baseline = `${median(rps.off).toFixed(0)} req/s (p99 ${p99.off.toFixed(1)} ms) with METRICS_ENABLED=false, no tracing`;
for (const [name, label] of [
  ['metrics', 'metrics only, tracing off'],
  ['all', 'every request traced'],
  ['tenth', 'OTEL_TRACES_SAMPLER=parentbased_traceidratio, 10%'],
] as const) {
  const ratio = median(ratios[name]);
  report({
    what: `cached ${PATH} signed in, ${name === 'metrics' ? label : `metrics + tracing (${label})`} / both off (${store})`,
    app: `${median(rps[name]).toFixed(0)} req/s (p99 ${p99[name].toFixed(1)} ms)`,
    baseline,
    ratio,
    target: '≥ 0.9',
    met: ratio >= 0.9,
  });
}
stopAll();
sink.close();
