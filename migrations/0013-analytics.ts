// Analytics: the append-only event log (range-partitioned by month, on PGlite as on PostgreSQL), the ids of
// client events already stored (retries are stored once), the daily rollups the stats read, the rollup
// watermark, the per-session playback-quality summary, and the indexes the admin audit filters use.
import { Migration } from '@mikro-orm/migrations';

export class Analytics extends Migration {
  override name = '0013-analytics';

  override async up(): Promise<void> {
    // No foreign keys: the log is written at volume and outlives nothing it names (retention drops it).
    this.addSql(`create table analytics_events (
      seq bigserial not null,
      occurred_at timestamptz not null,
      received_at timestamptz not null default now(),
      user_id uuid not null,
      profile_id uuid not null,
      event_type varchar(20) not null,
      content_id varchar(40),
      device_type varchar(10),
      watched_seconds real,
      event_id uuid,
      metadata jsonb not null default '{}',
      primary key (occurred_at, seq)) partition by range (occurred_at)`);
    this.addSql(`create index analytics_events_seq_idx on analytics_events (seq)`);
    // Rows whose month has no partition yet land here; the maintenance job keeps it empty by creating
    // months ahead.
    this.addSql(`create table analytics_events_default partition of analytics_events default`);
    // Creates the monthly partitions from the month of \`start\` for \`months\` months (idempotent).
    this.addSql(`create function analytics_ensure_partitions(start timestamptz, months int) returns int
      language plpgsql as $$
      declare
        m date;
        made int := 0;
        name text;
      begin
        for i in 0 .. months - 1 loop
          m := (date_trunc('month', start at time zone 'UTC') + make_interval(months => i))::date;
          name := 'analytics_events_' || to_char(m, 'YYYY_MM');
          if to_regclass(name) is null then
            execute format(
              'create table %I partition of analytics_events for values from (%L) to (%L)',
              name, (m::timestamp at time zone 'UTC'), ((m + interval '1 month')::timestamp at time zone 'UTC'));
            made := made + 1;
          end if;
        end loop;
        return made;
      end $$`);
    this.addSql(`select analytics_ensure_partitions(now() - interval '1 month', 5)`);

    this.addSql(`create table analytics_event_ids (
      user_id uuid not null,
      event_id uuid not null,
      received_at timestamptz not null default now(),
      primary key (user_id, event_id))`);
    this.addSql(`create index analytics_event_ids_received_idx on analytics_event_ids (received_at)`);

    this.addSql(`create table analytics_profile_daily (
      profile_id uuid not null,
      day date not null,
      title_id varchar(40) not null,
      device_type varchar(10) not null,
      watch_seconds double precision not null default 0,
      plays int not null default 0,
      completes int not null default 0,
      primary key (profile_id, day, title_id, device_type))`);
    this.addSql(`create table analytics_title_daily (
      title_id varchar(40) not null,
      day date not null,
      watch_seconds double precision not null default 0,
      plays int not null default 0,
      completes int not null default 0,
      errors int not null default 0,
      primary key (title_id, day))`);
    this.addSql(`create table analytics_rollup_state (
      name varchar(40) primary key,
      watermark bigint not null default 0,
      updated_at timestamptz not null default now())`);

    this.addSql(`create table playback_qoe (
      session_id uuid primary key references playback_sessions (id) on delete cascade,
      user_id uuid not null,
      title_id varchar(40) not null,
      device_type varchar(10) not null,
      beacons int not null default 0,
      startup_ms int,
      watch_ms bigint not null default 0,
      rebuffer_count int not null default 0,
      rebuffer_ms bigint not null default 0,
      bitrate_switches int not null default 0,
      avg_bitrate_kbps int,
      renditions jsonb not null default '[]',
      dropped_frames int not null default 0,
      fatal_errors int not null default 0,
      ended boolean not null default false,
      first_at timestamptz not null default now(),
      last_at timestamptz not null default now())`);
    this.addSql(`create index playback_qoe_title_idx on playback_qoe (title_id, first_at)`);
    this.addSql(`create index playback_qoe_first_idx on playback_qoe (first_at)`);

    this.addSql(`create index audit_log_action_idx on audit_log (action, created_at desc)`);
    this.addSql(`create index audit_log_actor_idx on audit_log (actor_id, created_at desc)`);
  }
}
