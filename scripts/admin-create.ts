// npm run admin:create -- <email> <password>: creates an admin account, or grants the role to an existing one.
// Falls back to ADMIN_EMAIL / ADMIN_PASSWORD when no arguments are given.
import { loadConfig } from '../services/config.ts';
import { type Em, migrate, openOrm } from '../services/db/orm.ts';
import { ensureAdmin } from '../services/auth/admin.ts';
import { audit } from '../services/audit.ts';

const config = loadConfig();
const [email = config.ADMIN_EMAIL, password = config.ADMIN_PASSWORD] = process.argv.slice(2);
if (!email || !password || password.length < 8 || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
  console.error('usage: npm run admin:create -- <email> <password of 8+ characters>');
  process.exit(2);
}
const orm = await openOrm({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  await migrate(orm);
  const em = orm.em.fork() as Em;
  const result = await ensureAdmin(em, email, password);
  await audit(
    { em, log: { info: () => {}, warn: () => {}, error: console.error } },
    { action: result.created ? 'admin.created' : 'admin.role_granted', targetType: 'user', targetId: result.id },
  );
  console.log(
    result.created
      ? `admin ${email} created`
      : result.promoted
        ? `${email} is now an admin`
        : `${email} already is an admin`,
  );
} finally {
  await orm.close(true);
}
