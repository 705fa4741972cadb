// A viewer profile inside an account (Netflix-style): its own maturity, language, optional PIN and library.
import { defineEntity, p } from '@mikro-orm/core';

export const ViewerProfileSchema = defineEntity({
  name: 'ViewerProfile',
  tableName: 'viewer_profiles',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    userId: p.uuid(),
    name: p.string().length(50),
    avatarUrl: p.string().length(500).nullable(),
    isKids: p.boolean().default(false),
    maturityRating: p.string().length(10).default('TV-MA'),
    language: p.string().length(10).default('en-US'),
    pinHash: p.string().length(255).nullable().hidden(),
    pinFailedAttempts: p.integer().default(0),
    lockedUntil: p.datetime().nullable(),
    position: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class ViewerProfile extends ViewerProfileSchema.class {}
ViewerProfileSchema.setClass(ViewerProfile);
