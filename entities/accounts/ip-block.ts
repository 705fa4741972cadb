// A timed block of one client IP (seed 003's ip_blacklist).
import { defineEntity, p } from '@mikro-orm/core';

export const IpBlockSchema = defineEntity({
  name: 'IpBlock',
  tableName: 'ip_blacklist',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    ipAddress: p.string().length(45),
    reason: p.text().nullable(),
    blockedUntil: p.datetime(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onUpdate(() => new Date()),
  },
  indexes: [{ name: 'ip_blacklist_ip_idx', properties: ['ipAddress', 'blockedUntil'] }],
});

export class IpBlock extends IpBlockSchema.class {}
IpBlockSchema.setClass(IpBlock);
