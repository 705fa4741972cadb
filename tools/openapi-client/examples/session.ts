// A typed client session with openapi-fetch over the generated types (npm run openapi:client): sign up, log
// in, the popular list, a favourite, a subscription and a playback start, passing no optional parameter.
// test/contract/generated-client.test.ts compiles it with the project's tsc and runs it against the server.
import createClient from 'openapi-fetch';
import type { MovieCard, paths } from '../schema.d.ts';

export interface SessionResult {
  userId: string;
  popular: MovieCard[];
  favourites: string[];
  plan: string;
  playback: { sessionId: string; quality: string };
}

/** The body of a success, or an error naming the call that failed. */
function ok<T>(call: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`${call}: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}

export async function clientSession(baseUrl: string, email: string): Promise<SessionResult> {
  const api = createClient<paths>({ baseUrl });
  const password = 'PASS1234';
  const signup = ok(
    'signup',
    await api.POST('/api/v1/auth/signup', { body: { name: 'Typed Client', email, password } }),
  );
  const login = ok('login', await api.POST('/api/v1/auth/login', { body: { email, password } }));
  const headers = { authorization: `Bearer ${login.data.auth_token}` };

  const popular = ok('popular', await api.GET('/api/v1/movies/popular'));
  const first = popular.data.movies[0];
  ok('favourite', await api.POST('/api/v1/movies/favourites', { headers, body: { movie_id: first.id } }));
  const favourites = ok('favourites', await api.GET('/api/v1/movies/favourites', { headers }));

  const subscribed = ok(
    'subscribe',
    await api.POST('/api/v1/subscriptions', { headers, body: { plan: 'basic', payment_method: 'pm_card_visa' } }),
  );
  const started = ok(
    'start',
    await api.POST('/api/v1/streaming/{content_id}/start', {
      headers,
      params: { path: { content_id: first.id } },
      body: { device_type: 'web', quality: '1080p' },
    }),
  );
  // The answer's type says a subscription may be absent: the client must look.
  const subscription = subscribed.data.subscription;
  if (!subscription) throw new Error('subscribe: no subscription in the answer');
  return {
    userId: signup.data.user.id,
    popular: popular.data.movies,
    favourites: favourites.data.movies.map((m) => m.id),
    plan: subscription.plan,
    playback: { sessionId: started.data.session_id, quality: started.data.quality },
  };
}
