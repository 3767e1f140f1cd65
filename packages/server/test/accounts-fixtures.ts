import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import pino from 'pino'
import { Registry } from 'prom-client'
import type { AccountsApi } from '../src/accounts/api.ts'
import { type AccountsConfig, accountsConfigSchema } from '../src/accounts/config.ts'
import { accountsModule } from '../src/accounts/module.ts'
import { ManualClock } from '../src/clock.ts'
import { MemoryBus } from '../src/hot/bus-memory.ts'
import type { HotStore } from '../src/hot/types.ts'
import { createHttpApp } from '../src/http/app.ts'
import type { DisconnectReason, ModuleContext, Sessions } from '../src/module.ts'
import { createRandom } from '../src/random.ts'
import type { Database } from '../src/storage/sql.ts'

export const silent = pino({ level: 'silent' })

/** Cheap hashing and room for many registrations from one address; tests override what they exercise. */
export const testAccountsSettings = {
  argon2: { memoryCost: 64, timeCost: 1 },
  throttle: { registerPerIp: 10_000 },
}

/** The realtime layer belongs elsewhere; this records what accounts asks of it. */
export class RecordingSessions implements Sessions {
  readonly disconnected: Array<{ userId: string; reason: string }> = []
  local() {
    return []
  }
  ofUser() {
    return undefined
  }
  async sendToUser() {}
  broadcast() {}
  broadcastMsgpack() {}
  async isOnline() {
    return false
  }
  async disconnectUser(userId: string, reason: DisconnectReason) {
    this.disconnected.push({ userId, reason })
  }
}

/** A stand-in for context members accounts never touches: any use fails the test loudly. */
function untouched<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_t, prop) => {
      throw new Error(`accounts used ctx.${name}.${String(prop)}`)
    },
  })
}

export interface AccountsHarness {
  app: FastifyInstance
  api: AccountsApi
  ctx: ModuleContext<AccountsConfig>
  clock: ManualClock
  sessions: RecordingSessions
  close(): Promise<void>
}

/** Applies the module's migrations to a fresh database. */
export async function migrateAccounts(db: Database): Promise<void> {
  for (const m of accountsModule.migrations ?? []) await db.exec(m.sql)
}

/** Builds the accounts module by hand (as the kernel would) on real stores, with an HTTP app around it. */
export async function startAccounts(opts: {
  db: Database
  hot: HotStore
  settings?: Record<string, unknown>
  dataDir?: string
  clock?: ManualClock
}): Promise<AccountsHarness> {
  const clock = opts.clock ?? new ManualClock()
  const sessions = new RecordingSessions()
  const config = accountsConfigSchema.parse({
    jwtSecret: opts.dataDir ? undefined : 'test-secret-that-is-at-least-32-chars-long',
    ...testAccountsSettings,
    ...opts.settings,
  })
  const bus = new MemoryBus()
  const ctx: ModuleContext<AccountsConfig> = {
    name: 'accounts',
    config,
    log: silent,
    clock,
    random: createRandom('accounts-test'),
    sql: opts.db,
    hot: opts.hot,
    bus,
    scheduler: untouched('scheduler'),
    state: untouched('state'),
    sessions,
    metrics: new Registry(),
    dataDir: opts.dataDir,
    use: () => {
      throw new Error('accounts depends on no module')
    },
  }
  const api = (await accountsModule.api?.(ctx)) as AccountsApi
  const app = await createHttpApp({ logger: silent })
  await app.register(async (scope) => accountsModule.routes?.(scope, ctx, api))
  await app.ready()
  return {
    app,
    api,
    ctx,
    clock,
    sessions,
    close: async () => {
      await app.close()
      await bus.close()
    },
  }
}

let counter = 0
/** A username no other test uses. */
export function uniqueName(base = 'user'): string {
  counter += 1
  return `${base}${counter}_${Math.random().toString(36).slice(2, 7)}`
}

/** JSON request helper around `inject`. */
export function call(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  opts: { body?: unknown; token?: string; ip?: string } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    remoteAddress: opts.ip ?? '10.0.0.1',
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
  })
}

export interface Tokens {
  user: { userId: string; username: string; role: string }
  accessToken: string
  refreshToken: string
  expiresIn: number
}

/** Registers a user and returns its tokens. */
export async function registerUser(
  app: FastifyInstance,
  username = uniqueName(),
  password = 'correct horse battery',
  ip = '10.0.0.1',
): Promise<Tokens> {
  const res = await call(app, 'POST', '/api/auth/register', { body: { username, password }, ip })
  if (res.statusCode !== 201) throw new Error(`register ${username} failed: ${res.statusCode} ${res.body}`)
  return res.json() as Tokens
}
