// Notifications (seed 003's user_notifications, extended) and the bookkeeping of admin broadcasts.
import { Migration } from '@mikro-orm/migrations';

export class Engagement extends Migration {
  override name = '0005-engagement';

  override async up(): Promise<void> {
    // movie_id is the opaque content id of a title (never a foreign key: a title may be removed while its old
    // notifications stay readable). dedupe_key makes every generator idempotent per user, so a retried job or
    // a second call for the same title never notifies anyone twice.
    this.addSql(`create table user_notifications (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      type varchar(24) not null default 'movie_added'
        check (type in ('movie_added', 'movie_recommendation', 'system_update', 'favorite_update')),
      title varchar(200) not null,
      message text not null,
      image text,
      movie_id varchar(50),
      read boolean not null default false,
      read_at timestamptz,
      dedupe_key varchar(120),
      created_at timestamptz not null default now())`);
    // The list query (newest first, stable on ties) and the unread count, which only touches unread rows.
    this.addSql(
      `create index user_notifications_user_created_idx on user_notifications (user_id, created_at desc, id desc)`,
    );
    this.addSql(
      `create index user_notifications_unread_idx on user_notifications (user_id, created_at desc) where not read`,
    );
    this.addSql(
      `create unique index user_notifications_dedupe_uq on user_notifications (user_id, dedupe_key) where dedupe_key is not null`,
    );

    // One row per admin broadcast: the fan-out job walks the audience by user id and records where it got
    // to, so a crashed or retried job resumes instead of starting over.
    this.addSql(`create table notification_broadcasts (
      id uuid primary key,
      admin_id uuid references users (id) on delete set null,
      title varchar(200) not null,
      message text not null,
      image text,
      movie_id varchar(50),
      audience varchar(10) not null default 'all' check (audience in ('all', 'users', 'admins')),
      status varchar(10) not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      cursor_user_id uuid,
      recipients integer not null default 0,
      created_at timestamptz not null default now(),
      finished_at timestamptz)`);
    this.addSql(`create index notification_broadcasts_created_idx on notification_broadcasts (created_at desc)`);
  }
}
