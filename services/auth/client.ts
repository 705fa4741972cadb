// Describes the calling device for a new login session from optional body fields and the User-Agent.
import type { Static } from '@sinclair/typebox';
import type { LoginBody } from '../../schemas/auth.ts';
import type { Client } from './sessions.ts';

const MOBILE = /(okhttp|cfnetwork|dart|android|iphone|ipad|expo|reactnative)/i;

export function describeClient(
  ip: string,
  userAgent: string | undefined,
  body: Pick<Static<typeof LoginBody>, 'platform' | 'device_name'>,
): Client {
  const ua = (userAgent ?? '').slice(0, 255);
  return {
    ip,
    platform: body.platform ?? (MOBILE.test(ua) ? 'mobile-app' : 'web'),
    deviceName: body.device_name ?? (ua || 'unknown device'),
  };
}
