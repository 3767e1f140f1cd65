import { defineModule, type ModuleContext, Rejection, reject } from '../module.ts'
import { registerAdminRoutes } from './admin-routes.ts'
import { type AccountsApi, roleAtLeast } from './api.ts'
import { type AccountsConfig, accountsConfigSchema } from './config.ts'
import { accountsMigrations } from './migrations.ts'
import { ban, promoteConfiguredAdmins } from './moderation.ts'
import { createPasswordHasher } from './passwords.ts'
import { registerAuthRoutes } from './routes.ts'
import { loadOrCreateSecret } from './secret.ts'
import { type AccountsDeps, pruneRefreshTokens } from './service.ts'
import { Throttle } from './throttle.ts'
import { createAccessTokens } from './tokens.ts'
import { banRejection, toAccountUser, userById, userByName } from './users.ts'

export type { AccountsApi, AccountUser, Claims } from './api.ts'
export { PERMANENT_BAN, roleAtLeast } from './api.ts'
export type { AccountsConfig } from './config.ts'

declare module '../module.ts' {
  interface ModuleApis {
    accounts: AccountsApi
  }
}

// The routes hook receives the public API; this finds the internals built with it, per kernel.
const internals = new WeakMap<AccountsApi, AccountsDeps>()

/** The JWT secret: from the config if set, else generated once under the data directory. Never a default. */
async function resolveSecret(ctx: ModuleContext<AccountsConfig>): Promise<string> {
  if (ctx.config.jwtSecret) return ctx.config.jwtSecret
  if (!ctx.dataDir)
    throw new Error('accounts: set modules.accounts.jwtSecret or give Tavern a data directory')
  return loadOrCreateSecret(ctx.dataDir)
}

/** Builds the module's internals and the API other modules see. */
export async function createAccounts(ctx: ModuleContext<AccountsConfig>): Promise<AccountsApi> {
  const { config, sql, clock } = ctx
  const deps: AccountsDeps = {
    sql,
    clock,
    log: ctx.log,
    config,
    tokens: await createAccessTokens(await resolveSecret(ctx), config.accessTokenTtlSec, clock),
    passwords: await createPasswordHasher(config.argon2),
    throttle: new Throttle(ctx.hot),
    sessions: ctx.sessions,
  }
  const api: AccountsApi = {
    async verifyAccessToken(token) {
      const claims = await deps.tokens.verify(token)
      if (claims instanceof Rejection) return claims
      const row = await userById(sql, claims.sub)
      if (!row) return reject('auth.token_invalid')
      const banned = banRejection(row, clock.now())
      if (banned) return banned
      // An older version means a ban or role change since issue: the client should refresh.
      if (row.token_version !== claims.ver) {
        return reject('auth.token_expired', { message: 'The token is no longer current; refresh it' })
      }
      return { ...claims, name: row.username, role: row.role }
    },
    async getUser(userId) {
      const row = await userById(sql, userId)
      return row ? toAccountUser(row, clock.now()) : null
    },
    async findByUsername(username) {
      const row = await userByName(sql, username)
      return row ? toAccountUser(row, clock.now()) : null
    },
    async isMuted(userId) {
      const rows = await sql.query<{ muted_until: number | null }>(
        'SELECT muted_until FROM users WHERE id = $1',
        [userId],
      )
      const until = rows[0]?.muted_until ?? null
      return until !== null && until > clock.now() ? until : null
    },
    roleAtLeast,
    ban: (actor, targetId, input) => ban(deps, { sub: actor.userId, role: actor.role }, targetId, input),
  }
  internals.set(api, deps)
  return api
}

/**
 * Accounts: registration, login, rotating refresh tokens, roles, bans, mutes and brute-force throttling over
 * REST (`/api/auth/*`, `/api/admin/users*`), and token verification for the realtime gateway.
 */
export const accountsModule = defineModule<AccountsConfig, AccountsApi>({
  name: 'accounts',
  config: accountsConfigSchema,
  migrations: accountsMigrations,
  api: createAccounts,
  routes(app, _ctx, api) {
    const deps = internals.get(api)
    if (!deps) throw new Error('accounts: routes registered without the module API')
    registerAuthRoutes(app, deps, api)
    registerAdminRoutes(app, deps, api)
  },
  systems: (ctx) => [
    {
      name: 'accounts.prune_refresh_tokens',
      hz: 1 / 600,
      async run() {
        const n = await pruneRefreshTokens(ctx)
        if (n > 0) ctx.log.debug({ deleted: n }, 'expired refresh tokens pruned')
      },
    },
  ],
  async onReady(ctx) {
    await promoteConfiguredAdmins(ctx)
  },
})
