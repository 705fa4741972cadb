// The catalog entities, collected for the ORM.
export const catalogEntities = [];
export type CatalogSchemas = never;
