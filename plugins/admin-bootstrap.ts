// At start-up, makes sure the account named by ADMIN_EMAIL exists with the admin role.
import fp from 'fastify-plugin';
import { ensureAdmin } from '../services/auth/admin.ts';
import { audit } from '../services/audit.ts';

export default fp(
  async (app) => {
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = app.config;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return;
    const em = app.em();
    const result = await ensureAdmin(em, ADMIN_EMAIL, ADMIN_PASSWORD);
    if (result.created || result.promoted) {
      await audit(
        { em, log: app.log },
        { action: result.created ? 'admin.created' : 'admin.role_granted', targetType: 'user', targetId: result.id },
      );
    }
  },
  { name: 'admin-bootstrap', dependencies: ['db'] },
);
