// Playback sessions: one row per stream a device is playing, counted against the plan's stream limit.
import { Migration } from '@mikro-orm/migrations';

export class Playback extends Migration {
  override name = '0008-playback';

  override async up(): Promise<void> {
    this.addSql(`create table playback_sessions (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      profile_id uuid not null references viewer_profiles (id) on delete cascade,
      title_id varchar(40) not null references titles (id),
      episode_id varchar(60),
      device_type varchar(10) not null,
      quality varchar(5) not null,
      status varchar(8) not null default 'active' check (status in ('active', 'stopped', 'expired')),
      started_at timestamptz not null default now(),
      last_heartbeat_at timestamptz not null default now(),
      ended_at timestamptz)`);
    this.addSql(
      `create index playback_sessions_active_idx on playback_sessions (user_id, last_heartbeat_at) where status = 'active'`,
    );
  }
}
