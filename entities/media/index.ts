// The media entities, collected for the ORM.
export const mediaEntities = [];
export type MediaSchemas = never;
