// The OpenAPI document as committed: stable key order and formatting so diffs stay readable.
import type { FastifyInstance } from 'fastify';

export const openApiDocument = (app: FastifyInstance): string => `${JSON.stringify(app.swagger(), null, 2)}\n`;
