// The subscription plans (seeded by migration 0004): limits, prices in minor units and the upgrade order.
import { defineEntity, p } from '@mikro-orm/core';

export const RESOLUTIONS = ['480p', '720p', '1080p', '2160p'] as const;

export const PlanSchema = defineEntity({
  name: 'Plan',
  tableName: 'plans',
  checks: [
    { name: 'plans_max_streams_check', expression: 'max_streams > 0' },
    { name: 'plans_max_profiles_check', expression: 'max_profiles > 0' },
    { name: 'plans_price_month_check', expression: 'price_month >= 0' },
    { name: 'plans_price_year_check', expression: 'price_year >= 0' },
  ],
  properties: {
    code: p.string().length(20).primary(),
    name: p.string().length(50),
    maxStreams: p.integer(),
    maxResolution: p.enum(RESOLUTIONS).columnType('varchar(10)'),
    maxProfiles: p.integer(),
    priceMonth: p.integer(),
    priceYear: p.integer(),
    currency: p.string().length(3).default('usd'),
    rank: p.integer(),
    active: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class Plan extends PlanSchema.class {}
PlanSchema.setClass(Plan);
