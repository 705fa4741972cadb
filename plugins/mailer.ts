// Exposes the mailer as fastify.mailer.
import path from 'node:path';
import os from 'node:os';
import fp from 'fastify-plugin';
import { createMailer, type Mailer } from '../services/mail/mailer.ts';

declare module 'fastify' {
  interface FastifyInstance {
    mailer: Mailer;
  }
}

export default fp(
  async (app) => {
    const { config } = app;
    const base = config.DATA_DIR === 'memory://' ? path.join(os.tmpdir(), 'cinemate') : config.DATA_DIR;
    const mailer = createMailer({
      smtpUrl: config.SMTP_URL,
      from: config.MAIL_FROM,
      outboxDir: path.join(base, 'outbox'),
      log: app.log,
    });
    app.decorate('mailer', mailer);
    app.addHook('onClose', async () => mailer.close());
  },
  { name: 'mailer', dependencies: ['config'] },
);
