// The personal library: favourites, watchlist, watch history, playback progress and ratings (all per viewer
// profile), and the PIN unlocks that let a login session act for a PIN-protected profile.
import { Migration } from '@mikro-orm/migrations';

export class Library extends Migration {
  override name = '0003-library';

  override async up(): Promise<void> {
    // Seed 003's user_favourites, kept per profile (user_id stays for account-wide questions). title_id is
    // seed 003's movie_id, normalised to a catalog id (m19404).
    this.addSql(`create table user_favourites (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      profile_id uuid not null references viewer_profiles (id) on delete cascade,
      title_id varchar(40) not null references titles (id) on delete cascade,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (profile_id, title_id))`);
    this.addSql(`create index user_favourites_list_idx on user_favourites (profile_id, created_at desc, title_id)`);

    this.addSql(`create table watchlist (
      profile_id uuid not null references viewer_profiles (id) on delete cascade,
      title_id varchar(40) not null references titles (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (profile_id, title_id))`);
    this.addSql(`create index watchlist_list_idx on watchlist (profile_id, created_at desc, title_id)`);

    // One row per (profile, item): the resume state. Movies use episode_id '' so the unique key has no NULL
    // and one upsert target serves movies and episodes. client_time orders heartbeats: an older one is ignored.
    this.addSql(`create table playback_progress (
      profile_id uuid not null references viewer_profiles (id) on delete cascade,
      title_id varchar(40) not null references titles (id) on delete cascade,
      episode_id varchar(60) not null default '',
      position double precision not null,
      duration double precision not null,
      resume_position double precision,
      completed boolean not null default false,
      completed_at timestamptz,
      client_time timestamptz not null,
      session_id varchar(64),
      updated_at timestamptz not null default now(),
      primary key (profile_id, title_id, episode_id))`);
    // Continue watching and next-up read a profile's items newest first.
    this.addSql(`create index playback_progress_recent_idx on playback_progress (profile_id, updated_at desc)`);

    // One row per (profile, title): what the history page lists and what trending counts (watched_at window).
    // episode_id / position / duration / completed describe the last heartbeat that moved it.
    this.addSql(`create table watch_history (
      id uuid primary key,
      profile_id uuid not null references viewer_profiles (id) on delete cascade,
      title_id varchar(40) not null references titles (id) on delete cascade,
      episode_id varchar(60),
      watched_at timestamptz not null default now(),
      first_watched_at timestamptz not null default now(),
      position double precision not null default 0,
      duration double precision not null default 0,
      completed boolean not null default false,
      unique (profile_id, title_id))`);
    this.addSql(`create index watch_history_list_idx on watch_history (profile_id, watched_at desc, title_id)`);
    this.addSql(`create index watch_history_trending_idx on watch_history (watched_at desc, title_id)`);

    this.addSql(`create table ratings (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      profile_id uuid not null references viewer_profiles (id) on delete cascade,
      title_id varchar(40) not null references titles (id) on delete cascade,
      rating varchar(4) not null check (rating in ('up', 'down')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (profile_id, title_id))`);
    this.addSql(`create index ratings_list_idx on ratings (profile_id, updated_at desc, id)`);
    // Upvote / downvote counts per title, index-only.
    this.addSql(`create index ratings_title_idx on ratings (title_id, rating)`);

    // A login session that entered a profile's PIN (POST /profiles/:id/select). Ends with the session, on a
    // PIN change, or at expires_at.
    this.addSql(`create table profile_unlocks (
      session_id uuid not null references login_sessions (id) on delete cascade,
      profile_id uuid not null references viewer_profiles (id) on delete cascade,
      expires_at timestamptz not null,
      primary key (session_id, profile_id))`);
    this.addSql(`create index profile_unlocks_profile_idx on profile_unlocks (profile_id)`);
  }
}
