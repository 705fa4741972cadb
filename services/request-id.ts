// Request ids: a random prefix per app instance (unique across instances and restarts) and a counter, which
// costs far less per request than a UUID. They name a request in logs and errors; they are not secrets.
import { randomBytes } from 'node:crypto';

/** The id generator of one app: each app built in a process counts on its own. */
export function requestIds(): () => string {
  const prefix = `req_${randomBytes(6).toString('hex')}`;
  let counter = 0;
  return () => `${prefix}${(++counter).toString(36).padStart(5, '0')}`;
}
