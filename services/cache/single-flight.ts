// Shares one in-flight promise per key so that concurrent misses make one upstream call.

export function createSingleFlight() {
  const inFlight = new Map<string, Promise<unknown>>();
  return function singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = inFlight.get(key);
    if (running) return running as Promise<T>;
    const p = fn().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  };
}
