// Every entity the ORM knows; add new ones here.
import { User } from './user.ts';
import { LoginSession } from './login-session.ts';
import { PasswordReset } from './password-reset.ts';
import { IpBlock } from './ip-block.ts';
import { Genre, UserGenre } from './genre.ts';
import { ViewerProfile } from './viewer-profile.ts';
import { catalogEntities } from './catalog/index.ts';
import { libraryEntities } from './library/index.ts';
import { billingEntities } from './billing/index.ts';
import { engagementEntities } from './engagement/index.ts';
import { Job, JobSchedule } from './jobs.ts';

export const entities = [
  User,
  LoginSession,
  PasswordReset,
  IpBlock,
  Genre,
  UserGenre,
  ViewerProfile,
  ...catalogEntities,
  ...libraryEntities,
  ...billingEntities,
  ...engagementEntities,
  Job,
  JobSchedule,
];
export { User, LoginSession, PasswordReset, IpBlock, Genre, UserGenre, ViewerProfile };
