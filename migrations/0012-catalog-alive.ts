// When a title became available here (entered the catalog, or got its first playable video), which
// /content/new-releases orders by, and the reviews a title's details show (TMDb's, kept by catalog:sync,
// and the demo catalog's own).
import { Migration } from '@mikro-orm/migrations';

export class CatalogAlive extends Migration {
  override name = '0012-catalog-alive';

  override async up(): Promise<void> {
    this.addSql('alter table titles add column available_at timestamptz not null default now()');
    this.addSql('update titles set available_at = created_at');
    this.addSql(`create index titles_available_idx on titles (available_at desc, release_date desc nulls last, id)
      include (maturity_level) where deleted_at is null`);
    this.addSql(`create table reviews (
      id varchar(60) primary key,
      title_id varchar(40) not null references titles (id) on delete cascade,
      author varchar(200) not null,
      avatar_path varchar(500),
      rating real,
      content text not null,
      created_at timestamptz not null default now()
    )`);
    this.addSql('create index reviews_title_idx on reviews (title_id, created_at desc)');
    // Titles stored without pictures (the demo catalog of an earlier install) get the generated artwork.
    for (const kind of ['poster', 'backdrop'])
      this.addSql(
        `update titles set ${kind}_path = '/api/v1/artwork/' || id || '/${kind}.svg' where ${kind}_path is null`,
      );
  }
}
