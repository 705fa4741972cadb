// The background job queue and the schedule of recurring jobs (one row per recurring job name).
import { defineEntity, p } from '@mikro-orm/core';

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

export const JobSchema = defineEntity({
  name: 'Job',
  tableName: 'jobs',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    name: p.string().length(64),
    payload: p.json<unknown>().default('{}'),
    status: p.enum(JOB_STATUSES).columnType('varchar(10)').default('queued'),
    attempts: p.integer().default(0),
    maxAttempts: p.integer().default(5),
    runAt: p.datetime().defaultRaw('now()'),
    lockedUntil: p.datetime().nullable(),
    dedupeKey: p.string().length(200).nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    finishedAt: p.datetime().nullable(),
  },
});
export class Job extends JobSchema.class {}
JobSchema.setClass(Job);

/** When each recurring job is next due: claimed with a compare-and-set, so one worker runs each period. */
export const JobScheduleSchema = defineEntity({
  name: 'JobSchedule',
  tableName: 'job_schedules',
  properties: {
    name: p.string().length(64).primary(),
    nextRunAt: p.datetime(),
  },
});
export class JobSchedule extends JobScheduleSchema.class {}
JobScheduleSchema.setClass(JobSchedule);

export const jobEntities = [Job, JobSchedule];
export type JobSchemas = typeof JobSchema | typeof JobScheduleSchema;
