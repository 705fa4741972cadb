// A viewer profile inside an account (Netflix-style): its own maturity, language, optional PIN and library.
import { defineEntity, p } from '@mikro-orm/core';
import { LoginSession } from '../accounts/login-session.ts';
import { User } from '../accounts/user.ts';

export const ViewerProfileSchema = defineEntity({
  name: 'ViewerProfile',
  tableName: 'viewer_profiles',
  indexes: [{ name: 'viewer_profiles_user_idx', columns: [{ name: 'user_id' }, { name: 'position' }] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: p
      .manyToOne(User)
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('viewer_profiles_user_id_fkey'),
    name: p.string().length(50),
    avatarUrl: p.string().length(500).nullable(),
    isKids: p.boolean().default(false),
    maturityRating: p.string().length(10).default('TV-MA'),
    language: p.string().length(10).default('en-US'),
    pinHash: p.string().length(255).nullable().hidden(),
    pinFailedAttempts: p.integer().default(0),
    lockedUntil: p.datetime().nullable(),
    position: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});

export class ViewerProfile extends ViewerProfileSchema.class {}
ViewerProfileSchema.setClass(ViewerProfile);

/** A login session that entered a profile's PIN: it may act for the profile until expires_at. */
export const ProfileUnlockSchema = defineEntity({
  name: 'ProfileUnlock',
  tableName: 'profile_unlocks',
  indexes: [{ name: 'profile_unlocks_profile_idx', properties: ['profile'] }],
  properties: {
    session: p
      .manyToOne(LoginSession)
      .primary()
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('profile_unlocks_session_id_fkey'),
    profile: p
      .manyToOne(ViewerProfile)
      .primary()
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('profile_unlocks_profile_id_fkey'),
    expiresAt: p.datetime(),
  },
});

export class ProfileUnlock extends ProfileUnlockSchema.class {}
ProfileUnlockSchema.setClass(ProfileUnlock);
