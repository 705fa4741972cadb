// A forgot-password request: the hashed OTP, its attempts, expiry and the IP that asked for it.
import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

export const RESET_STATUSES = ['pending', 'verified', 'completed', 'revoked'] as const;
export type ResetStatus = (typeof RESET_STATUSES)[number];

export const PasswordResetSchema = defineEntity({
  name: 'PasswordReset',
  tableName: 'password_resets',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade').foreignKeyName('password_resets_user_id_fkey'),
    /** SHA-256 of the reset token handed to the client. */
    resetToken: p.string().length(255).nullable(),
    otpCodeHash: p.string().length(255).nullable().hidden(),
    expiresAt: p.datetime(),
    status: p.enum(RESET_STATUSES).columnType('varchar(10)').default('pending'),
    ipAddress: p.string().length(45),
    attempts: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onUpdate(() => new Date()),
  },
  uniques: [{ name: 'password_resets_reset_token_key', properties: ['resetToken'] }],
  indexes: [{ name: 'password_resets_user_idx', properties: ['user', 'status'] }],
});

export class PasswordReset extends PasswordResetSchema.class {}
PasswordResetSchema.setClass(PasswordReset);
