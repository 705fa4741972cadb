// The time the rules read (expiries, lock-outs, stale sessions, new releases, streaks): one clock per app,
// the system's by default, so a test moves time forward instead of ageing rows with SQL.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
