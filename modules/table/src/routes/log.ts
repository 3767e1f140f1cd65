import { errorResponses, type ModuleContext, requireUser, unwrap } from '@tavern/server'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { TableConfig } from '../config.ts'
import { exportLog, fairness, recap, roomInfo } from '../reports.ts'
import type { TableService } from '../service.ts'
import {
  exportJson,
  exportQuery,
  fairnessAudit,
  historyQuery,
  historyResponse,
  recapResponse,
  roomResponse,
  sessionParams,
  tags,
} from './schemas.ts'
import { callerOf } from './sessions.ts'

/** The bearer scheme the core declares in the OpenAPI document. */
const security = [{ bearerAuth: [] }]

/** `/api/table/sessions/:id/{room,history,export,recap,fairness}`: reading a session, as its members may. */
export function registerLogRoutes(
  root: FastifyInstance,
  ctx: ModuleContext<TableConfig>,
  svc: TableService,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const preHandler = requireUser(ctx.use('accounts'))

  app.get(
    '/api/table/sessions/:sessionId/room',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableRoom',
        summary: 'Who is in the room now',
        params: sessionParams,
        response: { 200: roomResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => unwrap(await roomInfo(svc, callerOf(request), request.params.sessionId)),
  )

  app.get(
    '/api/table/sessions/:sessionId/history',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableHistory',
        summary: 'Page backwards through the session log',
        description:
          'Newest first, only the entries you may see (roll modes, whispers, GM notes). Pass `nextBefore` as ' +
          '`before` for the next page; it is null at the start of the log.',
        params: sessionParams,
        querystring: historyQuery,
        response: { 200: historyResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { before, limit } = request.query
      return unwrap(await svc.history(callerOf(request).userId, request.params.sessionId, before, limit))
    },
  )

  app.get(
    '/api/table/sessions/:sessionId/export',
    {
      preHandler,
      // Markdown leaves as text, JSON as JSON; both are documented below.
      serializerCompiler: () => (data) => (typeof data === 'string' ? data : JSON.stringify(data)),
      schema: {
        tags,
        security,
        operationId: 'tableExport',
        summary: 'Export the session log (JSON or Markdown)',
        description: 'Everything you may see, oldest first. `format=markdown` answers `text/markdown`.',
        params: sessionParams,
        querystring: exportQuery,
        response: { 200: z.union([exportJson, z.string()]), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const out = unwrap(
        await exportLog(svc, callerOf(request), request.params.sessionId, request.query.format),
      )
      if ('markdown' in out) {
        return reply
          .type('text/markdown; charset=utf-8')
          .header('content-disposition', `attachment; filename="session-${request.params.sessionId}.md"`)
          .send(out.markdown as string)
      }
      return reply.type('application/json; charset=utf-8').send(out.json)
    },
  )

  app.get(
    '/api/table/sessions/:sessionId/recap',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableRecap',
        summary: 'A recap of the session from its log',
        description: 'Built from the entries you may see: players never get GM-only entries in theirs.',
        params: sessionParams,
        response: { 200: recapResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => unwrap(await recap(svc, callerOf(request), request.params.sessionId)),
  )

  app.get(
    '/api/table/sessions/:sessionId/fairness',
    {
      preHandler,
      schema: {
        tags,
        security,
        operationId: 'tableFairness',
        summary: 'Seed commitments, revealed seeds and roll records',
        description:
          'Each roll draws from HMAC-SHA256(server seed, `clientSeed:nonce:counter`); the server seed of an ' +
          'epoch is revealed when the GM rotates it or the session ends. While the session runs you get the ' +
          'records of the rolls you can see; once it is completed, every roll. Recompute them with the dice ' +
          "engine's `verify` (see modules/table/src/dice/README.md).",
        params: sessionParams,
        response: { 200: fairnessAudit, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => unwrap(await fairness(svc, callerOf(request), request.params.sessionId)),
  )
}
