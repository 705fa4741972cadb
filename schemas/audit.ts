// Schemas of the admin audit log: filters, and one audit entry as the list shows it.
import { Type } from '@sinclair/typebox';
import { Pagination, Uuid, envelope, pageQuery } from './common.ts';

export const AuditQuery = Type.Object(
  {
    ...pageQuery(100, 50),
    action: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9_.-]{1,64}$',
        description: 'Exact action, e.g. auth.login',
        examples: ['auth.login'],
      }),
    ),
    actor_id: Type.Optional(Uuid),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'At or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Before' })),
  },
  { additionalProperties: false },
);

const Nullable = Type.Union([Type.String(), Type.Null()]);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.String({ description: 'Increasing with time' }),
    action: Type.String({ examples: ['auth.login'] }),
    actor_id: Type.Union([Uuid, Type.Null()]),
    target_type: Nullable,
    target_id: Nullable,
    ip_address: Nullable,
    details: Type.Record(Type.String(), Type.Unknown()),
    created_at: Type.String({ format: 'date-time' }),
  },
  { description: 'One audit event' },
);

export const AuditListResponse = envelope(
  Type.Object({ entries: Type.Array(AuditEntrySchema, { description: 'Newest first' }), pagination: Pagination }),
);
