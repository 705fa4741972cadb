// The library entities: viewer profiles and what each profile keeps.
import { ViewerProfile, type ViewerProfileSchema } from './viewer-profile.ts';

export const libraryEntities = [ViewerProfile];
export type LibrarySchemas = typeof ViewerProfileSchema;
