// A login session: one device's sign-in, holding the hash of its current refresh token.
import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

export const PLATFORMS = ['mobile-app', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const SESSION_STATUSES = ['active', 'terminated', 'expired'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const LoginSessionSchema = defineEntity({
  name: 'LoginSession',
  tableName: 'login_sessions',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade').foreignKeyName('login_sessions_user_id_fkey'),
    ipAddress: p.string().length(45),
    platform: p.enum(PLATFORMS).columnType('varchar(10)'),
    deviceName: p.string().length(255).default(''),
    sessionStart: p.datetime().defaultRaw('now()'),
    sessionEnd: p.datetime().nullable(),
    lastUsedAt: p.datetime().defaultRaw('now()'),
    status: p.enum(SESSION_STATUSES).columnType('varchar(10)').default('active'),
    refreshToken: p.string().length(255).hidden(),
    refreshTokenExpiresAt: p.datetime(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onUpdate(() => new Date()),
  },
  indexes: [{ name: 'login_sessions_user_idx', properties: ['user', 'status'] }],
});

export class LoginSession extends LoginSessionSchema.class {}
LoginSessionSchema.setClass(LoginSession);
