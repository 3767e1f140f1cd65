import type { Role } from '@tavern/protocol'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import { bearerAuth } from '../http/app.ts'
import { currentUser, requireUser } from '../http/auth-guard.ts'
import { errorResponses, unwrap } from '../http/errors.ts'
import type { AccountsApi } from './api.ts'
import { ban, mute, setRole, unban, unmute } from './moderation.ts'
import {
  accountView,
  banBody,
  muteBody,
  roleBody,
  searchQuery,
  userIdParams,
  usersResponse,
} from './schemas.ts'
import type { AccountsDeps } from './service.ts'
import { searchUsers, toAccountUser } from './users.ts'

const tags = ['admin']
const security = [{ [bearerAuth]: [] }]

/** `/api/admin/users*`: search, ban, unban, mute, unmute, change role. */
export function registerAdminRoutes(root: FastifyInstance, deps: AccountsDeps, api: AccountsApi): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const guards: Record<Role, ReturnType<typeof requireUser>> = {
    player: requireUser(api),
    moderator: requireUser(api, 'moderator'),
    admin: requireUser(api, 'admin'),
  }

  app.get(
    '/api/admin/users',
    {
      preHandler: guards.moderator,
      schema: {
        tags,
        security,
        operationId: 'searchUsers',
        summary: 'Find accounts by name (moderator)',
        querystring: searchQuery,
        response: { 200: usersResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const now = deps.clock.now()
      const rows = await searchUsers(deps.sql, request.query.query, request.query.limit)
      return { users: rows.map((r) => toAccountUser(r, now)) }
    },
  )

  /** One POST action on a user, answering the account after the change. */
  const action = <B extends z.ZodType>(
    path: string,
    minRole: Role,
    doc: { operationId: string; summary: string; description: string },
    body: B | undefined,
    run: (actor: ReturnType<typeof currentUser>, userId: string, body: z.output<B>) => Promise<unknown>,
  ) => {
    app.post(
      `/api/admin/users/:userId/${path}`,
      {
        preHandler: guards[minRole],
        schema: {
          tags,
          security,
          ...doc,
          params: userIdParams,
          ...(body ? { body } : {}),
          response: { 200: accountView, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const params = request.params as z.output<typeof userIdParams>
        return unwrap(await run(currentUser(request), params.userId, request.body as z.output<B>)) as never
      },
    )
  }

  action(
    'ban',
    'admin',
    {
      operationId: 'banUser',
      summary: 'Ban or suspend an account (admin)',
      description:
        'Without `until` the ban is permanent (`auth.banned`); with it the account is suspended until then ' +
        '(`auth.suspended`). Access tokens stop working at once, refresh tokens are revoked and live sessions closed.',
    },
    banBody,
    (actor, userId, b) => ban(deps, actor, userId, b),
  )
  action(
    'unban',
    'admin',
    {
      operationId: 'unbanUser',
      summary: 'Lift a ban (admin)',
      description: 'The user logs in again afterwards.',
    },
    undefined,
    (actor, userId) => unban(deps, actor, userId),
  )
  action(
    'mute',
    'moderator',
    {
      operationId: 'muteUser',
      summary: 'Mute an account until a time (moderator)',
      description: 'Muted users cannot chat; other features are unaffected.',
    },
    muteBody,
    (actor, userId, b) => mute(deps, actor, userId, b),
  )
  action(
    'unmute',
    'moderator',
    { operationId: 'unmuteUser', summary: 'Lift a mute (moderator)', description: 'Takes effect at once.' },
    undefined,
    (actor, userId) => unmute(deps, actor, userId),
  )
  action(
    'role',
    'admin',
    {
      operationId: 'setUserRole',
      summary: 'Change the role of an account (admin)',
      description:
        "The user's access tokens stop working and their live sessions end with close code 4014: clients refresh " +
        'their token and reconnect with the new role.',
    },
    roleBody,
    (actor, userId, b) => setRole(deps, actor, userId, b.role),
  )
}
