// What the recommender learns and serves from: top-K neighbours per title, the per-title interaction
// counts of the popularity prior, and the one row saying when both were last rebuilt.
import { defineEntity, p } from '@mikro-orm/core';

export const TitleNeighbourSchema = defineEntity({
  name: 'TitleNeighbour',
  tableName: 'title_neighbours',
  indexes: [
    {
      name: 'title_neighbours_read_idx',
      columns: [{ name: 'title_id' }, { name: 'score', sort: 'desc' }, { name: 'neighbour_id' }],
    },
  ],
  properties: {
    titleId: p.string().length(40).primary(),
    neighbourId: p.string().length(40).primary(),
    score: p.float(),
  },
});
export class TitleNeighbour extends TitleNeighbourSchema.class {}
TitleNeighbourSchema.setClass(TitleNeighbour);

export const TitleInteractionCountSchema = defineEntity({
  name: 'TitleInteractionCount',
  tableName: 'title_interaction_counts',
  properties: {
    titleId: p.string().length(40).primary(),
    profiles: p.integer(),
  },
});
export class TitleInteractionCount extends TitleInteractionCountSchema.class {}
TitleInteractionCountSchema.setClass(TitleInteractionCount);

export const RECS_SOURCES = ['none', 'genre', 'platform'] as const;

export const RecsStateSchema = defineEntity({
  name: 'RecsState',
  tableName: 'recs_state',
  // A single row.
  checks: [{ name: 'recs_state_id_check', expression: 'id = 1' }],
  properties: {
    id: p.smallint().primary().autoincrement(false).default(1),
    version: p.integer().default(0),
    builtAt: p.datetime().nullable(),
    source: p.enum(RECS_SOURCES).columnType('varchar(10)').default('none'),
    titles: p.integer().default(0),
    interactions: p.integer().default(0),
    neighbourRows: p.integer().default(0),
    durationMs: p.integer().default(0),
  },
});
export class RecsState extends RecsStateSchema.class {}
RecsStateSchema.setClass(RecsState);
