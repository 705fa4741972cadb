// The entities describe the schema the migrations build: migrate an empty database, then ask MikroORM's
// schema generator what it would change to match the entities. Any table without an entity, and any
// column the entities add, drop, retype or re-null, fails. What entities do not declare on purpose is
// allowed by kind, below: foreign keys, check and unique constraints, indexes (partial, covering,
// expression and full-text ones live in migrations only) and server-side defaults (entities set values
// in onCreate hooks or leave them to the database), and the two triggers named below.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';

const app = await buildTestApp(t);

const ALLOWED: Array<[RegExp, string]> = [
  [/^alter table "\w+" drop constraint "\w+_fkey";$/, 'foreign keys are declared in migrations'],
  [/^alter table "\w+" add constraint "\w+_fkey" /, 'foreign keys are declared in migrations'],
  [/^alter table "\w+" drop constraint "\w+_(check|key|uq)";$/, 'check and unique constraints live in migrations'],
  [/^alter table "\w+" add constraint "\w+_(check|key|uq|unique)" /, 'check and unique constraints live in migrations'],
  [/^drop index "\w+";$/, 'indexes are declared in migrations'],
  [/^create (unique )?index /, 'indexes are declared in migrations'],
  [/^alter table "\w+" alter column "\w+" (drop|set) default/, 'defaults are left to the database or onCreate'],
  // Triggers keep the denormalised genre keys of titles and title_genres in step (migration 0009).
  [/^drop trigger if exists "(titles_sync_genre_keys|title_genres_fill_keys)" on "\w+";$/, 'genre-key triggers'],
  [
    /^drop function if exists "(titles_titles_sync_genre_keys_fn|title_genres_title_genres_fill_keys_fn)"\(\);$/,
    'genre-key triggers',
  ],
];

// A partition (the monthly analytics_events_YYYY_MM) is described by its parent's entity.
t.test('every table the migrations create has an entity', async (t) => {
  const rows = await app.em().execute<{ table_name: string }[]>(
    `select table_name from information_schema.tables
     where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> 'mikro_orm_migrations'
       and table_name not in (select relname from pg_class where relispartition)`,
  );
  const described = new Set([...app.orm.getMetadata().getAll().values()].map((meta) => meta.tableName));
  const missing = rows
    .map((r) => r.table_name)
    .filter((name) => !described.has(name))
    .sort();
  t.same(missing, [], 'tables without an entity');
});

t.test('the entities match the migrated schema column for column', async (t) => {
  const diff = await app.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: false });
  const statements = diff
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  t.ok(statements.length > 0, 'the generator reports the constraints and indexes entities leave to migrations');
  const drift = statements.filter((s) => !ALLOWED.some(([pattern]) => pattern.test(s)));
  t.same(drift, [], 'statements the schema generator would run to match the entities');
});
