// One deployment as real processes for the scale tests: API instances (`node server.ts`) and workers (`node
// worker.ts`) on one fresh PostgreSQL database, one Redis key prefix, one JWT and media signing secret and
// one data directory (the media store), each on a port of its own. Helpers for HTTP, WebSocket and Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { freshDatabase, TEST_ENV, usingPostgres, usingRedis } from '../helpers/app.ts';
import { freePort } from '../faults/support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const skip =
  usingPostgres && usingRedis
    ? false
    : 'needs DATABASE_URL and REDIS_URL: instances share state only through PostgreSQL and Redis (the embedded database belongs to one process)';

export interface Instance {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  /** stderr and stdout so far, for a failing test's diagnostics. */
  output(): string;
  /** Sends the signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts the same role again on the same port with the same environment. */
  restart(): Promise<void>;
}

export interface Deployment {
  env: Record<string, string>;
  databaseUrl: string;
  api(name: string, env?: Record<string, string>): Promise<Instance>;
  worker(name: string, env?: Record<string, string>): Promise<Instance>;
  redis: Redis;
  close(): Promise<void>;
}

export interface TeardownContext {
  teardown(fn: () => unknown): void;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls url until it answers 200 (the instance is ready) or the child exits. */
async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}):\n${output()}`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await wait(100);
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${output()}`);
}

export async function startDeployment(t: TeardownContext, extra: Record<string, string> = {}): Promise<Deployment> {
  const db = await freshDatabase(process.env.DATABASE_URL as string);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cinemate-scale-'));
  const prefix = `t:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    DB_POOL_MAX: '5',
    REDIS_URL: process.env.REDIS_URL as string,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: 'scale-test-jwt-secret-0123456789abcdef',
    MEDIA_SIGNING_SECRET: 'scale-test-media-secret-0123456789abcdef',
    JOBS_INLINE: 'false',
    JOBS_TEST_HOOKS: 'true',
    // Every rate-limit class high (as in-process tests have them): only the rate-limit case meets one.
    ...Object.fromEntries(Object.entries(TEST_ENV).filter(([key]) => key.startsWith('RATE_LIMIT_'))),
    LOGIN_BLOCK_THRESHOLD: '10000',
    NOTIFICATIONS_DIGEST_EVERY_S: '0',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    BILLING_RENEWAL_INTERVAL_SECONDS: '0',
    // Several processes start at once on a loaded machine: a slow Redis answer is not what is tested here.
    REDIS_TIMEOUT_MS: '5000',
    ...extra,
  };
  const redis = new Redis(env.REDIS_URL, { keyPrefix: prefix, lazyConnect: true });
  await redis.connect();
  const instances = new Set<Instance>();

  const launch = async (
    name: string,
    script: 'server.ts' | 'worker.ts',
    own: Record<string, string>,
  ): Promise<Instance> => {
    const port = await freePort();
    // A worker logs at info, for the line that says its runner started.
    const level = script === 'worker.ts' ? { LOG_LEVEL: 'info' } : {};
    const childEnv = { ...env, ...level, ...own, PORT: String(port) };
    let log = '';
    let child: ChildProcess;
    const spawnChild = () => {
      // Only the current process's output: the worker's readiness is read from it.
      log = '';
      child = spawn(process.execPath, [path.join(root, script)], { cwd: root, env: childEnv, stdio: 'pipe' });
      child.stdout?.on('data', (d) => {
        log = (log + d).slice(-20_000);
      });
      child.stderr?.on('data', (d) => {
        log = (log + d).slice(-20_000);
      });
    };
    const url = `http://127.0.0.1:${port}`;
    const ready = async () => {
      if (script === 'server.ts') await waitReady(`${url}/readyz`, child, () => log);
      else await waitWorker(child, () => log);
    };
    spawnChild();
    const instance: Instance = {
      name,
      url,
      port,
      get child() {
        return child;
      },
      output: () => log,
      async stop(signal = 'SIGTERM') {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        child.kill(signal);
        return exited;
      },
      async restart() {
        spawnChild();
        await ready();
      },
    };
    instances.add(instance);
    await ready();
    return instance;
  };

  const deployment: Deployment = {
    env,
    databaseUrl: db.url,
    api: (name, own = {}) => launch(name, 'server.ts', own),
    worker: (name, own = {}) => launch(name, 'worker.ts', own),
    redis,
    async close() {
      await Promise.all([...instances].map((i) => i.stop('SIGKILL')));
      redis.disconnect();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  t.teardown(() => deployment.close());
  return deployment;
}

/** A worker has no listener: it is up once it logged that its runner started. */
async function waitWorker(child: ChildProcess, output: () => string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (!output().includes('"worker started"')) {
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${output()}`);
    if (Date.now() > until) throw new Error(`worker not started after ${timeoutMs} ms:\n${output()}`);
    await wait(100);
  }
}

/** fetch with a JSON body and JSON reply. */
export async function http(
  base: string,
  method: string,
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

export interface Account {
  id: string;
  email: string;
  password: string;
  token: string;
}

let counter = 0;
export async function signup(base: string): Promise<Account> {
  counter += 1;
  const email = `scale${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'PASS1234';
  const res = await http(base, 'POST', '/auth/signup', { body: { name: `Scale ${counter}`, email, password } });
  if (res.status !== 201) throw new Error(`signup ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.user.id, email, password, token: res.body.data.auth_token };
}

export async function login(base: string, account: Account, device = 'device'): Promise<string> {
  const res = await http(base, 'POST', '/auth/login', {
    body: { email: account.email, password: account.password, device_name: device },
  });
  if (res.status !== 200) throw new Error(`login ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.auth_token;
}

/** A socket on the instance, with a wait for the next message of a type. */
export async function socket(base: string, token: string) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws?token=${token}`);
  const seen: any[] = [];
  const waiters: { type: string; resolve: (m: any) => void }[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const i = waiters.findIndex((w) => w.type === msg.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(msg);
    else seen.push(msg);
  });
  const next = (type: string, timeoutMs = 10_000): Promise<any> => {
    const i = seen.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  };
  await next('hello');
  return { ws, next, close: () => ws.close() };
}

export { wait };
