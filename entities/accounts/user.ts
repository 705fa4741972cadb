// An account: credentials, role and the account-wide preferences of seed 003.
import { defineEntity, p } from '@mikro-orm/core';

export const MATURITY_FILTERS = ['all', 'teen', 'adult'] as const;
export type MaturityFilter = (typeof MATURITY_FILTERS)[number];
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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
    role: p.enum(ROLES).columnType('varchar(10)').default('user'),
    isVerified: p.boolean().default(false),
    lastLogin: p.datetime().nullable(),
    preferredLanguage: p.string().length(10).default('en'),
    maturityFilter: p.enum(MATURITY_FILTERS).columnType('varchar(5)').default('all'),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onUpdate(() => new Date()),
  },
  // Named as PostgreSQL named the migration's constraints; emails are unique case-insensitively, through
  // the expression index users_email_uq.
  uniques: [
    { name: 'users_phone_number_key', properties: ['phoneNumber'] },
    { name: 'users_email_uq', expression: 'create unique index users_email_uq on users (lower(email_address))' },
  ],
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
