// Contract-test helpers: the real app listening on a loopback port, and a Prism validating proxy in front of
// it (`--errors`), started with a bounded wait and stopped by its process id.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestContext } from '../helpers/app.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

/** A port free at the time of asking (the proxy needs its upstream's port before the app listens). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The test app listening on 127.0.0.1 (PUBLIC_BASE_URL follows the port, so playback URLs are right). */
export async function listeningApp(t: TestContext, env: Record<string, string> = {}, port = 0) {
  const chosen = port || (await freePort());
  const origin = `http://127.0.0.1:${chosen}`;
  const app: FastifyInstance = await buildTestApp(t, { PUBLIC_BASE_URL: origin, ...env });
  await app.listen({ port: chosen, host: '127.0.0.1' });
  return { app, origin };
}

export interface Prism {
  origin: string;
  /** Every line Prism logged, for the violations it reports there. */
  log: string[];
}

/**
 * Starts `prism proxy openapi.json <upstream> --errors` on a free port. Prism reads the 1 MB document in a few
 * seconds; the wait is bounded so a broken start fails the test instead of hanging it.
 */
export async function startPrism(t: TestContext, upstream: string, timeoutMs = 60_000): Promise<Prism> {
  const port = await freePort();
  const args = ['proxy', path.join(root, 'openapi.json'), upstream, '--errors', '-h', '127.0.0.1', '-p', String(port)];
  const child = spawn(bin('prism'), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  const log: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism did not start in ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      // Prism colours its log; without the escapes the lines read as text.
      const lines = stripVTControlCharacters(chunk.toString('utf8')).split('\n');
      log.push(...lines.filter(Boolean));
      if (lines.some((l) => l.includes('Prism is listening'))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`prism exited (${code}) before listening:\n${log.slice(-20).join('\n')}`));
    });
  });
  await ready;
  return { origin: `http://127.0.0.1:${port}`, log };
}
