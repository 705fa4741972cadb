// A real SMTP server on 127.0.0.1 that keeps every message it receives, for mail tests.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** Listens on `port` (0: any free port), so a test can stop the server and bring it back on the same port. */
export async function startSmtpServer(port = 0) {
  const inbox: ReceivedMail[] = [];
  const waiters: Array<(mail: ReceivedMail) => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        const mail = { to: session.envelope.rcptTo.map((r) => r.address), raw };
        inbox.push(mail);
        waiters.shift()?.(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    port: bound,
    inbox,
    /** Resolves with the next message (or one already received and not yet taken). */
    next(timeoutMs = 5000): Promise<ReceivedMail> {
      const pending = inbox.length > 0 ? inbox.shift() : undefined;
      if (pending) return Promise.resolve(pending);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no mail received')), timeoutMs);
        waiters.push((mail) => {
          clearTimeout(timer);
          inbox.splice(inbox.indexOf(mail), 1);
          resolve(mail);
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
