// Contract-test helpers: the real app listening on a loopback port, and a Prism validating proxy in front of
// it (`--errors`), started with a bounded wait and stopped by its process id.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
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

export interface Exchange {
  status: number;
  body: any;
  headers: Headers;
  /** What Prism found wrong: the `sl-violations` header, or its own problem body instead of the server's. */
  violations: unknown[];
}
export interface Send {
  body?: unknown;
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
  via?: string;
}

/**
 * Requests through the proxy: `send` reports what Prism found wrong; `ok` asserts an exchange Prism passes with
 * the expected status; `forbidden` asserts input that the document and the server both refuse.
 */
export function proxyClient(prism: Prism, origin: string) {
  async function send(method: string, url: string, options: Send = {}): Promise<Exchange> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined = options.raw;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${options.via ?? prism.origin}${url}`, { method, headers, body: payload });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {}
    const violations: unknown[] = [];
    const header = res.headers.get('sl-violations');
    if (header) violations.push(...JSON.parse(header));
    if (typeof body?.type === 'string' && body.type.startsWith('https://stoplight.io/prism/errors'))
      violations.push(body.validation ?? body);
    return { status: res.status, body, headers: res.headers, violations };
  }

  /** One exchange that Prism passes untouched: the expected status, no violation. */
  async function ok(t: Test, method: string, url: string, status: number, options: Send = {}) {
    const res = await send(method, url, options);
    t.same(res.violations, [], `${method} ${url}: no violation`);
    t.equal(
      res.status,
      status,
      `${method} ${url}: ${status} ${typeof res.body === 'string' ? '' : JSON.stringify(res.body).slice(0, 300)}`,
    );
    return res;
  }

  /** Input the document forbids: Prism refuses it (422, in the request), and so does the server (400). */
  async function forbidden(t: Test, method: string, url: string, options: Send = {}) {
    const viaPrism = await send(method, url, options);
    t.equal(viaPrism.status, 422, `${method} ${url}: the document refuses it`);
    t.ok(viaPrism.body.validation?.length > 0, 'Prism names what the document forbids');
    for (const v of viaPrism.body.validation ?? [])
      t.ok(['query', 'body', 'path', 'header'].includes(v.location[0]), `located in the request: ${v.message}`);
    const direct = await send(method, url, { ...options, via: origin });
    t.equal(direct.status, 400, `${method} ${url}: the server refuses it too`);
    t.equal(direct.body.error.code, 'INVALID_REQUEST');
  }
  return { send, ok, forbidden };
}
