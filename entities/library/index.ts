// The library entities, collected for the ORM.
export const libraryEntities = [] as const;
