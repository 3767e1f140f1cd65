import { TavernError } from '@tavern/protocol'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { bearerAuth } from '../http/app.ts'
import { currentUser, requireUser } from '../http/auth-guard.ts'
import { errorResponses, unwrap } from '../http/errors.ts'
import type { AccountsApi } from './api.ts'
import { authResponse, loginBody, meResponse, refreshBody, registerBody } from './schemas.ts'
import { type AccountsDeps, login, logout, refresh, register } from './service.ts'
import { toAccountUser, userById } from './users.ts'

const tags = ['auth']

/** `/api/auth/*`: register, login, refresh, logout, me. */
export function registerAuthRoutes(root: FastifyInstance, deps: AccountsDeps, api: AccountsApi): void {
  const app = root.withTypeProvider<ZodTypeProvider>()

  app.post(
    '/api/auth/register',
    {
      schema: {
        tags,
        operationId: 'register',
        summary: 'Create an account',
        description:
          'Creates a player account and logs it in. Usernames are unique regardless of case. Throttled per ' +
          'client address (`auth.too_many_attempts` with Retry-After).',
        body: registerBody,
        response: { 201: authResponse, ...errorResponses(400, 409, 429) },
      },
    },
    async (request, reply) => {
      const result = unwrap(await register(deps, request.body, request.ip))
      return reply.code(201).send(result)
    },
  )

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags,
        operationId: 'login',
        summary: 'Log in with username and password',
        description:
          'Returns a short-lived access token and a single-use refresh token. Failed attempts are counted per ' +
          'username and address and per address; past the limit the answer is `auth.too_many_attempts` with ' +
          'Retry-After. Banned accounts get `auth.banned`, suspended ones `auth.suspended` with `retryAfterMs`.',
        body: loginBody,
        response: { 200: authResponse, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => unwrap(await login(deps, request.body, request.ip)),
  )

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        tags,
        operationId: 'refresh',
        summary: 'Trade a refresh token for new tokens',
        description:
          'Refresh tokens rotate: the one presented is spent and a new one returned. Presenting a spent token ' +
          'again revokes every token of that login (`auth.refresh_reused`).',
        body: refreshBody,
        response: { 200: authResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => unwrap(await refresh(deps, request.body.refreshToken)),
  )

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags,
        operationId: 'logout',
        summary: 'Revoke the refresh tokens of this login',
        description: 'Idempotent. Access tokens already issued stay valid until they expire (minutes).',
        body: refreshBody,
        response: { 204: z.undefined().describe('Logged out'), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      await logout(deps, request.body.refreshToken)
      return reply.code(204).send()
    },
  )

  app.get(
    '/api/auth/me',
    {
      preHandler: requireUser(api),
      schema: {
        tags,
        operationId: 'me',
        summary: 'The logged-in account',
        security: [{ [bearerAuth]: [] }],
        response: { 200: meResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const claims = currentUser(request)
      const now = deps.clock.now()
      const row = await userById(deps.sql, claims.sub)
      if (!row) throw TavernError.of('auth.user_not_found')
      const u = toAccountUser(row, now)
      return {
        userId: u.userId,
        username: u.username,
        role: u.role,
        createdAt: u.createdAt,
        mutedUntil: u.mutedUntil,
        bannedUntil: u.bannedUntil,
      }
    },
  )
}
