// Accounts, login sessions, password resets, IP blocks, genres, viewer profiles and the audit log.
import { Migration } from '@mikro-orm/migrations';
import { GENRE_ROWS } from './data/genres.ts';

export class Accounts extends Migration {
  override name = '0001-accounts';

  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm`);
    this.addSql(`create table users (
      id uuid primary key,
      full_name varchar(100) not null,
      phone_number varchar(25) unique,
      email_address varchar(100) not null,
      hash_password varchar(255) not null,
      role varchar(10) not null default 'user' check (role in ('user', 'admin')),
      is_verified boolean not null default false,
      last_login timestamptz,
      preferred_language varchar(10) not null default 'en',
      maturity_filter varchar(5) not null default 'all' check (maturity_filter in ('all', 'teen', 'adult')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create unique index users_email_uq on users (lower(email_address))`);

    this.addSql(`create table login_sessions (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      ip_address varchar(45) not null,
      platform varchar(10) not null check (platform in ('mobile-app', 'web')),
      device_name varchar(255) not null default '',
      session_start timestamptz not null default now(),
      session_end timestamptz,
      last_used_at timestamptz not null default now(),
      status varchar(10) not null default 'active' check (status in ('active', 'terminated', 'expired')),
      refresh_token varchar(255) not null,
      refresh_token_expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create index login_sessions_user_idx on login_sessions (user_id, status)`);

    this.addSql(`create table password_resets (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      reset_token varchar(255) unique,
      otp_code_hash varchar(255),
      expires_at timestamptz not null,
      status varchar(10) not null default 'pending' check (status in ('pending', 'verified', 'completed', 'revoked')),
      ip_address varchar(45) not null,
      attempts int not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create index password_resets_user_idx on password_resets (user_id, status)`);

    this.addSql(`create table ip_blacklist (
      id uuid primary key,
      ip_address varchar(45) not null,
      reason text,
      blocked_until timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create index ip_blacklist_ip_idx on ip_blacklist (ip_address, blocked_until)`);

    this.addSql(`create table genres (
      id varchar(50) primary key,
      name varchar(100) not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    for (const [id, name] of GENRE_ROWS)
      this.addSql(`insert into genres (id, name) values ('${id}', '${name.replace(/'/g, "''")}')`);

    this.addSql(`create table user_genres (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      genre_id varchar(50) not null references genres (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (genre_id, user_id))`);
    this.addSql(`create index user_genres_user_idx on user_genres (user_id)`);

    this.addSql(`create table viewer_profiles (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      name varchar(50) not null,
      avatar_url varchar(500),
      is_kids boolean not null default false,
      maturity_rating varchar(10) not null default 'TV-MA',
      language varchar(10) not null default 'en-US',
      pin_hash varchar(255),
      pin_failed_attempts int not null default 0,
      locked_until timestamptz,
      position int not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`);
    this.addSql(`create index viewer_profiles_user_idx on viewer_profiles (user_id, position)`);

    this.addSql(`create table audit_log (
      id bigserial primary key,
      actor_id uuid,
      action varchar(64) not null,
      target_type varchar(32),
      target_id varchar(64),
      ip_address varchar(45),
      details jsonb not null default '{}',
      created_at timestamptz not null default now())`);
    this.addSql(`create index audit_log_created_idx on audit_log (created_at desc)`);
  }
}
