// Seed 001's recommendation rows and "similar" lists: title cards (seed 003 style) with a confidence score.
import { Type, type Static } from '@sinclair/typebox';
import { ContentId, Uuid, envelope, ref } from './common.ts';
import { cardProperties } from './movies.ts';

export const RecommendedCardSchema = Type.Object(
  {
    ...cardProperties,
    confidence_score: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'How strongly the model recommends it, 0..1',
      examples: [0.89],
    }),
    thumbnail_url: Type.Union([Type.String(), Type.Null()], { description: 'The poster (the name some clients use)' }),
  },
  { $id: 'RecommendedCard', description: 'A title card with its confidence score' },
);
export const RecommendedCard = ref(RecommendedCardSchema);
export type RecommendedCard = Static<typeof RecommendedCard>;

export const ProfileParams = Type.Object({ profile_id: Uuid });

export const RecommendationRowsResponse = envelope(
  Type.Object({
    recommendations: Type.Array(
      Type.Object({
        category: Type.String({
          examples: ['Because you watched Stranger Things', 'Top picks in Comedy', 'Popular on Cinemate'],
        }),
        content: Type.Array(RecommendedCard),
      }),
    ),
    generated_at: Type.String({ format: 'date-time', examples: ['2024-01-15T10:30:00Z'] }),
  }),
  'Personalised rows',
);

export const SimilarParams = Type.Object({ content_id: ContentId });
export const SimilarQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 20, description: 'Titles returned (max 50)' }),
});

export const SimilarResponse = envelope(
  Type.Object({ content_id: Type.String({ examples: ['m238'] }), content: Type.Array(RecommendedCard) }),
  'Titles similar to one title',
);
