// The billing entities, collected for the ORM.
export const billingEntities = [];
export type BillingSchemas = never;
