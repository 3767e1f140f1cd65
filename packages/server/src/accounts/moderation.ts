import { randomUUID } from 'node:crypto'
import type { Role } from '@tavern/protocol'
import { Rejection, reject } from '../module.ts'
import type { Sql } from '../storage/sql.ts'
import { type AccountUser, type Claims, PERMANENT_BAN, roleAtLeast } from './api.ts'
import type { AccountsDeps } from './service.ts'
import { toAccountUser, type UserRow, userById } from './users.ts'

type Actor = Pick<Claims, 'sub' | 'role'>

interface Action {
  action: 'ban' | 'unban' | 'mute' | 'unmute' | 'role'
  reason?: string
  until?: number | null
  role?: Role
}

/**
 * Loads and locks the target, checks the actor may act on it (never on oneself; bans and mutes only on lower
 * roles), applies `change` and records the action, all in one transaction.
 */
async function moderate(
  deps: AccountsDeps,
  actor: Actor,
  targetId: string,
  action: Action,
  change: (tx: Sql, target: UserRow, now: number) => Promise<void>,
): Promise<AccountUser | Rejection> {
  const now = deps.clock.now()
  const result = await deps.sql.transaction(async (tx) => {
    const target = await userById(tx, targetId, true)
    if (!target) return reject('auth.user_not_found')
    if (target.id === actor.sub)
      return reject('auth.forbidden', { message: 'You cannot moderate your own account' })
    if (action.action !== 'role' && roleAtLeast(target.role, actor.role)) {
      return reject('auth.forbidden', { message: 'You can only moderate accounts of a lower role' })
    }
    await change(tx, target, now)
    await tx.query(
      `INSERT INTO moderation_log (id, at, actor_id, target_id, action, reason, until, role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        randomUUID(),
        now,
        actor.sub,
        target.id,
        action.action,
        action.reason ?? null,
        action.until ?? null,
        action.role ?? null,
      ],
    )
    const updated = await userById(tx, target.id)
    return updated!
  })
  if (result instanceof Rejection) return result
  deps.log.info({ actor: actor.sub, target: targetId, ...action }, 'moderation')
  return toAccountUser(result, now)
}

const inFuture = (deps: AccountsDeps, until: number): Rejection | null =>
  until > deps.clock.now()
    ? null
    : reject('sys.invalid_payload', { message: '`until` must be in the future' })

/**
 * Bans (permanently without `until`): bumps the token version so access tokens stop working at their next
 * check, revokes every refresh token and closes the user's live sessions.
 */
export async function ban(
  deps: AccountsDeps,
  actor: Actor,
  targetId: string,
  input: { until?: number | undefined; reason: string },
): Promise<AccountUser | Rejection> {
  const until = input.until ?? PERMANENT_BAN
  const bad = inFuture(deps, until)
  if (bad) return bad
  const result = await moderate(
    deps,
    actor,
    targetId,
    { action: 'ban', until, reason: input.reason },
    async (tx, t, now) => {
      await tx.query(
        'UPDATE users SET banned_until = $2, ban_reason = $3, token_version = token_version + 1 WHERE id = $1',
        [t.id, until, input.reason],
      )
      await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [
        t.id,
        now,
      ])
    },
  )
  if (!(result instanceof Rejection)) await disconnect(deps, targetId, 'banned')
  return result
}

/**
 * Ends the user's live sessions, after the commit that made their tokens stale: a session that reconnects in
 * between is refused (or sent to refresh) by the token check anyway.
 */
async function disconnect(
  deps: AccountsDeps,
  userId: string,
  reason: 'banned' | 'role_changed',
): Promise<void> {
  await Promise.resolve()
    .then(() => deps.sessions.disconnectUser(userId, reason))
    .catch((err) => {
      deps.log.error({ err, userId, reason }, 'could not disconnect a moderated user')
    })
}

/** Lifts a ban. Tokens revoked by the ban stay revoked: the user logs in again. */
export function unban(deps: AccountsDeps, actor: Actor, targetId: string): Promise<AccountUser | Rejection> {
  return moderate(deps, actor, targetId, { action: 'unban' }, async (tx, t) => {
    await tx.query('UPDATE users SET banned_until = NULL, ban_reason = NULL WHERE id = $1', [t.id])
  })
}

/** Mutes until the given instant; modules that carry speech ask `isMuted`. */
export async function mute(
  deps: AccountsDeps,
  actor: Actor,
  targetId: string,
  input: { until: number; reason: string },
): Promise<AccountUser | Rejection> {
  const bad = inFuture(deps, input.until)
  if (bad) return bad
  return moderate(deps, actor, targetId, { action: 'mute', ...input }, async (tx, t) => {
    await tx.query('UPDATE users SET muted_until = $2, mute_reason = $3 WHERE id = $1', [
      t.id,
      input.until,
      input.reason,
    ])
  })
}

export function unmute(deps: AccountsDeps, actor: Actor, targetId: string): Promise<AccountUser | Rejection> {
  return moderate(deps, actor, targetId, { action: 'unmute' }, async (tx, t) => {
    await tx.query('UPDATE users SET muted_until = NULL, mute_reason = NULL WHERE id = $1', [t.id])
  })
}

/**
 * Changes a role. The token version moves, so access tokens carrying the old role stop working, and live sessions
 * (which run with the role they started with) end with 4014: the client refreshes its token and comes back with a
 * session of the new role. A demoted moderator keeps no power for as long as their socket stays open.
 */
export async function setRole(
  deps: AccountsDeps,
  actor: Actor,
  targetId: string,
  role: Role,
): Promise<AccountUser | Rejection> {
  let changed = false
  const result = await moderate(deps, actor, targetId, { action: 'role', role }, async (tx, t) => {
    if (t.role === role) return
    changed = true
    await tx.query('UPDATE users SET role = $2, token_version = token_version + 1 WHERE id = $1', [
      t.id,
      role,
    ])
  })
  if (changed && !(result instanceof Rejection)) await disconnect(deps, targetId, 'role_changed')
  return result
}

/** Gives the admin role to existing accounts named in the config (run at start). Returns how many changed. */
export async function promoteConfiguredAdmins(
  deps: Pick<AccountsDeps, 'sql' | 'config' | 'log'>,
): Promise<number> {
  const names = deps.config.adminUsernames.map((n) => n.toLowerCase())
  if (names.length === 0) return 0
  const placeholders = names.map((_, i) => `$${i + 1}`).join(', ')
  const rows = await deps.sql.query<{ id: string }>(
    `UPDATE users SET role = 'admin', token_version = token_version + 1
     WHERE lower(username) IN (${placeholders}) AND role <> 'admin' RETURNING id`,
    names,
  )
  if (rows.length > 0) deps.log.info({ userIds: rows.map((r) => r.id) }, 'configured admins promoted')
  return rows.length
}
