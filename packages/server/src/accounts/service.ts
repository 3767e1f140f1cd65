import { randomUUID } from 'node:crypto'
import type { Role, UserRef } from '@tavern/protocol'
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import { Rejection, reject, type Sessions } from '../module.ts'
import type { Sql } from '../storage/sql.ts'
import type { AccountsConfig } from './config.ts'
import type { PasswordHasher } from './passwords.ts'
import type { Limit, Throttle } from './throttle.ts'
import { type AccessTokens, hashRefreshToken, newRefreshToken } from './tokens.ts'
import { banRejection, type UserRow, userById, userByName } from './users.ts'

/** Everything the account flows need; built once by the module. */
export interface AccountsDeps {
  sql: Sql
  clock: Clock
  log: Logger
  config: AccountsConfig
  tokens: AccessTokens
  passwords: PasswordHasher
  throttle: Throttle
  sessions: Sessions
}

export interface AuthResult {
  user: UserRef
  accessToken: string
  refreshToken: string
  /** Seconds until the access token expires. */
  expiresIn: number
}

interface Credentials {
  username: string
  password: string
}

interface RefreshRow {
  id: string
  user_id: string
  family_id: string
  expires_at: number
  revoked_at: number | null
  replaced_by: string | null
  [k: string]: unknown
}

/** Creates an account (throttled per client IP) and logs it in. */
export async function register(
  deps: AccountsDeps,
  input: Credentials,
  ip: string,
): Promise<AuthResult | Rejection> {
  const { throttle: t } = deps.config
  const wait = await deps.throttle.hit([
    { key: `register:ip:${ip}`, limit: t.registerPerIp, windowMs: t.registerWindowSec * 1000 },
  ])
  if (wait !== null) {
    return reject('auth.too_many_attempts', {
      message: 'Too many registrations from this address; wait before trying again',
      retryAfterMs: wait,
      operation: 'register',
    })
  }
  // Cheap early answer; the insert below still settles races.
  if (await userByName(deps.sql, input.username)) return reject('auth.username_taken')
  const passwordHash = await deps.passwords.hash(input.password)
  const admins = new Set(deps.config.adminUsernames.map((n) => n.toLowerCase()))
  const role: Role = admins.has(input.username.toLowerCase()) ? 'admin' : 'player'
  const now = deps.clock.now()
  const id = randomUUID()
  const issued = await deps.sql.transaction(async (tx) => {
    const rows = await tx.query(
      `INSERT INTO users (id, username, password_hash, role, created_at, token_version)
       VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT DO NOTHING RETURNING id`,
      [id, input.username, passwordHash, role, now],
    )
    if (rows.length === 0) return null
    return issueRefreshToken(tx, deps, id, randomUUID(), now)
  })
  if (issued === null) return reject('auth.username_taken')
  deps.log.info({ userId: id, role }, 'account registered')
  return authResult(deps, { id, username: input.username, role, token_version: 0 }, issued)
}

/** Checks a password (throttled per username+IP and per IP) and opens a new refresh-token family. */
export async function login(
  deps: AccountsDeps,
  input: Credentials,
  ip: string,
): Promise<AuthResult | Rejection> {
  const { throttle: t } = deps.config
  const windowMs = t.loginWindowSec * 1000
  const userIpKey = `login:user-ip:${encodeURIComponent(input.username.toLowerCase())}:${ip}`
  const limits: Limit[] = [
    { key: userIpKey, limit: t.loginPerUserIp, windowMs },
    { key: `login:ip:${ip}`, limit: t.loginPerIp, windowMs },
  ]
  const blocked = await deps.throttle.blocked(limits)
  if (blocked !== null) return reject('auth.too_many_attempts', { retryAfterMs: blocked, operation: 'login' })

  const row = await userByName(deps.sql, input.username)
  // Unknown names still cost one verification, so timing does not tell which names exist.
  const ok = await deps.passwords.verify(row?.password_hash ?? null, input.password)
  if (!row || !ok) {
    await deps.throttle.hit(limits)
    return reject('auth.invalid_credentials')
  }
  await deps.throttle.clear([userIpKey])
  const now = deps.clock.now()
  const banned = banRejection(row, now)
  if (banned) return banned
  if (deps.passwords.needsRehash(row.password_hash)) {
    const rehashed = await deps.passwords.hash(input.password)
    await deps.sql.query('UPDATE users SET password_hash = $2 WHERE id = $1', [row.id, rehashed])
  }
  const issued = await deps.sql.transaction((tx) => issueRefreshToken(tx, deps, row.id, randomUUID(), now))
  return authResult(deps, row, issued)
}

/**
 * Rotates a refresh token in one transaction: the presented token is revoked and replaced by a new one of the
 * same family. A token that was already rotated is a stolen copy (or a replay): the whole family is revoked.
 */
export async function refresh(deps: AccountsDeps, token: string): Promise<AuthResult | Rejection> {
  const now = deps.clock.now()
  const outcome = await deps.sql.transaction(async (tx) => {
    const [rt] = await tx.query<RefreshRow>(
      `SELECT id, user_id, family_id, expires_at, revoked_at, replaced_by FROM refresh_tokens
       WHERE token_hash = $1 FOR UPDATE`,
      [hashRefreshToken(token)],
    )
    if (!rt) return reject('auth.refresh_invalid')
    const user = await userById(tx, rt.user_id)
    if (!user) return reject('auth.refresh_invalid')
    // Before the revocation check: a ban revokes the tokens, and the user should learn why they stopped working.
    const banned = banRejection(user, now)
    if (banned) return banned
    if (rt.revoked_at !== null) {
      if (rt.replaced_by === null) return reject('auth.refresh_invalid')
      // Returned, not thrown, so the family's revocation commits.
      await revokeFamily(tx, rt.family_id, now)
      deps.log.warn({ userId: rt.user_id, family: rt.family_id }, 'refresh token reused; family revoked')
      return reject('auth.refresh_reused')
    }
    if (rt.expires_at <= now)
      return reject('auth.refresh_invalid', { message: 'The refresh token has expired' })
    const issued = await issueRefreshToken(tx, deps, user.id, rt.family_id, now)
    await tx.query('UPDATE refresh_tokens SET revoked_at = $2, replaced_by = $3 WHERE id = $1', [
      rt.id,
      now,
      issued.id,
    ])
    return { user, issued }
  })
  if (outcome instanceof Rejection) return outcome
  return authResult(deps, outcome.user, outcome.issued)
}

/** Revokes the family of the presented refresh token. Unknown tokens are ignored, so logout is idempotent. */
export async function logout(deps: AccountsDeps, token: string): Promise<void> {
  const now = deps.clock.now()
  await deps.sql.transaction(async (tx) => {
    const [rt] = await tx.query<{ family_id: string }>(
      'SELECT family_id FROM refresh_tokens WHERE token_hash = $1',
      [hashRefreshToken(token)],
    )
    if (rt) await revokeFamily(tx, rt.family_id, now)
  })
}

/** Deletes refresh tokens that expired; they can no longer be used nor replayed. */
export async function pruneRefreshTokens(deps: Pick<AccountsDeps, 'sql' | 'clock'>): Promise<number> {
  const rows = await deps.sql.query('DELETE FROM refresh_tokens WHERE expires_at <= $1 RETURNING id', [
    deps.clock.now(),
  ])
  return rows.length
}

async function revokeFamily(tx: Sql, familyId: string, now: number): Promise<void> {
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [
    familyId,
    now,
  ])
}

async function issueRefreshToken(
  tx: Sql,
  deps: AccountsDeps,
  userId: string,
  familyId: string,
  now: number,
): Promise<{ id: string; token: string }> {
  const id = randomUUID()
  const token = newRefreshToken()
  await tx.query(
    `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, userId, familyId, hashRefreshToken(token), now + deps.config.refreshTokenTtlSec * 1000, now],
  )
  return { id, token }
}

async function authResult(
  deps: AccountsDeps,
  user: Pick<UserRow, 'id' | 'username' | 'role' | 'token_version'>,
  issued: { token: string },
): Promise<AuthResult> {
  const accessToken = await deps.tokens.sign({
    id: user.id,
    username: user.username,
    role: user.role,
    tokenVersion: user.token_version,
  })
  return {
    user: { userId: user.id, username: user.username, role: user.role },
    accessToken,
    refreshToken: issued.token,
    expiresIn: deps.config.accessTokenTtlSec,
  }
}
