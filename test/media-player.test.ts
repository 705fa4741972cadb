// A real player: headless Chromium loads a page with hls.js and plays the manifest the API returned. Playback
// advances, no rendition above the session's ceiling is ever requested, the audio and subtitle tracks switch,
// a tampered grant makes playback fail, and the page's QoE beacons (built from hls.js and video events)
// reach the API and show in the admin QoE report.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin, newUser } from './helpers/factories.ts';
import { addMovie } from './helpers/titles.ts';
import { drainJobs } from './support/media-jobs.ts';
import { testMedia } from './support/media-source.ts';
import { tusClient, uploadAll } from './support/tus.ts';

const require = createRequire(import.meta.url);
const app = await buildTestApp(t, { MEDIA_ENCODER_PRESET: 'ultrafast', MEDIA_LADDER: '240,480,720' });
const api = await app.listen({ port: 0, host: '127.0.0.1' });
const media = await testMedia();
t.teardown(() => media.cleanup());

// Prepare: a 720p source with two audio languages and an English subtitle, processed into 240/480/720.
const admin = await newAdmin(app);
const tus = tusClient(api, admin.headers);
const movie = await addMovie(app);
await uploadAll(tus, await readFile(await media.srt()), { content_id: movie.id, kind: 'subtitle', language: 'en' });
await uploadAll(tus, await readFile(await media.video({ width: 1280, height: 720, seconds: 8 })), {
  content_id: movie.id,
});
await drainJobs(app);
const viewer = await newUser(app);
await call(app, {
  method: 'POST',
  url: '/api/v1/subscriptions',
  headers: viewer.headers,
  payload: { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' },
});
const started = await call(app, {
  method: 'POST',
  url: `/api/v1/streaming/${movie.id}/start`,
  headers: viewer.headers,
  payload: { device_type: 'web', quality: '480p' },
});
const manifest = new URL(started.body.data.manifest_url);

// The page and hls.js come from the same origin as the API (a small proxy), as a web client's would.
const hlsJs = await readFile(require.resolve('hls.js/dist/hls.min.js'));
const page = `<!doctype html><html><body><video id="v" muted autoplay playsinline></video>
<script src="/hls.js"></script><script>
window.errors = []; window.switched = {};
window.play = (url) => {
  const v = document.getElementById('v');
  const hls = new Hls({ enableWorker: false });
  window.hls = hls;
  hls.on(Hls.Events.ERROR, (_e, d) => window.errors.push({ fatal: d.fatal, details: d.details, code: d.response && d.response.code }));
  hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, (_e, d) => { window.switched.audio = d.id; });
  hls.on(Hls.Events.SUBTITLE_TRACK_LOADED, (_e, d) => { window.switched.subtitle = d.id; });
  hls.on(Hls.Events.MANIFEST_PARSED, () => v.play().catch((e) => window.errors.push({ fatal: true, details: String(e) })));
  hls.loadSource(url);
  hls.attachMedia(v);
};
// QoE beacons as a web client sends them: totals since play() (startup, stalls, switches, renditions,
// watch time, bitrate, dropped frames, fatal errors), at start, every intervalMs (30 s in production) and stop.
window.beacons = [];
window.startQoe = (sessionId, token, intervalMs) => {
  const v = document.getElementById('v');
  const hls = window.hls;
  const s = { t0: performance.now(), startup: null, watch: 0, last: null, stalls: 0, stallMs: 0, stallAt: null,
    switches: 0, renditions: new Set(), bitrateMs: 0, fatal: 0, level: null, timer: null };
  const send = (kind) => {
    const q = v.getVideoPlaybackQuality();
    const body = { kind, startup_ms: s.startup, watch_ms: Math.round(s.watch), rebuffer_count: s.stalls,
      rebuffer_ms: Math.round(s.stallMs), bitrate_switches: Math.max(0, s.switches - 1), renditions: [...s.renditions],
      dropped_frames: q.droppedVideoFrames, fatal_errors: s.fatal };
    if (s.watch > 0) body.avg_bitrate_kbps = Math.round(s.bitrateMs / s.watch / 1000);
    return fetch('/api/v1/streaming/sessions/' + sessionId + '/qoe', { method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify(body) })
      .then((r) => window.beacons.push({ kind, status: r.status, body }));
  };
  v.addEventListener('playing', () => {
    if (s.startup === null) {
      s.startup = Math.round(performance.now() - s.t0);
      send('start');
      s.timer = setInterval(() => send('heartbeat'), intervalMs);
    }
    if (s.stallAt !== null) { s.stallMs += performance.now() - s.stallAt; s.stallAt = null; }
  });
  v.addEventListener('waiting', () => { if (s.startup !== null && s.stallAt === null) { s.stalls++; s.stallAt = performance.now(); } });
  v.addEventListener('timeupdate', () => {
    const now = v.currentTime;
    // Jumps (seeks) are not watch time.
    if (s.last !== null && now > s.last && now - s.last < 2) {
      const ms = (now - s.last) * 1000;
      s.watch += ms;
      s.bitrateMs += ms * (s.level ? s.level.bitrate : 0);
    }
    s.last = now;
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, (_e, d) => { s.level = hls.levels[d.level]; s.renditions.add(s.level.height + 'p'); s.switches++; });
  hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) s.fatal++; });
  window.stopQoe = () => { clearInterval(s.timer); return send('stop'); };
};
</script></body></html>`;
const proxy = createServer(async (req, res) => {
  if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  if (req.url === '/hls.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
  const headers: Record<string, string> = {};
  for (const h of ['range', 'authorization', 'content-type']) if (req.headers[h]) headers[h] = String(req.headers[h]);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const upstream = await fetch(`${api}${req.url}`, {
    method: req.method,
    headers,
    body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
  });
  const out: Record<string, string> = {};
  for (const h of ['content-type', 'content-range', 'cache-control', 'accept-ranges'])
    if (upstream.headers.get(h)) out[h] = upstream.headers.get(h)!;
  res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
t.teardown(() => proxy.close());
const origin = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--autoplay-policy=no-user-gesture-required',
  ],
});
t.teardown(() => browser.close());

// Browser-side code is passed as strings: the test runs in Node, the page in Chromium.
const CURRENT_TIME = "document.getElementById('v').currentTime";
const play = (url: URL) => `window.play(${JSON.stringify(url.pathname + url.search)})`;

t.test('hls.js plays the ladder within the ceiling and switches tracks', async (t) => {
  const tab = await browser.newPage();
  const requested: string[] = [];
  tab.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await tab.goto(`${origin}/`);
  await tab.evaluate(play(manifest));
  await tab.waitForFunction(`${CURRENT_TIME} > 1`, null, { timeout: 60_000 });
  const state = (await tab.evaluate(`({
    heights: window.hls.levels.map((l) => l.height),
    audio: window.hls.audioTracks.length,
    subtitles: window.hls.subtitleTracks.length,
    fatal: window.errors.filter((e) => e.fatal),
  })`)) as { heights: number[]; audio: number; subtitles: number; fatal: unknown[] };
  t.same(state.heights, [240, 480], 'the player sees only renditions within the 480p session');
  t.equal(state.audio, 2);
  t.equal(state.subtitles, 1);
  t.same(state.fatal, []);

  await tab.evaluate('window.hls.audioTrack = 1; window.hls.subtitleTrack = 0;');
  await tab.waitForFunction('window.switched.audio === 1 && window.switched.subtitle === 0', null, {
    timeout: 30_000,
  });
  const before = (await tab.evaluate(CURRENT_TIME)) as number;
  await tab.waitForFunction(`${CURRENT_TIME} > ${before + 0.5}`, null, { timeout: 30_000 });
  t.ok(
    requested.some((p) => p.includes('/a1/')),
    'the second audio language was fetched',
  );
  t.ok(
    requested.some((p) => p.includes('/s0/')),
    'the subtitle track was fetched',
  );
  t.ok(
    requested.some((p) => p.endsWith('/key')),
    'the key was fetched',
  );
  t.notOk(
    requested.some((p) => p.includes('/v720/')),
    'no rendition above the ceiling was ever requested',
  );
  await tab.close();
});

t.test('a tampered grant makes playback fail', async (t) => {
  const tab = await browser.newPage();
  await tab.goto(`${origin}/`);
  const tampered = new URL(manifest);
  tampered.searchParams.set('h', '720');
  await tab.evaluate(play(tampered));
  await tab.waitForFunction('window.errors.some((e) => e.fatal)', null, { timeout: 30_000 });
  t.match(await tab.evaluate('window.errors'), [{ fatal: true, details: 'manifestLoadError', code: 403 }]);
  t.equal(await tab.evaluate(CURRENT_TIME), 0);
  await tab.close();
});

t.test('the page’s QoE beacons arrive and aggregate in the admin report', async (t) => {
  const tab = await browser.newPage();
  await tab.goto(`${origin}/`);
  const session = started.body.data.session_id as string;
  await tab.evaluate(
    `${play(manifest)}; window.startQoe(${JSON.stringify(session)}, ${JSON.stringify(viewer.token)}, 1000)`,
  );
  await tab.waitForFunction(`${CURRENT_TIME} > 3 && window.beacons.length >= 3`, null, { timeout: 60_000 });
  await tab.evaluate('window.stopQoe()');
  await tab.waitForFunction("window.beacons.some((b) => b.kind === 'stop')", null, { timeout: 10_000 });
  const sent = (await tab.evaluate('window.beacons')) as Array<{ kind: string; status: number; body: any }>;
  await tab.close();
  t.ok(
    sent.every((b) => b.status === 202),
    `every beacon accepted: ${JSON.stringify(sent.map((b) => b.status))}`,
  );
  t.equal(sent[0].kind, 'start');
  const last = sent.find((b) => b.kind === 'stop')!.body;
  t.ok(last.startup_ms > 0 && last.watch_ms > 2000, `measured: ${JSON.stringify(last)}`);
  t.ok(
    last.renditions.every((r: string) => r === '240p' || r === '480p'),
    'only renditions within the ceiling played',
  );

  const report = await call(app, {
    method: 'GET',
    url: `/api/v1/admin/analytics/qoe?content_id=${movie.id}`,
    headers: admin.headers,
  });
  t.equal(report.status, 200);
  const [row] = report.body.data.titles;
  t.match(row, {
    content_id: movie.id,
    sessions: 1,
    startup_p50_ms: last.startup_ms,
    exits_before_start: 0,
    error_rate: 0,
    watch_seconds: last.watch_ms / 1000,
    avg_bitrate_kbps: last.avg_bitrate_kbps,
  });
  t.ok(row.avg_bitrate_kbps > 0, 'bitrate from the levels hls.js played');
  t.ok(row.score >= 0 && row.score <= 100);
  t.equal(report.body.data.overall.sessions, 1);
});
