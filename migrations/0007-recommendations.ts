// Item-to-item neighbours learned from what all profiles watch together, the per-title popularity the
// recommender uses as its prior, and the bookkeeping of the job that rebuilds both.
import { Migration } from '@mikro-orm/migrations';

export class Recommendations extends Migration {
  override name = '0007-recommendations';

  override async up(): Promise<void> {
    // Top-K neighbours per title, replaced as a whole by the recs.rebuild-neighbours job. No foreign keys:
    // the job rewrites every row in one transaction, and readers join titles to drop deleted ones anyway.
    this.addSql(`create table title_neighbours (
      title_id varchar(40) not null,
      neighbour_id varchar(40) not null,
      score real not null,
      primary key (title_id, neighbour_id))`);
    // "Similar to X" and a profile's scoring read a title's row best first: an index-only range scan.
    this.addSql(`create index title_neighbours_read_idx on title_neighbours (title_id, score desc, neighbour_id)`);

    // What the popularity prior is made of: platform interactions per title (profiles with a positive
    // signal) at the last rebuild. Titles absent here fall back to the catalog's popularity.
    this.addSql(`create table title_interaction_counts (
      title_id varchar(40) primary key,
      profiles integer not null)`);

    // One row: when the neighbours were last rebuilt and from how much data. Serving processes compare
    // `version` with the snapshot they hold in memory to know when to reload it.
    this.addSql(`create table recs_state (
      id smallint primary key default 1 check (id = 1),
      version integer not null default 0,
      built_at timestamptz,
      source varchar(10) not null default 'none' check (source in ('none', 'genre', 'platform')),
      titles integer not null default 0,
      interactions integer not null default 0,
      neighbour_rows integer not null default 0,
      duration_ms integer not null default 0)`);
    this.addSql(`insert into recs_state (id) values (1)`);
  }
}
