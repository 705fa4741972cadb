// People (from TMDb or typed in by an admin) and their credits on titles: cast in billing order, directors.
import { defineEntity, p } from '@mikro-orm/core';
import { gin, Title } from './title.ts';

export const CREDIT_ROLES = ['cast', 'director'] as const;

export const PersonSchema = defineEntity({
  name: 'Person',
  tableName: 'people',
  properties: {
    id: p.string().length(40).primary(),
    tmdbId: p.integer().nullable(),
    name: p.string().length(200),
    profilePath: p.string().length(500).nullable(),
  },
  uniques: [{ name: 'people_tmdb_id_key', properties: ['tmdbId'] }],
  indexes: [gin('people_name_trgm_idx', 'people', 'lower(name) gin_trgm_ops')],
});
export class Person extends PersonSchema.class {}
PersonSchema.setClass(Person);

export const CreditSchema = defineEntity({
  name: 'Credit',
  tableName: 'credits',
  properties: {
    titleId: () =>
      p.manyToOne(Title).fieldName('title_id').primary().deleteRule('cascade').foreignKeyName('credits_title_id_fkey'),
    personId: () =>
      p
        .manyToOne(Person)
        .fieldName('person_id')
        .primary()
        .deleteRule('cascade')
        .foreignKeyName('credits_person_id_fkey'),
    role: p.enum(CREDIT_ROLES).columnType('varchar(10)').primary(),
    character: p.string().length(300).nullable(),
    ord: p.integer().default(0),
  },
  indexes: [{ name: 'credits_person_idx', properties: ['personId'] }],
});
export class Credit extends CreditSchema.class {}
CreditSchema.setClass(Credit);
