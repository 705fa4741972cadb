// Recurring jobs: one row per job name holding when it is next due, claimed with a compare-and-set.
import { Migration } from '@mikro-orm/migrations';

export class JobSchedules extends Migration {
  override name = '0010-job-schedules';

  override async up(): Promise<void> {
    this.addSql(`create table job_schedules (
      name varchar(64) primary key,
      next_run_at timestamptz not null)`);
  }
}
