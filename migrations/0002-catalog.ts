// The catalog: titles (movies and series, from TMDb or local), their genres, seasons, episodes and credits.
import { Migration } from '@mikro-orm/migrations';

export class Catalog extends Migration {
  override name = '0002-catalog';

  override async up(): Promise<void> {
    this.addSql(`create table titles (
      id varchar(40) primary key,
      kind varchar(6) not null check (kind in ('movie', 'series')),
      source varchar(5) not null check (source in ('tmdb', 'local')),
      tmdb_id integer,
      title varchar(300) not null,
      original_title varchar(300),
      original_language varchar(10),
      overview text,
      release_date date,
      runtime integer,
      certification varchar(10) not null default 'NR',
      maturity_level smallint not null default 3,
      genre_ids integer[] not null default '{}',
      poster_path varchar(500),
      backdrop_path varchar(500),
      homepage varchar(500),
      network varchar(100),
      network_logo_path varchar(500),
      popularity real not null default 0,
      vote_average real not null default 0,
      vote_count integer not null default 0,
      season_count integer,
      episode_count integer,
      details_synced_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      search_vector tsvector,
      unique (kind, tmdb_id))`);
    this.addSql(`create index titles_popularity_idx on titles (popularity desc, id) where deleted_at is null`);
    this.addSql(
      `create index titles_release_idx on titles (release_date desc nulls last, id) where deleted_at is null`,
    );
    this.addSql(`create index titles_title_trgm_idx on titles using gin (lower(title) gin_trgm_ops)`);
    // Browse and search: the sort keys of /content/browse, and full-text over title, original title, cast,
    // directors and genre names (search_vector is rebuilt by services/catalog/search-index.ts on every write).
    this.addSql(`create index titles_rating_idx on titles (vote_average desc, id) where deleted_at is null`);
    this.addSql(
      `create index titles_kind_popularity_idx on titles (kind, popularity desc, id) where deleted_at is null`,
    );
    this.addSql(`create index titles_search_idx on titles using gin (search_vector)`);
    this.addSql(`create index titles_original_trgm_idx on titles using gin (lower(original_title) gin_trgm_ops)`);

    // One row per (genre, title), carrying the sort keys, so a genre page is an index-only range scan.
    this.addSql(`create table title_genres (
      genre_id integer not null,
      title_id varchar(40) not null references titles (id) on delete cascade,
      popularity real not null default 0,
      maturity_level smallint not null default 3,
      primary key (genre_id, title_id))`);
    this.addSql(
      `create index title_genres_browse_idx on title_genres (genre_id, popularity desc, title_id) include (maturity_level)`,
    );
    // The other two browse sort keys, copied from titles by triggers (whoever writes title_genres), so a
    // genre page in any sort order stays an index-only scan.
    this.addSql(
      `alter table title_genres add column release_date date, add column vote_average real not null default 0`,
    );
    this.addSql(
      `create index title_genres_release_idx on title_genres (genre_id, release_date desc nulls last, title_id) include (maturity_level)`,
    );
    this.addSql(
      `create index title_genres_rating_idx on title_genres (genre_id, vote_average desc, title_id) include (maturity_level)`,
    );
    this.addSql(`create function title_genres_fill_keys() returns trigger language plpgsql as $$
      begin
        select t.release_date, t.vote_average into new.release_date, new.vote_average from titles t where t.id = new.title_id;
        return new;
      end $$`);
    this.addSql(
      `create trigger title_genres_fill_keys before insert on title_genres for each row execute function title_genres_fill_keys()`,
    );
    this.addSql(`create function titles_sync_genre_keys() returns trigger language plpgsql as $$
      begin
        update title_genres set release_date = new.release_date, vote_average = new.vote_average where title_id = new.id;
        return null;
      end $$`);
    this.addSql(`create trigger titles_sync_genre_keys after update of release_date, vote_average on titles for each row
      when (old.release_date is distinct from new.release_date or old.vote_average is distinct from new.vote_average)
      execute function titles_sync_genre_keys()`);

    this.addSql(`create table seasons (
      id varchar(60) primary key,
      title_id varchar(40) not null references titles (id) on delete cascade,
      tmdb_id integer,
      season_number integer not null,
      name varchar(200) not null,
      overview text,
      air_date date,
      poster_path varchar(500),
      vote_average real not null default 0,
      episode_count integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      unique (title_id, season_number))`);

    this.addSql(`create table episodes (
      id varchar(60) primary key,
      title_id varchar(40) not null references titles (id) on delete cascade,
      tmdb_id integer,
      season_number integer not null,
      episode_number integer not null,
      name varchar(300) not null,
      overview text,
      air_date date,
      runtime integer,
      still_path varchar(500),
      vote_average real not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      unique (title_id, season_number, episode_number))`);

    this.addSql(`create table people (
      id varchar(40) primary key,
      tmdb_id integer unique,
      name varchar(200) not null,
      profile_path varchar(500))`);
    this.addSql(`create index people_name_trgm_idx on people using gin (lower(name) gin_trgm_ops)`);

    this.addSql(`create table credits (
      title_id varchar(40) not null references titles (id) on delete cascade,
      person_id varchar(40) not null references people (id) on delete cascade,
      role varchar(10) not null check (role in ('cast', 'director')),
      character varchar(300),
      ord integer not null default 0,
      primary key (title_id, person_id, role))`);
    this.addSql(`create index credits_person_idx on credits (person_id)`);
  }
}
