// Request and response schemas of /auth (seed 003 payloads, plus the access_token, refresh_token, expires_in and
// subscription_tier of seed 001, and seed 004's token check).
import { Type, type Static } from '@sinclair/typebox';
import { Uuid, Email, GenreIds, Password, envelope, ref } from './common.ts';

const ClientFields = {
  platform: Type.Optional(
    Type.Union([Type.Literal('mobile-app'), Type.Literal('web')], { description: 'Defaults from the User-Agent' }),
  ),
  device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, examples: ['Pixel 9'] })),
};

export const SignupBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['Joe Doe'] }),
    email: Email,
    password: Password,
    genres: Type.Optional(GenreIds),
    ...ClientFields,
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 128, examples: ['PASS1234'] }), ...ClientFields },
  { additionalProperties: false },
);

const RefreshToken = Type.String({
  minLength: 10,
  maxLength: 200,
  description: 'The refresh token from login, signup or the last refresh',
});
export const RefreshBody = Type.Object(
  {
    refresh_token: Type.Optional(RefreshToken),
    refresh: Type.Optional({ ...RefreshToken, description: 'Same as refresh_token' }),
  },
  { additionalProperties: false },
);

export const VerifyTokenBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 4096, description: 'An access token (auth_token)' }) },
  { additionalProperties: false },
);

export const ForgotBody = Type.Object({ email: Email }, { additionalProperties: false });
export const VerifyOtpBody = Type.Object(
  { otp_code: Type.String({ pattern: '^[0-9]{6}$', examples: ['123456'] }) },
  { additionalProperties: false },
);
export const NewPasswordBody = Type.Object({ new_password: Password }, { additionalProperties: false });

export const User = Type.Object(
  {
    id: Uuid,
    name: Type.String({ examples: ['Joe Doe'] }),
    email: Type.String({ examples: ['example@mail.com'] }),
    subscription_tier: Type.String({
      description:
        'Code of the plan of the subscription that entitles the account (trialing, active or past due); `free` without one',
      examples: ['premium', 'free'],
    }),
  },
  { $id: 'User', description: 'The account a token was issued to' },
);
export const AccountUser = ref(User);
export type AccountUser = Static<typeof AccountUser>;

const tokenFields = {
  auth_token: Type.String({ description: 'JWT access token (Bearer)' }),
  access_token: Type.String({ description: 'Same value as auth_token' }),
  refresh_token: Type.String({ description: 'Opaque refresh token; rotated on every refresh' }),
  expires_in: Type.Integer({ description: 'Access token lifetime in seconds', examples: [900] }),
};

export const AuthResponse = envelope(Type.Object({ ...tokenFields, user: AccountUser }));
export const RefreshResponse = envelope(
  Type.Object({
    auth_token: tokenFields.auth_token,
    access_token: tokenFields.access_token,
    refresh_token: Type.Optional(tokenFields.refresh_token),
    expires_in: tokenFields.expires_in,
    user: AccountUser,
  }),
);
export const VerifyTokenResponse = envelope(
  Type.Object({
    valid: Type.Literal(true),
    user_id: Uuid,
    expires_at: Type.String({ format: 'date-time', description: 'When the access token expires' }),
  }),
);
export const ResetTokenResponse = envelope(
  Type.Object({
    reset_token: Type.String({ description: 'JWT of type forgot_password; send it as Bearer to verify and change' }),
  }),
);
