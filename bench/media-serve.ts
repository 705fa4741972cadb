// Segment serving throughput: one encrypted HLS segment fetched through the API (grant check + media store +
// Range-capable streaming) against a bare node:http server streaming the same file, in the same run, to
// 127.0.0.1 only. Figures, not a test. Pin the servers and the load generator to different cores:
// Usage: taskset -c 0 node bench/media-serve.ts [seconds=10] [runs=2] [connections=20]   (target ratio ≥ 0.8)
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildApp } from '../app.ts';
import { ensureAdmin } from '../services/auth/admin.ts';
import { ingestVideo } from '../services/media/intake.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 2);
const CONNECTIONS = Number(process.argv[4] ?? 20);
const exec = promisify(execFile);
const client = new URL('./load-client.ts', import.meta.url).pathname;

async function load(url: string) {
  // The load generator runs on the other core (taskset -c 1), never on the servers' one.
  const { stdout } = await exec(
    'taskset',
    ['-c', '1', process.execPath, client, JSON.stringify({ url, connections: CONNECTIONS, duration: SECONDS })],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    rps: number;
    p99: number;
    non2xx: number;
    errors: number;
    timeouts: number;
  };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'cinemate-bench-serve-'));
const app = await buildApp({
  env: {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: 'memory://',
    JOBS_INLINE: 'false',
    RATE_LIMIT_GENERAL_MAX: '1000000',
    RATE_LIMIT_CONTENT_MAX: '1000000',
    RATE_LIMIT_STREAMING_MAX: '1000000',
    MEDIA_ENCODER_PRESET: 'ultrafast',
    MEDIA_LADDER: '480',
    // A loaded machine at start-up must not make the API shed the set-up requests.
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
  },
});
try {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const api = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const json = async (method: string, url: string, token?: string, body?: object) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload: body,
    });
    return res.json().data;
  };
  const signup = async (name: string) => {
    const email = `${name}-${Date.now()}@bench.local`;
    const data = await json('POST', '/api/v1/auth/signup', undefined, {
      name,
      email,
      password: 'PASS1234',
      genres: [],
    });
    return { email, token: data.auth_token as string };
  };

  // One 6-second 480p segment, produced by the real pipeline.
  const admin = await signup('admin');
  await ensureAdmin(app.em(), admin.email, 'PASS1234');
  const title = (await json('POST', '/api/v1/admin/content', admin.token, { type: 'movie', title: 'Bench' })).content;
  const source = path.join(dir, 'source.mp4');
  await exec('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=30:duration=6'],
    ...['-f', 'lavfi', '-i', 'sine=duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', source],
  ]);
  await ingestVideo(
    { em: app.em(), media: app.media },
    { content_id: title.id },
    null,
    source,
    (await stat(source)).size,
  );
  await app.jobs.runner.tick();
  const viewer = await signup('viewer');
  await json('POST', '/api/v1/subscriptions', viewer.token, {
    plan: 'basic',
    interval: 'month',
    payment_method: 'pm_card_visa',
  });
  const manifest = new URL((await json('GET', `/api/v1/streaming/${title.id}/manifest`, viewer.token)).manifest_url);
  const master = await (await fetch(`${api}${manifest.pathname}${manifest.search}`)).text();
  const variant = new URL(master.split('\n').find((l) => l.startsWith('a/'))!, `${api}${manifest.pathname}`);
  const playlist = await (await fetch(variant)).text();
  const segmentUrl = new URL(playlist.split('\n').find((l) => l.startsWith('seg_'))!, variant).toString();
  const bytes = Buffer.from(await (await fetch(segmentUrl)).arrayBuffer());
  const file = path.join(dir, 'segment.ts');
  await writeFile(file, bytes);

  const bare = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'video/mp2t',
      'content-length': bytes.length,
      'cache-control': 'public, max-age=31536000, immutable',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/segment.ts`;

  console.log(
    `segment ${(bytes.length / 1024).toFixed(0)} KiB, ${CONNECTIONS} connections, ${SECONDS} s x ${RUNS} runs`,
  );
  const ratios: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const a = await load(segmentUrl);
    const b = await load(bareUrl);
    ratios.push(a.rps / b.rps);
    const mb = (rps: number) => ((rps * bytes.length) / 1e6).toFixed(0);
    console.log(
      `run ${run}: api ${a.rps.toFixed(0)} req/s (${mb(a.rps)} MB/s, p99 ${a.p99} ms, non-2xx ${a.non2xx}, ` +
        `errors ${a.errors}, timeouts ${a.timeouts}) | bare ${b.rps.toFixed(0)} req/s (${mb(b.rps)} MB/s, ` +
        `p99 ${b.p99} ms, errors ${b.errors}, timeouts ${b.timeouts}) | ratio ${(a.rps / b.rps).toFixed(2)}`,
    );
  }
  console.log(`median ratio api/bare: ${ratios.sort((x, y) => x - y)[Math.floor(ratios.length / 2)].toFixed(2)}`);
  bare.close();
} finally {
  await app.close();
  await rm(dir, { recursive: true, force: true });
}
