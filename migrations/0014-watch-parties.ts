// Watch parties: a host's shared playback of one title or episode (its clock: position, playing, rate at a
// server instant, and a per-party sequence number that orders every event), its members, and its chat,
// kept only while the party lives.
import { Migration } from '@mikro-orm/migrations';

export class WatchParties extends Migration {
  override name = '0014-watch-parties';

  override async up(): Promise<void> {
    this.addSql(`create table watch_parties (
      id uuid primary key,
      code varchar(12) not null unique,
      title_id varchar(40) not null references titles (id),
      episode_id varchar(60),
      host_user_id uuid not null references users (id) on delete cascade,
      status varchar(6) not null default 'active' check (status in ('active', 'ended')),
      end_reason varchar(12),
      position double precision not null default 0,
      playing boolean not null default false,
      rate double precision not null default 1,
      anchored_at timestamptz not null default now(),
      seq bigint not null default 0,
      host_left_at timestamptz,
      created_at timestamptz not null default now(),
      ended_at timestamptz)`);
    this.addSql(
      `create index watch_parties_host_gone_idx on watch_parties (host_left_at) where status = 'active' and host_left_at is not null`,
    );
    this.addSql(`create table watch_party_members (
      id uuid primary key,
      party_id uuid not null references watch_parties (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      profile_id uuid not null references viewer_profiles (id) on delete cascade,
      status varchar(6) not null default 'joined' check (status in ('joined', 'left', 'kicked')),
      playback_session_id uuid,
      joined_at timestamptz not null default now(),
      unique (party_id, user_id))`);
    this.addSql(`create table watch_party_messages (
      id uuid primary key,
      party_id uuid not null references watch_parties (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      text varchar(500) not null,
      position double precision,
      seq bigint not null,
      created_at timestamptz not null default now())`);
    this.addSql(`create index watch_party_messages_party_idx on watch_party_messages (party_id, seq desc)`);
  }
}
