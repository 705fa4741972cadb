// What the logs may say about a request: its URL with every credential-like query value replaced (a
// WebSocket may carry its access token as ?token=, a media link its signature), and the redaction paths for
// headers and bodies. Logs are read by more people and kept longer than the credentials they could leak.

const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'auth_token',
  'refresh_token',
  'reset_token',
  'id_token',
  'code',
  'otp',
  'otp_code',
  'signature',
  'sig',
  'key',
  'password',
  'secret',
  'pin',
]);

export const CENSOR = '[redacted]';

/** The URL with the values of credential-like query parameters censored; the path and other values stay. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const pairs = url.slice(q + 1).split('&');
  let changed = false;
  for (let i = 0; i < pairs.length; i++) {
    const eq = pairs[i].indexOf('=');
    if (eq === -1) continue;
    let name = pairs[i].slice(0, eq);
    try {
      name = decodeURIComponent(name);
    } catch {}
    if (SECRET_PARAMS.has(name.toLowerCase())) {
      pairs[i] = `${pairs[i].slice(0, eq)}=${CENSOR}`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${pairs.join('&')}` : url;
}

/** pino redaction paths: credential headers and body fields wherever a log line carries them. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-profile-pin"]',
  'req.headers["stripe-signature"]',
  '*.password',
  '*.new_password',
  '*.old_password',
  '*.current_password',
  '*.otp_code',
  '*.otp',
  '*.refresh_token',
  '*.auth_token',
  '*.access_token',
  '*.reset_token',
  '*.token',
  '*.pin',
  '*.secret',
];
