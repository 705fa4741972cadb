// The small cache interface every part codes against; Redis and the in-process store both implement it.

export interface Cache {
  /** Raw string value, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores a string for ttlSeconds (> 0). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /** Deletes every key that starts with prefix (list invalidation; keep prefixes narrow). */
  delPrefix(prefix: string): Promise<void>;
  /**
   * Atomically increments a counter (by `by`, default 1), setting its TTL when the counter is created;
   * returns the new value.
   */
  incr(key: string, ttlSeconds: number, by?: number): Promise<number>;
  getJson<T>(key: string): Promise<T | null>;
  setJson(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /**
   * Read-through with single flight: concurrent misses for one key in this process share one call
   * of fn; the result is stored as JSON for ttlSeconds.
   */
  wrap<T>(key: string, ttlSeconds: number, fn: () => Promise<T>): Promise<T>;
  /** Resolves when the store answers, rejects when it is unreachable (readiness probes). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
