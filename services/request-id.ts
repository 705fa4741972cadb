// Request ids: a random prefix per process (unique across instances and restarts) and a counter, which
// costs far less per request than a UUID. They name a request in logs and errors; they are not secrets.
import { randomBytes } from 'node:crypto';

const prefix = `req_${randomBytes(6).toString('hex')}`;
let counter = 0;

export const nextRequestId = (): string => `${prefix}${(++counter).toString(36).padStart(5, '0')}`;
