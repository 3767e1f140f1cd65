import { createHash, randomBytes, webcrypto } from 'node:crypto'
import type { Role } from '@tavern/protocol'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import type { Clock } from '../clock.ts'
import { type Rejection, reject } from '../module.ts'
import type { Claims } from './api.ts'

const ISSUER = 'tavern'
const roles: ReadonlySet<string> = new Set(['player', 'moderator', 'admin'])

export interface AccessTokens {
  sign(user: { id: string; username: string; role: Role; tokenVersion: number }): Promise<string>
  /** Checks signature, issuer and expiry against the injected clock (not yet the token version). */
  verify(token: string): Promise<Claims | Rejection>
}

/**
 * HS256 access tokens. The key is imported once as a CryptoKey: passing raw bytes on every call makes jose
 * import it each time, which is several times slower.
 */
export async function createAccessTokens(
  secret: string,
  ttlSec: number,
  clock: Clock,
): Promise<AccessTokens> {
  const key = await webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
  return {
    sign(user) {
      const nowSec = Math.floor(clock.now() / 1000)
      return new SignJWT({ name: user.username, role: user.role, ver: user.tokenVersion })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(ISSUER)
        .setIssuedAt(nowSec)
        .setExpirationTime(nowSec + ttlSec)
        .sign(key)
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          requiredClaims: ['sub', 'iat', 'exp'],
          currentDate: new Date(clock.now()),
        })
        const { sub, name, role, ver, iat, exp } = payload
        if (
          typeof sub !== 'string' ||
          typeof name !== 'string' ||
          typeof role !== 'string' ||
          !roles.has(role) ||
          !Number.isInteger(ver) ||
          typeof iat !== 'number' ||
          typeof exp !== 'number'
        ) {
          return reject('auth.token_invalid')
        }
        return { sub, name, role: role as Role, ver: ver as number, iat, exp }
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) return reject('auth.token_expired')
        return reject('auth.token_invalid')
      }
    },
  }
}

/** A new opaque refresh token: 32 random bytes, base64url. Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url')
}

/** sha256 (hex) of a refresh token; a fast hash suffices for 256 bits of randomness. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
