// The security headers every response carries, computed once from helmet's own middleware. With no
// Content-Security-Policy (the API answers JSON; the docs pages set their own) helmet's output depends
// only on its options, never on the request, so running its chain per request (measured: a quarter of
// the throughput of a cached catalog read) buys nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  // helmet's chain is synchronous; if that ever changes, fail at start-up rather than send no headers.
  if (!done) throw new Error('helmet did not finish synchronously');
  return Object.freeze(headers);
}
