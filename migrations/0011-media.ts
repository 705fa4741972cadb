// Media assets (one per uploaded video: its processing state and, once ready, its published HLS ladder) and
// the sidecar tracks (subtitles, extra audio languages) attached to a title or an episode.
import { Migration } from '@mikro-orm/migrations';

export class Media extends Migration {
  override name = '0011-media';

  override async up(): Promise<void> {
    this.addSql(`create table media_assets (
      id uuid primary key,
      title_id varchar(40) not null references titles (id),
      episode_id varchar(60),
      status varchar(10) not null default 'uploading'
        check (status in ('uploading', 'processing', 'ready', 'failed', 'replaced')),
      progress integer not null default 0,
      stages jsonb not null default '{}',
      source_key varchar(300),
      source_size bigint,
      uploaded_by uuid references users (id) on delete set null,
      duration_seconds double precision,
      width integer,
      height integer,
      renditions jsonb not null default '[]',
      audio_tracks jsonb not null default '[]',
      subtitles jsonb not null default '[]',
      encryption_key varchar(64),
      error text,
      started_at timestamptz,
      estimated_completion timestamptz,
      ready_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create index media_assets_title_idx on media_assets (title_id, episode_id, created_at desc)`);
    this.addSql(`create table media_tracks (
      id uuid primary key,
      title_id varchar(40) not null references titles (id),
      episode_id varchar(60),
      kind varchar(8) not null check (kind in ('audio', 'subtitle')),
      language varchar(16) not null,
      label varchar(60),
      source_key varchar(300) not null,
      created_at timestamptz not null default now())`);
    this.addSql(
      `create unique index media_tracks_lang_uq on media_tracks (title_id, coalesce(episode_id, ''), kind, language)`,
    );
  }
}
