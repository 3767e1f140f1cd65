import type { Role } from '@tavern/protocol'
import type { Rejection } from '../module.ts'

/** The claims of a verified access token, confirmed current against the database. */
export interface Claims {
  /** User id. */
  sub: string
  /** Username. */
  name: string
  role: Role
  /** The user's token_version at issue; bumped on ban and role change, which invalidates older tokens. */
  ver: number
  /** Issued at, epoch seconds. */
  iat: number
  /** Expires at, epoch seconds. */
  exp: number
}

/** An account as other modules and admins see it (never the password hash). Instants are epoch ms. */
export interface AccountUser {
  userId: string
  username: string
  role: Role
  createdAt: number
  /** Null when not banned (or the ban ran out); a permanent ban is {@link PERMANENT_BAN}. */
  bannedUntil: number | null
  banReason: string | null
  /** Null when not muted (or the mute ran out). */
  mutedUntil: number | null
  muteReason: string | null
}

/** What the accounts module offers other modules through `ctx.use('accounts')`. */
export interface AccountsApi {
  /**
   * Checks an access token: signature, expiry, token version and ban status (from the database). The gateway
   * calls it on every WebSocket `auth`.
   */
  verifyAccessToken(token: string): Promise<Claims | Rejection>
  getUser(userId: string): Promise<AccountUser | null>
  /** Case-insensitive. */
  findByUsername(username: string): Promise<AccountUser | null>
  /** Until when (epoch ms) the user is muted, or null. */
  isMuted(userId: string): Promise<number | null>
  roleAtLeast(role: Role, min: Role): boolean
  /** Bans a user on behalf of an actor (same checks and log as the admin REST route) and disconnects them. */
  ban(
    actor: { userId: string; role: Role },
    targetId: string,
    input: { until?: number; reason: string },
  ): Promise<AccountUser | Rejection>
}

const rank: Record<Role, number> = { player: 0, moderator: 1, admin: 2 }

/** Whether `role` is `min` or above (player < moderator < admin). */
export function roleAtLeast(role: Role, min: Role): boolean {
  return rank[role] >= rank[min]
}

/** `banned_until` of a permanent ban: the largest instant a JS Date can hold. */
export const PERMANENT_BAN = 8_640_000_000_000_000
