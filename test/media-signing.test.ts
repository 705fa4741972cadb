// The media signing key survives restarts (issue 17): on the embedded default it is generated once into
// DATA_DIR, so a playback link issued before a restart still verifies after it; production refuses to start
// without MEDIA_SIGNING_SECRET.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../app.ts';
import { loadConfig } from '../services/config.ts';
import { grantQuery } from '../services/media/signing.ts';
import { buildTestApp } from './helpers/app.ts';
import { addMovie } from './helpers/titles.ts';

t.test('a link signed before a restart still verifies after it', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cinemate-data-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = await buildTestApp(t, { DATA_DIR: dir });
  const movie = await addMovie(first);
  const query = grantQuery(first.media.signingSecret, {
    titleId: movie.id,
    episodeId: null,
    maxHeight: 720,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  const url = `/api/v1/media/${movie.id}/master.m3u8?${query}`;
  t.equal((await first.inject(url)).statusCode, 409, 'valid grant, no media yet');
  const file = await stat(path.join(dir, 'media-signing-secret'));
  t.equal(file.mode & 0o777, 0o600, 'the secret file is private');
  await first.close();

  const second = await buildTestApp(t, { DATA_DIR: dir });
  t.equal(second.media.signingSecret, first.media.signingSecret);
  t.equal((await second.inject(url)).statusCode, 409, 'the grant from before the restart is still accepted');
  const forged = url.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  t.equal((await second.inject(forged)).statusCode, 403);
});

t.test('production needs MEDIA_SIGNING_SECRET', async (t) => {
  const env = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), DATA_DIR: 'memory://', LOG_LEVEL: 'silent' };
  t.throws(() => loadConfig(env), /MEDIA_SIGNING_SECRET: required in production/);
  await t.rejects(buildApp({ env }), /MEDIA_SIGNING_SECRET/);
  t.equal(loadConfig({ ...env, MEDIA_SIGNING_SECRET: 'm'.repeat(40) }).MEDIA_SIGNING_SECRET, 'm'.repeat(40));
});
