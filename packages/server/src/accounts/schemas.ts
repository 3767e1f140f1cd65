import { role } from '@tavern/protocol'
import { z } from 'zod'

export const usernameSchema = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
  .describe('3–32 characters of A–Z, a–z, 0–9, _ and -; unique regardless of case')

export const passwordSchema = z.string().min(8).max(256).describe('8–256 characters')

export const registerBody = z.object({ username: usernameSchema, password: passwordSchema })

// Login does not re-check the registration rules: a wrong shape simply fails to match an account.
export const loginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
})

export const refreshBody = z.object({
  refreshToken: z
    .string()
    .min(1)
    .max(256)
    .describe('The refresh token from the last login, register or refresh'),
})

const epochMs = z.number().int().describe('Epoch milliseconds')

export const userSchema = z
  .object({ userId: z.string(), username: z.string(), role })
  .meta({ id: 'AccountUser', description: 'Who a user is' })

export const authResponse = z
  .object({
    user: userSchema,
    accessToken: z.string().describe('Bearer token for REST and the WebSocket `auth` request'),
    refreshToken: z.string().describe('Single use: each refresh returns a new one'),
    expiresIn: z.number().int().describe('Seconds until the access token expires'),
  })
  .meta({ id: 'AuthTokens', description: 'Tokens of a logged-in user' })

export const meResponse = z
  .object({
    userId: z.string(),
    username: z.string(),
    role,
    createdAt: epochMs,
    mutedUntil: epochMs.nullable().describe('Muted until (epoch ms), or null'),
    bannedUntil: epochMs.nullable(),
  })
  .meta({ id: 'AccountSelf', description: 'The logged-in account' })

export const accountView = z
  .object({
    userId: z.string(),
    username: z.string(),
    role,
    createdAt: epochMs,
    bannedUntil: epochMs.nullable().describe('Null when not banned; 8640000000000000 for a permanent ban'),
    banReason: z.string().nullable(),
    mutedUntil: epochMs.nullable(),
    muteReason: z.string().nullable(),
  })
  .meta({ id: 'AccountModerationView', description: 'An account as moderators see it' })

const reason = z.string().min(1).max(500).describe('Shown to the user and kept in the moderation log')

export const banBody = z.object({
  until: epochMs.positive().optional().describe('End of the suspension (epoch ms); omit for a permanent ban'),
  reason,
})
export const muteBody = z.object({ until: epochMs.positive().describe('End of the mute (epoch ms)'), reason })
export const roleBody = z.object({ role })
export const userIdParams = z.object({ userId: z.string().min(1).max(64) })
export const searchQuery = z.object({
  query: z.string().max(32).optional().describe('Part of a username (case-insensitive); omit for the newest'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})
export const usersResponse = z.object({ users: z.array(accountView) })
