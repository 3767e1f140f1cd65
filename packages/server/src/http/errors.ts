import {
  type ErrorBody,
  type ErrorCategory,
  type ErrorCode,
  errorBody,
  errorCatalog,
  errorCategories,
  TavernError,
} from '@tavern/protocol'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { Rejection } from '../module.ts'

/** The REST shape of every error, documented once in the OpenAPI document. */
export const errorBodySchema = z
  .object({
    code: z.string().describe('Stable catalog code, e.g. `auth.invalid_credentials`'),
    category: z.enum(errorCategories),
    message: z.string().describe('For people; may change'),
    retryAfterMs: z.number().optional().describe('Wait this long before retrying (also sent as Retry-After)'),
    operation: z.string().optional(),
    details: z.unknown().optional(),
  })
  .meta({ id: 'ErrorBody', description: 'A rejection from the error catalog' })

/** Response schemas for the given error statuses, so /docs shows what a route may answer. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorBodySchema> {
  const out: Record<number, typeof errorBodySchema> = {}
  for (const s of statuses) out[s] = errorBodySchema
  return out
}

/** Returns the value, or throws the rejection as a {@link TavernError} for the error handler to render. */
export function unwrap<T>(result: T | Rejection): T {
  if (result instanceof Rejection) throw new TavernError(result.body)
  return result
}

const categoryStatus: Record<ErrorCategory, number> = {
  validation: 400,
  permission: 403,
  rate_limit: 429,
  not_found: 404,
  conflict: 409,
  system: 500,
}

/** The HTTP status of a body: the catalog's for known codes, else one derived from its category. */
export function statusOf(body: ErrorBody): number {
  const spec = (errorCatalog as Record<string, { status: number } | undefined>)[body.code]
  return spec?.status ?? categoryStatus[body.category] ?? 500
}

type Issue = { path: string; message: string }
type Mapped = { body: ErrorBody; internal: boolean }

const client = (code: ErrorCode, message?: string): Mapped => ({
  body: errorBody(code, { message }),
  internal: false,
})

/** Turns anything thrown on a request into a catalog body; `internal` marks what must be logged as a bug. */
export function toErrorBody(err: unknown): Mapped {
  if (err instanceof TavernError) return { body: err.toBody(), internal: false }
  if (err instanceof Rejection) return { body: err.body, internal: false }
  const fe = err as Partial<FastifyError> & { validation?: unknown; validationContext?: string }
  if (Array.isArray(fe.validation)) {
    const issues: Issue[] = fe.validation.map((v: { instancePath?: string; message?: string }) => ({
      path: v.instancePath || '/',
      message: v.message ?? 'invalid',
    }))
    const body = errorBody('sys.invalid_payload', {
      message: `The request ${fe.validationContext ?? 'payload'} does not match its schema`,
      details: { in: fe.validationContext, issues },
    })
    return { body, internal: false }
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return client('sys.payload_too_large', 'The request body is too large')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return client('http.unsupported_media_type')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return client('sys.invalid_payload', 'The JSON body is empty')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return client('sys.invalid_payload', 'The body is not valid JSON')
  }
  // Fastify's own client errors (bad JSON, bad content length, bad URL, prototype poisoning) and those of plugins
  // carry a 4xx status; their messages may echo the input, so fixed messages replace them.
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500
  if (status >= 400 && status < 500) {
    if (status === 413) return client('sys.payload_too_large')
    if (status === 404 || status === 405) return client('sys.route_not_found')
    if (status === 429) return client('sys.rate_limited')
    return client(
      'sys.invalid_payload',
      err instanceof SyntaxError ? 'The body is not valid JSON' : 'The request is malformed',
    )
  }
  return { body: errorBody('sys.internal'), internal: true }
}

/** Writes an error body with its status and, where waiting helps, a Retry-After header (whole seconds). */
export function sendError(reply: FastifyReply, body: ErrorBody): FastifyReply {
  if (body.retryAfterMs !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(body.retryAfterMs / 1000))))
  }
  return reply.code(statusOf(body)).type('application/json; charset=utf-8').send(body)
}

/** Installs the one error handler and the not-found handler: every failure leaves as a catalog body. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { body, internal } = toErrorBody(err)
    // A plugin that rate-limits sets Retry-After itself; carry it into the body.
    const retryAfter = Number(reply.getHeader('retry-after'))
    if (body.code === 'sys.rate_limited' && body.retryAfterMs === undefined && retryAfter > 0) {
      body.retryAfterMs = retryAfter * 1000
    }
    if (internal) request.log.error({ err }, 'unhandled error')
    else request.log.debug({ code: body.code }, 'request rejected')
    if (reply.sent) return
    return sendError(reply, body)
  })
  app.setNotFoundHandler((request, reply) => {
    return sendError(reply, errorBody('sys.route_not_found', { details: { method: request.method } }))
  })
}
