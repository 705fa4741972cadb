// Viewer profile schemas (seed 001 shape, plus has_pin): bodies for create, update and select, and replies.
import { Type, type Static } from '@sinclair/typebox';
import { Uuid, envelope, ref } from './common.ts';
import { CERTIFICATIONS } from '../services/catalog/maturity.ts';

const Name = Type.String({ minLength: 1, maxLength: 50, pattern: '\\S', examples: ['John Doe'] });
// Stored and shown as given, never fetched by the server.
const AvatarUrl = Type.Union([
  Type.String({
    format: 'uri',
    pattern: '^https://',
    maxLength: 500,
    examples: ['https://cdn.example.com/avatars/1.png'],
  }),
  Type.Null(),
]);
const Maturity = Type.Union(
  CERTIFICATIONS.map((c) => Type.Literal(c)),
  { description: 'Highest certification this profile may watch', examples: ['TV-MA'] },
);
// BCP-47 language tag, as seed 001 writes it (en-US, pt-BR, es, zh-Hant-TW).
const Language = Type.String({
  pattern: '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$',
  maxLength: 10,
  examples: ['en-US'],
});
const Pin = Type.String({ pattern: '^[0-9]{4}$', description: '4 digits', examples: ['1234'] });

export const ViewerProfile = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    avatar_url: Type.Union([Type.String(), Type.Null()]),
    is_kids: Type.Boolean(),
    language: Type.String(),
    maturity_rating: Type.String(),
    has_pin: Type.Boolean({ description: 'Switching to it needs POST /profiles/{id}/select with the PIN' }),
  },
  { $id: 'ViewerProfile', description: 'A viewer profile of the account' },
);
export const Profile = ref(ViewerProfile);
export type Profile = Static<typeof Profile>;

export const ProfileCreateBody = Type.Object(
  {
    name: Name,
    avatar_url: Type.Optional(AvatarUrl),
    is_kids: Type.Optional(Type.Boolean({ description: 'A kids profile sees only kids-rated titles' })),
    maturity_rating: Type.Optional(Maturity),
    language: Type.Optional(Language),
    pin: Type.Optional(Type.Union([Pin, Type.Null()])),
  },
  { additionalProperties: false },
);

export const ProfileUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    avatar_url: Type.Optional(AvatarUrl),
    is_kids: Type.Optional(Type.Boolean()),
    maturity_rating: Type.Optional(Maturity),
    language: Type.Optional(Language),
    pin: Type.Optional(Type.Union([Pin, Type.Null()], { description: 'A new PIN, or null to remove it' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SelectBody = Type.Object({ pin: Type.Optional(Pin) }, { additionalProperties: false });

export const ProfileParams = Type.Object({ id: Uuid });
export const ProfileResponse = envelope(Type.Object({ profile: Profile }));
export const ProfilesResponse = envelope(Type.Object({ profiles: Type.Array(Profile) }));
