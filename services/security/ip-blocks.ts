// Timed IP blocks (seed 003's ip_blacklist): repeated failed logins from one IP block it for a while.
// Lookups are cached so the check costs one cache read per request.
import { blockedUntil, insertBlock } from '../../repositories/ip-blocks.ts';
import type { Cache } from '../cache/types.ts';
import type { Em } from '../db/orm.ts';

interface Deps {
  em: Em;
  cache: Cache;
}

const blockKey = (ip: string) => `ipblock:${ip}`;

export async function isIpBlocked(deps: Deps, ip: string): Promise<boolean> {
  const cached = await deps.cache.get(blockKey(ip));
  if (cached !== null) return Number(cached) > Date.now();
  const until = (await blockedUntil(deps.em, ip))?.getTime() ?? 0;
  await deps.cache.set(blockKey(ip), String(until), until > Date.now() ? Math.ceil((until - Date.now()) / 1000) : 60);
  return until > Date.now();
}

export async function blockIp(deps: Deps, ip: string, seconds: number, reason: string): Promise<void> {
  const until = new Date(Date.now() + seconds * 1000);
  await insertBlock(deps.em, { ip, until, reason });
  await deps.cache.set(blockKey(ip), String(until.getTime()), seconds);
}

/** Counts a failed login; returns true when this failure blocked the IP. */
export async function recordFailedLogin(
  deps: Deps & { threshold: number; blockSeconds: number },
  ip: string,
): Promise<boolean> {
  const failures = await deps.cache.incr(`loginfail:${ip}`, deps.blockSeconds);
  if (failures < deps.threshold) return false;
  await deps.cache.del(`loginfail:${ip}`);
  await blockIp(deps, ip, deps.blockSeconds, `${failures} failed logins`);
  return true;
}
