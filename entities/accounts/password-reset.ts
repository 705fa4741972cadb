// A forgot-password request: the hashed OTP, its attempts, expiry and the IP that asked for it.
import { defineEntity, p } from '@mikro-orm/core';

export const PasswordResetSchema = defineEntity({
  name: 'PasswordReset',
  tableName: 'password_resets',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    userId: p.uuid(),
    resetToken: p.string().length(255).nullable(),
    otpCodeHash: p.string().length(255).nullable().hidden(),
    expiresAt: p.datetime(),
    status: p.enum(['pending', 'verified', 'completed', 'revoked'] as const).default('pending'),
    ipAddress: p.string().length(45),
    attempts: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class PasswordReset extends PasswordResetSchema.class {}
PasswordResetSchema.setClass(PasswordReset);
