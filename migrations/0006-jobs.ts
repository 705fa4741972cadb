// The background job queue: rows claimed with SKIP LOCKED, retried with backoff, deduplicated by key.
import { Migration } from '@mikro-orm/migrations';

export class Jobs extends Migration {
  override name = '0006-jobs';

  override async up(): Promise<void> {
    this.addSql(`create table jobs (
      id bigserial primary key,
      name varchar(64) not null,
      payload jsonb not null default '{}',
      status varchar(10) not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      attempts integer not null default 0,
      max_attempts integer not null default 5,
      run_at timestamptz not null default now(),
      locked_until timestamptz,
      dedupe_key varchar(200),
      last_error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz)`);
    this.addSql(`create index jobs_due_idx on jobs (run_at) where status = 'queued'`);
    this.addSql(`create unique index jobs_dedupe_uq on jobs (dedupe_key) where dedupe_key is not null`);
  }
}
