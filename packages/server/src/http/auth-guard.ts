import { type Role, TavernError } from '@tavern/protocol'
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { type AccountsApi, type Claims, roleAtLeast } from '../accounts/api.ts'
import { Rejection } from '../module.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by {@link requireUser} on routes that require a user. */
    user?: Claims
  }
}

/** Extracts the token of an `Authorization: Bearer …` header. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null
  const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header)
  return m?.[1] ?? null
}

/**
 * A preHandler that admits requests with a current access token (and at least `minRole`) and sets
 * `request.user`; others get `auth.token_missing`, `auth.token_invalid`, `auth.token_expired`, `auth.banned`,
 * `auth.suspended` or `auth.forbidden`.
 */
export function requireUser(
  api: Pick<AccountsApi, 'verifyAccessToken'>,
  minRole?: Role,
): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request.headers.authorization)
    if (!token) {
      reply.header('www-authenticate', 'Bearer')
      throw TavernError.of('auth.token_missing')
    }
    const claims = await api.verifyAccessToken(token)
    if (claims instanceof Rejection) {
      if (claims.body.code !== 'auth.banned' && claims.body.code !== 'auth.suspended') {
        reply.header('www-authenticate', 'Bearer error="invalid_token"')
      }
      throw new TavernError(claims.body)
    }
    if (minRole && !roleAtLeast(claims.role, minRole)) {
      throw TavernError.of('auth.forbidden', { message: `This needs the ${minRole} role` })
    }
    request.user = claims
  }
}

/** The user a {@link requireUser} guard admitted; a route without the guard is a bug. */
export function currentUser(request: FastifyRequest): Claims {
  if (!request.user) throw new Error(`route ${request.routeOptions.url} reads the user without requireUser`)
  return request.user
}
