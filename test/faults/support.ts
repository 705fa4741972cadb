// Fault-suite helpers: a TCP proxy that can cut every connection to a dependency and refuse new ones (the
// port closes) and then come back on the same port, a private redis-server on a spare port, and a private
// PostgreSQL database reached through a URL the test controls, and a PostgreSQL cluster of the test's own
// (initdb on a spare port) that can be killed with SIGKILL and started again on its data.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { freshDatabase, TEST_ENV } from '../helpers/app.ts';

const exec = promisify(execFile);
const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Proxy {
  port: number;
  /** Closes the port and destroys every open connection: the dependency looks down. */
  cut(): Promise<void>;
  /** Listens again on the same port: the dependency is back. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
  const port = await listen(0);
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    port,
    cut,
    restore: async () => {
      await listen(port);
    },
    close: async () => {
      if (server.listening) await cut();
    },
  };
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface PrivateRedis {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  freeze(): void;
  /** SIGCONT after a freeze. */
  thaw(): void;
}

/** A redis-server of the test's own (no persistence), so killing it disturbs no other test. */
export async function startRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('redis-server did not start');
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
  };
}

/** A fresh database on the PostgreSQL of DATABASE_URL; returns its URL and a drop function. */
export async function createDatabase(baseUrl: string): Promise<{ url: URL; drop: () => Promise<void> }> {
  const db = await freshDatabase(baseUrl);
  return { url: new URL(db.url), drop: db.drop };
}

const INITDB = '/usr/local/bin/initdb';
const POSTGRES = '/usr/local/bin/postgres';

/** Why a private PostgreSQL cannot be started here (binaries missing, or not root to run them as postgres). */
export function privatePostgresMissing(): string | false {
  if (!existsSync(INITDB) || !existsSync(POSTGRES)) return `needs ${INITDB} and ${POSTGRES}`;
  if (process.getuid?.() !== 0) return 'needs root, to run initdb and postgres as the postgres user';
  return false;
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/cinemate */
  url: string;
  port: number;
  /** SIGKILL to the postmaster: no shutdown, no checkpoint; its backends die with it. */
  kill(): Promise<void>;
  /** Starts postgres again on the same data directory (crash recovery replays the WAL). */
  start(): Promise<void>;
  /** Stops the server and removes the cluster. */
  destroy(): Promise<void>;
  log(): string;
}

/** A cluster of the test's own: initdb into a temp dir owned by postgres, a spare port, database `cinemate`. */
export async function startPostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cinemate-pg-'));
  const { uid, gid } = postgresUser();
  await chown(dir, uid, gid);
  const data = path.join(dir, 'data');
  await exec('runuser', ['-u', 'postgres', '--', INITDB, '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8']);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    // Spawned with the postgres uid (not through runuser) so the postmaster is this process's own child.
    child = spawn(POSTGRES, ['-D', data, '-p', String(port), '-k', dir, '-h', '127.0.0.1'], {
      uid,
      gid,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d) => {
      log = (log + d).slice(-20_000);
    });
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) break;
      if (await accepts(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`postgres did not start:\n${log}`);
  };
  const stop = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  // Should the test process die before its teardown (a timeout), the cluster must not outlive it.
  const orphaned = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', orphaned);
  await start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query('create database cinemate');
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/cinemate`,
    port,
    kill: async () => {
      // The postmaster and every backend at once, as a crash would: a backend outlives its postmaster
      // until it next waits, and would keep answering the connection it holds.
      const backends = child?.pid ? childrenOf(child.pid) : [];
      const killed = stop('SIGKILL');
      for (const pid of backends) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      await killed;
      while (backends.some(alive)) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    // The old backends notice the postmaster's death and exit; until then the shared memory is in use.
    start: async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await start();
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
    destroy: async () => {
      process.removeListener('exit', orphaned);
      await stop('SIGQUIT');
      await rm(dir, { recursive: true, force: true });
    },
    log: () => log,
  };
}

/** The pids whose parent is pid (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // The fields after the command (which may hold spaces) are state, then the parent pid.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Running (a zombie waiting to be reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A real API process (`node server.ts`) on a spare port, ready (its /readyz answered 200). */
export interface Server {
  base: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** What the process wrote so far (its error log), for a failing test's diagnostics. */
  output(): string;
}

export async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'server.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH, ...TEST_ENV, ...env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-50_000);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  // Start-up (migrations, the embedded database) takes a while on a loaded machine.
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { base, child, exited, output: () => stderr };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready: ${stderr}`);
}

/** fetch with a JSON body and reply; a refused connection throws. */
export async function json(base: string, method: string, url: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as any };
}
