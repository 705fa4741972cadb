// Schemas of /profile: the account's details and preferences (seed 003), password change and sessions.
import { Type, type Static } from '@sinclair/typebox';
import { Uuid, Email, GenreIds, Password, envelope, ref } from './common.ts';

export const MaturityFilter = Type.Union([Type.Literal('all'), Type.Literal('teen'), Type.Literal('adult')], {
  description: '`all` and `adult` show every rating; `teen` hides R, NC-17 and TV-MA',
});

export const Account = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    email: Type.String(),
    genres: Type.Array(Type.String(), { examples: [['Action', 'Comedy']] }),
    genre_ids: Type.Array(Type.String()),
    maturity_filter: MaturityFilter,
    preferred_language: Type.String({ examples: ['en'] }),
    role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Account', description: 'The signed-in account with its preferences' },
);
export const ProfileUser = ref(Account);
export type ProfileUser = Static<typeof ProfileUser>;

export const ProfileResponse = envelope(Type.Object({ user: ProfileUser }));

export const ProfileUpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    email: Type.Optional(Email),
    genres: Type.Optional(GenreIds),
    maturity_filter: Type.Optional(MaturityFilter),
    preferred_language: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', examples: ['es'] })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ChangePasswordBody = Type.Object(
  { old_password: Type.String({ minLength: 1, maxLength: 128 }), new_password: Password },
  { additionalProperties: false },
);
export const ChangePasswordResponse = envelope(Type.Object({ auth_token: Type.String(), expires_in: Type.Integer() }));

export const LoginSession = Type.Object(
  {
    id: Uuid,
    platform: Type.String({ examples: ['mobile-app'] }),
    device_name: Type.String(),
    ip_address: Type.String(),
    started_at: Type.String({ format: 'date-time' }),
    last_used_at: Type.String({ format: 'date-time' }),
    current: Type.Boolean({ description: 'The session this request was made with' }),
  },
  { $id: 'LoginSession', description: 'A signed-in device of the account' },
);
export const SessionItem = ref(LoginSession);
export type SessionItem = Static<typeof SessionItem>;
export const SessionsResponse = envelope(Type.Object({ sessions: Type.Array(SessionItem) }));
