// The account entities: users, login sessions, password resets, blocked addresses, genres followed, audit log.
import { AuditEntry, type AuditEntrySchema } from './audit-entry.ts';
import { Genre, type GenreSchema, UserGenre, type UserGenreSchema } from './genre.ts';
import { IpBlock, type IpBlockSchema } from './ip-block.ts';
import { LoginSession, type LoginSessionSchema } from './login-session.ts';
import { PasswordReset, type PasswordResetSchema } from './password-reset.ts';
import { User, type UserSchema } from './user.ts';

export const accountEntities = [User, LoginSession, PasswordReset, IpBlock, Genre, UserGenre, AuditEntry];
export type AccountSchemas =
  | typeof UserSchema
  | typeof LoginSessionSchema
  | typeof PasswordResetSchema
  | typeof IpBlockSchema
  | typeof GenreSchema
  | typeof UserGenreSchema
  | typeof AuditEntrySchema;
