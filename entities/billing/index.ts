// The billing entities, collected for the ORM.
export const billingEntities = [] as const;
