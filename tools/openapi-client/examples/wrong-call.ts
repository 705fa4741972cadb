// Two calls the generated types refuse: test/contract/generated-client.test.ts expects tsc to fail on each
// marked line (a search without its required `q`, a page size that is not a number), and only there.
import createClient from 'openapi-fetch';
import type { paths } from '../schema.d.ts';

const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });
await api.GET('/api/v1/movies/search', {}); // error: q is required
await api.GET('/api/v1/movies/popular', { params: { query: { limit: 'twenty' } } }); // error: limit is a number
