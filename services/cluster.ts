// The node:cluster primary behind `npm start` when WEB_CONCURRENCY asks for more than one process: forks
// the API processes (they share the listening port), replaces one that dies, restarts them one at a time
// on SIGHUP (a new process is listening before the old one drains), and on SIGTERM/SIGINT lets every
// process drain as a single one would, exiting when the last has gone.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';

export interface PrimaryOptions {
  processes: number;
  log: (msg: string) => void;
  /** A process that died this soon after its start is not replaced in a loop (a broken deploy). */
  minUptimeMs?: number;
}

export const processCount = (setting: number): number => (setting === 0 ? availableParallelism() : setting);

export function runPrimary(options: PrimaryOptions): void {
  const minUptime = options.minUptimeMs ?? 5000;
  const started = new Map<Worker, number>();
  const retiring = new Set<Worker>();
  let stopping = false;
  let restarting = false;

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork();
      started.set(worker, Date.now());
      worker.once('listening', () => resolve(worker));
      worker.once('exit', (code) => reject(new Error(`API process exited with code ${code} before it listened`)));
    });

  cluster.on('exit', (worker, code, signal) => {
    const since = started.get(worker) ?? 0;
    started.delete(worker);
    if (stopping) {
      if (started.size === 0) process.exit(0);
      return;
    }
    if (retiring.delete(worker)) return;
    options.log(`API process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    if (Date.now() - since < minUptime) {
      options.log('it died right after its start: stopping instead of restarting in a loop');
      stopping = true;
      for (const w of started.keys()) w.process.kill('SIGTERM');
      process.exitCode = 1;
      if (started.size === 0) process.exit(1);
      return;
    }
    fork().catch((err) => options.log(String(err)));
  });

  // One at a time, so that the others keep serving while each is replaced and drains.
  const rollingRestart = async () => {
    if (restarting || stopping) return;
    restarting = true;
    try {
      for (const old of [...started.keys()]) {
        await fork();
        retiring.add(old);
        const gone = new Promise((resolve) => old.once('exit', resolve));
        old.process.kill('SIGTERM');
        await gone;
      }
      options.log('rolling restart done');
    } catch (err) {
      options.log(`rolling restart stopped: ${err}`);
    } finally {
      restarting = false;
    }
  };

  process.on('SIGHUP', () => void rollingRestart());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopping = true;
      for (const w of started.keys()) w.process.kill('SIGTERM');
      if (started.size === 0) process.exit(0);
    });
  }
  for (let i = 0; i < options.processes; i++) fork().catch((err) => options.log(String(err)));
  options.log(`started ${options.processes} API processes (SIGHUP restarts them one at a time)`);
}
