// Caps how many upstream requests are in flight; callers beyond the cap wait in a bounded FIFO queue,
// and once the queue is full they are refused at once rather than piling up without limit.

export interface Semaphore {
  /** Resolves with a release function once a slot is free; rejects when the queue is full. */
  acquire(): Promise<() => void>;
  inFlight(): number;
  queued(): number;
}

export class QueueFullError extends Error {
  constructor() {
    super('Too many upstream requests waiting');
    this.name = 'QueueFullError';
  }
}

export function createSemaphore(max: number, maxQueue: number): Semaphore {
  let active = 0;
  const waiters: Array<() => void> = [];

  const releaser = () => {
    let released = false;
    return () => {
      // Idempotent so that a double release in an error path cannot inflate the cap.
      if (released) return;
      released = true;
      const next = waiters.shift();
      if (next) next();
      else active--;
    };
  };

  return {
    acquire() {
      if (active < max) {
        active++;
        return Promise.resolve(releaser());
      }
      if (waiters.length >= maxQueue) return Promise.reject(new QueueFullError());
      // The slot passes straight from the releasing caller to the next waiter: active stays the same.
      return new Promise((resolve) => waiters.push(() => resolve(releaser())));
    },
    inFlight: () => active,
    queued: () => waiters.length,
  };
}
