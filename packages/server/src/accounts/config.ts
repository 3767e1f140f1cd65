import { z } from 'zod'
import { intSetting, listSetting } from '../settings-schema.ts'

const int = intSetting
const nameList = listSetting(z.string().min(1).max(32))

/**
 * Environment variables arrive flat (`TAVERN_ACCOUNTS_ARGON2_MEMORY_COST` → `argon2MemoryCost`); the config file
 * may nest (`argon2: { memoryCost }`). Flat keys of the nested groups are folded into them.
 */
function nestGroups(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(raw)) {
    const m = /^(argon2|throttle)([A-Z]\w*)$/.exec(k)
    if (!m) {
      out[k] = v
      continue
    }
    const group = m[1] as string
    const key = (m[2] as string).charAt(0).toLowerCase() + (m[2] as string).slice(1)
    const nested = { ...((out[group] ?? (raw as Record<string, unknown>)[group] ?? {}) as object) }
    out[group] = { ...nested, [key]: v }
  }
  return out
}

/** Settings of the accounts module (`modules.accounts` in the config file, `TAVERN_ACCOUNTS_*` in the env). */
export const accountsConfigSchema = z.preprocess(
  nestGroups,
  z
    .object({
      /** HS256 signing secret. Unset: a random one is generated once in `<dataDir>/jwt-secret`. */
      jwtSecret: z.string().min(32, 'jwtSecret must be at least 32 characters').optional(),
      /** Lifetime of access tokens (seconds). */
      accessTokenTtlSec: int(10, 86_400, 900),
      /** Lifetime of refresh tokens (seconds); each refresh issues a new one with a full lifetime. */
      refreshTokenTtlSec: int(60, 365 * 86_400, 30 * 86_400),
      /** argon2id cost; the defaults are OWASP's recommendation (19 MiB, 2 passes). */
      argon2: z
        .object({
          memoryCost: int(8, 4_194_304, 19_456),
          timeCost: int(1, 100, 2),
          parallelism: int(1, 16, 1),
        })
        .prefault({}),
      /** Usernames (case-insensitive) that are admins: on registration, and promoted at start if they exist. */
      adminUsernames: nameList.default([]),
      /** Brute-force limits, counted in the hot store in fixed windows. */
      throttle: z
        .object({
          /** Failed logins allowed per username and client IP in a window. */
          loginPerUserIp: int(1, 1_000_000, 10),
          /** Failed logins allowed per client IP in a window (all usernames). */
          loginPerIp: int(1, 1_000_000, 100),
          loginWindowSec: int(1, 86_400, 900),
          /** Registrations attempted per client IP in a window. */
          registerPerIp: int(1, 1_000_000, 20),
          registerWindowSec: int(1, 86_400, 3600),
        })
        .prefault({}),
    })
    .strict(),
)

export type AccountsConfig = z.output<typeof accountsConfigSchema>
