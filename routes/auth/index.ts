// /auth: sign-up, login, refresh, logout and the forgot-password OTP flow (seed 003), with the spellings of
// seeds 001 and 004 (/auth/refresh, /auth/token/, /auth/verify/) served by the same handlers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { MessageResponse, aliasOf, bearer, errors, optionalBody } from '../../schemas/common.ts';
import {
  AuthResponse,
  ForgotBody,
  LoginBody,
  NewPasswordBody,
  RefreshBody,
  RefreshResponse,
  ResetTokenResponse,
  SignupBody,
  VerifyOtpBody,
  VerifyTokenBody,
  VerifyTokenResponse,
} from '../../schemas/auth.ts';
import { login, logout, signup } from '../../services/auth/accounts.ts';
import { checkAccessToken, refreshFromAccessToken, rotateRefreshToken } from '../../services/auth/sessions.ts';
import { completeReset, requestReset, verifyOtp } from '../../services/auth/password-reset.ts';
import { describeClient } from '../../services/auth/client.ts';
import { AppError } from '../../services/errors.ts';

type App = Parameters<FastifyPluginAsyncTypebox>[0];

const tags = ['auth'];
const signupSchema = {
  tags,
  summary: 'Create an account',
  description: 'Creates the account, its followed genres and its first viewer profile, and logs it in.',
  body: SignupBody,
  response: { 201: AuthResponse, ...errors(400, 409, 429) },
};
const loginSchema = {
  tags,
  summary: 'Log in',
  description:
    'Answers the access token as `auth_token` and `access_token` (the same value), a refresh token and the user.',
  body: LoginBody,
  response: { 200: AuthResponse, ...errors(400, 401, 403, 429) },
};
const refreshSchema = {
  tags,
  summary: 'Refresh the access token',
  description:
    'With `refresh_token` (or `refresh`) in the body: rotates it and returns a new access token and a new refresh token; a refresh ' +
    'token that was already used ends the whole session (reuse detection). Without a body (seed 003): a still-valid access token in the ' +
    'Authorization header of an active session gets a fresh access token.',
  body: RefreshBody,
  // Either credential: the refresh token in the body needs no Authorization header.
  security: [...bearer, {}],
  response: { 200: RefreshResponse, ...errors(400, 401, 429) },
};

/** Sign-up at `url`; /users/register (seed 004) registers the same handler. */
export function signupRoute(app: App, url: string, schema: typeof signupSchema): void {
  app.post(url, { config: { rateLimit: app.rateLimits.auth }, schema }, async (request, reply) => {
    const { name, email, password, genres = [] } = request.body;
    const result = await signup(
      request.deps,
      { name, email, password, genres: genres.map(String) },
      describeClient(request.ip, request.headers['user-agent'], request.body),
    );
    return reply.code(201).send({ success: true, message: 'Account created successfully', data: result });
  });
}

/** Seed 004's /users/register: an alias of POST /auth/signup. */
export const registerAlias: FastifyPluginAsyncTypebox = async (app) => {
  signupRoute(app, '/register', aliasOf('POST /api/v1/auth/signup', signupSchema));
};

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const rateLimit = app.rateLimits.auth;

  const resetClaims = (request: FastifyRequest) => {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match) throw new AppError('UNAUTHORIZED', 'Send the reset_token as "Authorization: Bearer <reset_token>"');
    return { token: match[1], claims: app.tokens.verifyReset(match[1]) };
  };

  signupRoute(app, '/signup', signupSchema);

  const loginRoute = (url: string, schema: typeof loginSchema) =>
    app.post(url, { config: { rateLimit }, schema }, async (request) => {
      const result = await login(
        request.deps,
        request.body.email,
        request.body.password,
        describeClient(request.ip, request.headers['user-agent'], request.body),
      );
      return { success: true as const, message: 'Login successful', data: result };
    });
  loginRoute('/login', loginSchema);
  // Seed 004 (Django REST framework SimpleJWT): POST /auth/token/ logs in.
  loginRoute('/token', aliasOf('POST /api/v1/auth/login', loginSchema));

  const refreshRoute = (url: string, schema: typeof refreshSchema) =>
    app.post(
      url,
      {
        config: { rateLimit },
        // Seed 003 clients send no body at all.
        preValidation: optionalBody,
        schema,
      },
      async (request) => {
        const refreshToken = request.body?.refresh_token ?? request.body?.refresh;
        if (refreshToken) {
          const data = await rotateRefreshToken(request.deps, refreshToken, request.ip);
          return { success: true as const, message: 'Token refreshed successfully', data };
        }
        await app.authenticate(request, null as never);
        const data = await refreshFromAccessToken(request.deps, {
          user_id: request.auth!.userId,
          session_id: request.auth!.sessionId,
        });
        return { success: true as const, message: 'Token refreshed successfully', data };
      },
    );
  refreshRoute('/refresh-token', refreshSchema);
  // Seed 001's POST /auth/refresh and seed 004's POST /auth/refresh/ (trailing slashes are ignored).
  refreshRoute('/refresh', aliasOf('POST /api/v1/auth/refresh-token', refreshSchema));

  app.post(
    '/verify',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Check an access token',
        description:
          '200 when the access token is signed by this deployment, not expired and its login session ' +
          'is still active; 401 (`UNAUTHORIZED` or `TOKEN_EXPIRED`) otherwise. Says nothing about what the token may do.',
        body: VerifyTokenBody,
        response: { 200: VerifyTokenResponse, ...errors(400, 401, 429) },
      },
    },
    async (request) => {
      const data = await checkAccessToken(request.deps, app.tokens.verifyAccess(request.body.token));
      return { success: true as const, message: 'Token is valid', data };
    },
  );

  app.post(
    '/logout',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Log out',
        description: 'Ends this login session; its access and refresh tokens stop working at once.',
        security: bearer,
        response: { 200: MessageResponse, ...errors(401, 429) },
      },
    },
    async (request) => {
      await logout(request.deps, { userId: request.auth!.userId, sessionId: request.auth!.sessionId, ip: request.ip });
      return { success: true as const, message: 'Logged out successfully' };
    },
  );

  app.post(
    '/forgot-password',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Request a password reset',
        description:
          'Emails a 6-digit code valid for 10 minutes and returns a reset token. The answer is the same whether or not the email has an account.',
        body: ForgotBody,
        response: { 200: ResetTokenResponse, ...errors(400, 429) },
      },
    },
    async (request) => {
      const data = await requestReset(request.deps, request.body.email, request.ip);
      return { success: true as const, message: 'OTP sent to your email', data };
    },
  );

  app.post(
    '/forgot-password/verify',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Verify the emailed code',
        description:
          'Bearer: the reset token. At most 5 attempts, from the same IP that requested the reset; the code works once.',
        security: bearer,
        body: VerifyOtpBody,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { token, claims } = resetClaims(request);
      await verifyOtp(request.deps, claims, token, request.body.otp_code, request.ip);
      return { success: true as const, message: 'OTP verified successfully' };
    },
  );

  app.post(
    '/forgot-password/change',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Set a new password after verification',
        description:
          'Bearer: the verified reset token. Ends every login session of the account and revokes other reset requests.',
        security: bearer,
        body: NewPasswordBody,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { token, claims } = resetClaims(request);
      await completeReset(request.deps, claims, token, request.body.new_password, request.ip);
      return { success: true as const, message: 'Password reset successfully' };
    },
  );
};

export default routes;
