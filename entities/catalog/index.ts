// The catalog entities, collected for the ORM.
export const catalogEntities = [] as const;
