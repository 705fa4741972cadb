// The media path across processes: a video uploaded (tus) through instance A is encoded by the worker into
// the shared media store, and the signed playback links that A issues are accepted by instance B, which
// serves the master playlist, a rendition and the key; a tampered link is refused there.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { testMedia } from '../support/media-source.ts';
import { tusClient, uploadAll } from '../support/tus.ts';
import { http, login, signup, skip, startDeployment, wait } from './support.ts';

const ADMIN = { email: 'media-admin@example.com', password: 'AdminPass123' };

t.test('a playback grant issued by A is accepted by B', { skip }, async (t) => {
  const deployment = await startDeployment(t, {
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    MEDIA_ENCODER_PRESET: 'ultrafast',
    MEDIA_LADDER: '240',
  });
  const a = await deployment.api('A');
  const [b, w] = await Promise.all([deployment.api('B'), deployment.worker('W')]);
  t.teardown(() => {
    if (!t.passing()) for (const i of [a, b, w]) t.comment(`--- ${i.name} ---\n${i.output()}`);
  });
  const media = await testMedia();
  t.teardown(() => media.cleanup());

  const admin = await login(a.url, { id: '', token: '', ...ADMIN });
  const file = await readFile(await media.video({ width: 426, height: 240, seconds: 2 }));
  const uploaded = await uploadAll(tusClient(a.url, { authorization: `Bearer ${admin}` }), file, {
    content_id: 'm238',
    filename: 'source.mp4',
  });
  t.equal(uploaded.status, 204, uploaded.body);
  let status = '';
  for (let i = 0; i < 600 && status !== 'ready' && status !== 'failed'; i++) {
    await wait(200);
    const res = await http(a.url, 'GET', '/admin/content/m238/processing-status', { token: admin });
    status = res.body.data?.status;
  }
  t.equal(status, 'ready', 'the worker encoded it');

  const viewer = await signup(a.url);
  const sub = await http(a.url, 'POST', '/subscriptions', {
    token: viewer.token,
    body: { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' },
  });
  t.equal(sub.status, 201);
  const manifest = await http(a.url, 'GET', '/streaming/m238/manifest', { token: viewer.token });
  t.equal(manifest.status, 200);
  const onB = (link: string) => {
    const u = new URL(link);
    return `${b.url}${u.pathname}${u.search}`;
  };
  const master = await fetch(onB(manifest.body.data.manifest_url));
  t.equal(master.status, 200, 'B accepts the grant A signed');
  const text = await master.text();
  t.match(text, /#EXT-X-STREAM-INF/);
  const rendition = text.split('\n').find((line) => line.includes('index.m3u8') && !line.startsWith('#'));
  t.ok(rendition, 'the master lists a rendition');
  const playlist = await fetch(new URL(rendition as string, onB(manifest.body.data.manifest_url)));
  t.equal(playlist.status, 200, 'the rendition playlist is served by B from the shared store');
  t.match(await playlist.text(), /#EXTINF/);
  const key = await fetch(onB(manifest.body.data.drm_license_url));
  t.equal(key.status, 200);
  t.equal((await key.arrayBuffer()).byteLength, 16, 'the AES-128 key');
  const tampered = onB(manifest.body.data.manifest_url).replace(/sig=[^&]+/, `sig=${'A'.repeat(43)}`);
  t.equal((await fetch(tampered)).status, 403, 'a tampered link is refused on B');
});
