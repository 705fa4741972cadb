// npm run migrate: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
import { loadConfig } from '../services/config.ts';
import { migrate, openOrm } from '../services/db/orm.ts';

const config = loadConfig();
const orm = await openOrm({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  const applied = await migrate(orm);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
} finally {
  await orm.close(true);
}
