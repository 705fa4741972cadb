// A login session: one device's sign-in, holding the hash of its current refresh token.
import { defineEntity, p } from '@mikro-orm/core';

export const PLATFORMS = ['mobile-app', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const LoginSessionSchema = defineEntity({
  name: 'LoginSession',
  tableName: 'login_sessions',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    userId: p.uuid(),
    ipAddress: p.string().length(45),
    platform: p.enum(PLATFORMS),
    deviceName: p.string().length(255).default(''),
    sessionStart: p.datetime().onCreate(() => new Date()),
    sessionEnd: p.datetime().nullable(),
    lastUsedAt: p.datetime().onCreate(() => new Date()),
    status: p.enum(['active', 'terminated', 'expired'] as const).default('active'),
    refreshToken: p.string().length(255).hidden(),
    refreshTokenExpiresAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class LoginSession extends LoginSessionSchema.class {}
LoginSessionSchema.setClass(LoginSession);
