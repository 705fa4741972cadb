// People (from TMDb or typed in by an admin) and their credits on titles: cast in billing order, directors.
import { defineEntity, p } from '@mikro-orm/core';

export const CREDIT_ROLES = ['cast', 'director'] as const;

export const PersonSchema = defineEntity({
  name: 'Person',
  tableName: 'people',
  properties: {
    id: p.string().length(40).primary(),
    tmdbId: p.integer().nullable().unique(),
    name: p.string().length(200),
    profilePath: p.string().length(500).nullable(),
  },
});
export class Person extends PersonSchema.class {}
PersonSchema.setClass(Person);

export const CreditSchema = defineEntity({
  name: 'Credit',
  tableName: 'credits',
  properties: {
    titleId: p.string().length(40).primary(),
    personId: p.string().length(40).primary(),
    role: p.enum(CREDIT_ROLES).columnType('varchar(10)').primary(),
    character: p.string().length(300).nullable(),
    ord: p.integer().default(0),
  },
});
export class Credit extends CreditSchema.class {}
CreditSchema.setClass(Credit);
