import { TavernError, tableRole } from '@tavern/protocol'
import {
  currentUser,
  errorResponses,
  type ModuleContext,
  Rejection,
  requireUser,
  unwrap,
} from '@tavern/server'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { TableConfig } from '../config.ts'
import {
  type Caller,
  createCampaign,
  createInvite,
  createSession,
  leaveSession,
  redeemInvite,
  removeMember,
  setRole,
  updateSession,
} from '../manage.ts'
import { sessionInfo } from '../reports.ts'
import type { TableService } from '../service.ts'
import { sessionStore } from '../store/sessions.ts'
import {
  campaignBody,
  campaignParams,
  campaignView,
  inviteBody,
  inviteResponse,
  memberParams,
  sessionBody,
  sessionInfoResponse,
  sessionParams,
  sessionPatch,
  sessionResponse,
  tags,
} from './schemas.ts'

/** The caller of a guarded route. */
export function callerOf(request: FastifyRequest): Caller {
  const claims = currentUser(request)
  return { userId: claims.sub, username: claims.name }
}

/** The bearer scheme the core declares in the OpenAPI document. */
const security = [{ bearerAuth: [] }]

/** `/api/table/*`: campaigns, sessions, invites and memberships. Every route needs a logged-in user. */
export function registerSessionRoutes(
  root: FastifyInstance,
  ctx: ModuleContext<TableConfig>,
  svc: TableService,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const preHandler = requireUser(ctx.use('accounts'))

  app.post(
    '/api/table/campaigns',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableCreateCampaign',
        summary: 'Create a campaign',
        description: 'You own it: only you create its sessions.',
        body: campaignBody,
        response: { 201: campaignView, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createCampaign(svc, callerOf(request), request.body)),
  )

  app.get(
    '/api/table/campaigns',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableListCampaigns',
        summary: 'Campaigns you own or play in',
        response: { 200: z.object({ campaigns: z.array(campaignView) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ campaigns: await sessionStore.campaignsOf(ctx.sql, callerOf(request).userId) }),
  )

  app.post(
    '/api/table/campaigns/:campaignId/sessions',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableCreateSession',
        summary: 'Schedule a session of your campaign',
        description:
          'You become its first game master. Its first server seed is committed at once: the commitment is in ' +
          'the session info before anyone rolls.',
        params: campaignParams,
        body: sessionBody,
        response: { 201: sessionResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const s = unwrap(await createSession(svc, callerOf(request), request.params.campaignId, request.body))
      return reply.code(201).send(s)
    },
  )

  app.get(
    '/api/table/campaigns/:campaignId/sessions',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableCampaignSessions',
        summary: 'Sessions of a campaign you own',
        params: campaignParams,
        response: { 200: z.object({ sessions: z.array(sessionResponse) }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const campaign = await sessionStore.campaign(ctx.sql, request.params.campaignId)
      if (!campaign) throw TavernError.of('table.campaign_not_found')
      if (campaign.ownerId !== callerOf(request).userId) throw TavernError.of('table.not_campaign_owner')
      return { sessions: await sessionStore.sessionsOf(ctx.sql, campaign.id) }
    },
  )

  app.get(
    '/api/table/sessions',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableMySessions',
        summary: 'Sessions you are a member of, with your role',
        response: {
          200: z.object({ sessions: z.array(sessionResponse.extend({ role: tableRole })) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => ({ sessions: await sessionStore.sessionsOfUser(ctx.sql, callerOf(request).userId) }),
  )

  app.get(
    '/api/table/sessions/:sessionId',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableSession',
        summary: 'A session you are a member of',
        params: sessionParams,
        response: { 200: sessionInfoResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => unwrap(await sessionInfo(svc, callerOf(request), request.params.sessionId)),
  )

  app.patch(
    '/api/table/sessions/:sessionId',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableUpdateSession',
        summary: 'Start, pause, resume or end a session; change its phase or title (game masters)',
        description:
          'Statuses: scheduled → in_progress ⇄ paused → completed (also scheduled → completed). Completing ' +
          'reveals the last server seed; the log becomes read-only. The room receives `table.session`.',
        params: sessionParams,
        body: sessionPatch,
        response: { 200: sessionResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      unwrap(await updateSession(svc, callerOf(request), request.params.sessionId, request.body)),
  )

  app.post(
    '/api/table/sessions/:sessionId/invites',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableCreateInvite',
        summary: 'Create an invite code (game masters)',
        description: 'Whoever redeems it joins with its role (player by default; spectator or gm possible).',
        params: sessionParams,
        body: inviteBody,
        response: { 201: inviteResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const invite = unwrap(
        await createInvite(svc, callerOf(request), request.params.sessionId, request.body),
      )
      return reply.code(201).send(invite)
    },
  )

  app.post(
    '/api/table/join',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableJoin',
        summary: 'Join a session with an invite code',
        body: z.object({ code: z.string().trim().min(4).max(32) }),
        response: {
          200: z.object({ sessionId: z.string(), role: tableRole }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => unwrap(await redeemInvite(svc, callerOf(request), request.body.code)),
  )

  app.post(
    '/api/table/sessions/:sessionId/leave',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableLeave',
        summary: 'Stop being a member of a session',
        description: 'The last game master cannot leave (`table.last_gm`): make someone else GM first.',
        params: sessionParams,
        response: { 204: z.undefined(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      unwrap(await leaveSession(svc, callerOf(request), request.params.sessionId))
      return reply.code(204).send()
    },
  )

  app.put(
    '/api/table/sessions/:sessionId/members/:userId',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableSetRole',
        summary: "Change a member's role (game masters)",
        params: memberParams,
        body: z.object({ role: tableRole }),
        response: {
          200: z.object({ userId: z.string(), role: tableRole }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const { sessionId, userId } = request.params
      return unwrap(await setRole(svc, callerOf(request), sessionId, userId, request.body.role))
    },
  )

  app.delete(
    '/api/table/sessions/:sessionId/members/:userId',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableRemoveMember',
        summary: 'Remove a member (game masters; anyone may remove themselves)',
        params: memberParams,
        response: { 204: z.undefined(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const r = await removeMember(svc, callerOf(request), request.params.sessionId, request.params.userId)
      if (r instanceof Rejection) unwrap(r)
      return reply.code(204).send()
    },
  )
}
