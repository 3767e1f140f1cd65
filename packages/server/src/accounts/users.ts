import type { Role } from '@tavern/protocol'
import { type Rejection, reject } from '../module.ts'
import type { Sql } from '../storage/sql.ts'
import { type AccountUser, PERMANENT_BAN } from './api.ts'

/** A `users` row; int8 columns arrive as numbers on both drivers. */
export interface UserRow {
  id: string
  username: string
  password_hash: string
  role: Role
  created_at: number
  banned_until: number | null
  ban_reason: string | null
  muted_until: number | null
  mute_reason: string | null
  token_version: number
  [k: string]: unknown
}

const COLUMNS =
  'id, username, password_hash, role, created_at, banned_until, ban_reason, muted_until, mute_reason, token_version'

/** One user by id; with `forUpdate` the row stays locked until the transaction ends. */
export async function userById(sql: Sql, id: string, forUpdate = false): Promise<UserRow | undefined> {
  const rows = await sql.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  )
  return rows[0]
}

/** One user by username, ignoring case. */
export async function userByName(sql: Sql, username: string): Promise<UserRow | undefined> {
  const rows = await sql.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE lower(username) = lower($1)`, [
    username,
  ])
  return rows[0]
}

/** Escapes LIKE wildcards so a search for `a_b` finds that name, not `axb`. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** Users whose name contains `query` (case-insensitive), by name; all users by newest when there is none. */
export async function searchUsers(sql: Sql, query: string | undefined, limit: number): Promise<UserRow[]> {
  if (!query)
    return sql.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY created_at DESC, id LIMIT $1`, [limit])
  return sql.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE lower(username) LIKE $1 ESCAPE '\\' ORDER BY lower(username) LIMIT $2`,
    [likePattern(query), limit],
  )
}

/** The row as other modules see it; bans and mutes that ran out read as none. */
export function toAccountUser(row: UserRow, now: number): AccountUser {
  const banned = row.banned_until !== null && row.banned_until > now
  const muted = row.muted_until !== null && row.muted_until > now
  return {
    userId: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    bannedUntil: banned ? row.banned_until : null,
    banReason: banned ? row.ban_reason : null,
    mutedUntil: muted ? row.muted_until : null,
    muteReason: muted ? row.mute_reason : null,
  }
}

/** `auth.banned` for a permanent ban, `auth.suspended` (with the wait) for a running one, else null. */
export function banRejection(
  row: Pick<UserRow, 'banned_until' | 'ban_reason'>,
  now: number,
): Rejection | null {
  const until = row.banned_until
  if (until === null || until <= now) return null
  const reason = row.ban_reason ?? undefined
  if (until >= PERMANENT_BAN)
    return reject('auth.banned', { details: { until: null, permanent: true, reason } })
  return reject('auth.suspended', { retryAfterMs: until - now, details: { until, reason } })
}
