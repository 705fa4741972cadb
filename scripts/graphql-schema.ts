// npm run graphql:schema: writes the GraphQL schema (schemas/graphql.ts) to schema.graphql, so that a diff
// shows every change of the GraphQL API. test/graphql.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { printedSchema } from '../schemas/graphql.ts';

writeFileSync(new URL('../schema.graphql', import.meta.url), printedSchema());
console.log('schema.graphql written');
