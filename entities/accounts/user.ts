// An account: credentials, role and the account-wide preferences of seed 003.
import { defineEntity, p } from '@mikro-orm/core';

export const MATURITY_FILTERS = ['all', 'teen', 'adult'] as const;
export type MaturityFilter = (typeof MATURITY_FILTERS)[number];
export type Role = 'user' | 'admin';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    fullName: p.string().length(100),
    phoneNumber: p.string().length(25).nullable(),
    email: p.string().length(100).fieldName('email_address'),
    hashPassword: p.string().length(255).hidden(),
    role: p.enum(['user', 'admin'] as const).default('user'),
    isVerified: p.boolean().default(false),
    lastLogin: p.datetime().nullable(),
    preferredLanguage: p.string().length(10).default('en'),
    maturityFilter: p.enum(MATURITY_FILTERS).default('all'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
