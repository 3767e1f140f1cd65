import { type MessageDef, messages, type UserRef } from '@tavern/protocol'
import type { FastifyInstance } from 'fastify'
import pino, { type Logger } from 'pino'
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { accountsModule } from './accounts/module.ts'
import { type Clock, systemClock } from './clock.ts'
import type { TavernConfig } from './config.ts'
import { Gateway } from './gateway/gateway.ts'
import { createGatewayMetrics } from './gateway/metrics.ts'
import { SessionDirectory } from './gateway/registry.ts'
import { openBus, openHotStore } from './hot/open.ts'
import type { Bus, HotStore } from './hot/types.ts'
import { createHttpApp } from './http/app.ts'
import { registerOpsRoutes } from './http/ops.ts'
import { instrumentDatabase, instrumentHotStore } from './instrument.ts'
import type {
  ModuleApis,
  ModuleContext,
  ModuleDefinition,
  RequestHandler,
  SessionHooks,
  SystemDef,
} from './module.ts'
import { orderModules, validateModuleConfig } from './modules.ts'
import { createRandom } from './random.ts'
import { schedulerMigrations } from './scheduler/migrations.ts'
import { createScheduler } from './scheduler/scheduler.ts'
import type { TimedEventHandler } from './scheduler/timed-events.ts'
import type { TickLoop } from './scheduler/types.ts'
import { createStateLayer } from './state/layer.ts'
import { migrate } from './storage/migrate.ts'
import { openDatabase } from './storage/open.ts'
import type { Database, Sql } from './storage/sql.ts'

// biome-ignore lint/suspicious/noExplicitAny: modules differ in config and API types
type AnyModule = ModuleDefinition<any, any>

export interface KernelOptions {
  config: Readonly<TavernConfig>
  /** Game and feature modules; the accounts module is always included first. */
  modules: readonly AnyModule[]
  clock?: Clock
  /** Root seed of every module's random generator (default: random). */
  seed?: string
  logger?: Logger
  /** Stores to use instead of opening them from the config (tests). The kernel does not close injected stores. */
  db?: Database
  hot?: HotStore
  bus?: Bus
}

export interface Kernel {
  readonly config: Readonly<TavernConfig>
  readonly app: FastifyInstance
  readonly log: Logger
  readonly metrics: Registry
  readonly sessions: SessionDirectory
  readonly sql: Sql
  readonly hot: HotStore
  /** The context built for a module (tests reach into module state through it). */
  context(name: string): ModuleContext<unknown>
  api<N extends keyof ModuleApis>(name: N): ModuleApis[N]
  /** Starts loops and listens. Resolves with the base URL. */
  start(): Promise<string>
  /** Graceful: stop accepting, tell clients, end sessions, final flush, close stores. Idempotent. */
  stop(): Promise<void>
}

/**
 * Builds Tavern from a config and a list of modules: opens the stores, checks dependencies and module configs,
 * runs migrations in dependency order, builds each module its context, registers routes, message handlers,
 * systems, timed-event handlers and session hooks, then freezes registration.
 */
export async function createKernel(opts: KernelOptions): Promise<Kernel> {
  const { config } = opts
  const clock = opts.clock ?? systemClock
  const processId = config.server.processId
  const log =
    opts.logger ??
    pino({
      level: config.server.logLevel,
      base: { process: processId },
      timestamp: pino.stdTimeFunctions.isoTime,
    })
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'tavern_' })
  const storeSeconds = (name: string, help: string) =>
    new Histogram({
      name,
      help,
      labelNames: ['ok'],
      registers: [registry],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    })
  const dbSeconds = storeSeconds('tavern_db_query_seconds', 'Durable store query latency')
  const hotSeconds = storeSeconds('tavern_hot_command_seconds', 'Hot store command latency')

  const modules = orderModules([
    accountsModule as AnyModule,
    ...opts.modules.filter((m) => m.name !== 'accounts'),
  ])
  const moduleConfigs = validateModuleConfig(modules, config.modules.settings)

  const owned: Array<{ close(): Promise<void> }> = []
  const rawDb =
    opts.db ??
    (await openDatabase({
      url: config.database.url,
      dataDir: config.server.dataDir,
      poolMax: config.database.poolMax,
    }))
  if (!opts.db) owned.push(rawDb)
  const db = instrumentDatabase(rawDb, (ms, ok) => dbSeconds.observe({ ok: String(ok) }, ms / 1000))
  try {
    const rawHot = opts.hot ?? (await openHotStore({ url: config.hot.url, prefix: config.hot.prefix }))
    if (!opts.hot) owned.unshift(rawHot)
    const hot = instrumentHotStore(rawHot, (ms, ok) => hotSeconds.observe({ ok: String(ok) }, ms / 1000))
    const bus = opts.bus ?? (await openBus({ url: config.hot.url, prefix: config.hot.prefix }))
    if (!opts.bus) owned.unshift(bus)

    await migrate(db, [
      { module: 'tavern', migrations: schedulerMigrations },
      ...modules.map((m) => ({ module: m.name, migrations: m.migrations ?? [] })),
    ])

    const state = createStateLayer({
      hot,
      sql: db,
      clock,
      log: log.child({ component: 'state' }),
      processId,
      flushIntervalMs: config.state.flushIntervalMs,
      // PGlite has one connection: smaller batches let other statements in between flush steps (and keep each
      // step short where PGlite shares the game's thread, as in tests).
      batchSize: rawDb.dialect === 'pglite' ? 250 : 1000,
      metrics: registry,
    })
    const timedHandlers: Record<string, TimedEventHandler> = {}
    const scheduler = createScheduler({
      sql: db,
      clock,
      log: log.child({ component: 'scheduler' }),
      processId,
      pollMs: config.scheduler.pollMs,
      handlers: timedHandlers,
      metrics: registry,
    })
    const hooks: SessionHooks[] = []
    const directory = new SessionDirectory({
      hot,
      bus,
      processId,
      log: log.child({ component: 'sessions' }),
      graceMs: config.gateway.resumeGraceMs,
      hooks: () => hooks,
    })

    const app = await createHttpApp({ logger: log, trustProxy: config.server.trustProxy })
    const rootRandom = createRandom(opts.seed ?? `${processId}:${Date.now()}:${Math.random()}`)
    const contexts = new Map<string, ModuleContext<unknown>>()
    const apis = new Map<string, unknown>()
    const handlers = new Map<string, RequestHandler<never>>()
    const systems: SystemDef[] = []
    const definitions: Record<string, MessageDef> = { ...messages }

    for (const def of modules) {
      const allowed = new Set(def.dependsOn ?? [])
      const ctx: ModuleContext<unknown> = {
        name: def.name,
        config: moduleConfigs.get(def.name),
        log: log.child({ module: def.name }),
        clock,
        random: rootRandom.fork(def.name),
        sql: db,
        hot,
        bus,
        scheduler,
        state,
        sessions: directory,
        metrics: registry,
        dataDir: config.server.dataDir,
        use: (name) => {
          if (!allowed.has(name as string))
            throw new Error(`module ${def.name} uses ${String(name)} without dependsOn`)
          return apis.get(name as string) as never
        },
      }
      contexts.set(def.name, ctx)
      for (const [type, md] of Object.entries(def.protocol ?? {})) {
        if (!type.startsWith(`${def.name}.`))
          throw new Error(`message type ${type} must start with ${def.name}.`)
        if (definitions[type]) throw new Error(`message type ${type} is already defined`)
        definitions[type] = md
      }
      const api = def.api ? await def.api(ctx) : undefined
      apis.set(def.name, api)
      if (def.routes) await app.register(async (scope) => def.routes?.(scope, ctx, api))
      for (const [type, handler] of Object.entries(def.messages?.(ctx, api) ?? {})) {
        if (definitions[type]?.kind !== 'request')
          throw new Error(`module ${def.name} handles ${type}, which is not a request type`)
        if (handlers.has(type)) throw new Error(`message type ${type} is handled twice (module ${def.name})`)
        handlers.set(type, handler as RequestHandler<never>)
      }
      systems.push(...(def.systems?.(ctx, api) ?? []))
      for (const [kind, handler] of Object.entries(def.scheduled?.(ctx, api) ?? {})) {
        if (!kind.startsWith(`${def.name}.`))
          throw new Error(`timed event ${kind} must start with ${def.name}.`)
        timedHandlers[kind] = handler
      }
      const h = def.sessions?.(ctx, api)
      if (h) hooks.push(h)
    }
    Object.freeze(timedHandlers)
    Object.freeze(hooks)

    const accounts = apis.get('accounts') as ModuleApis['accounts']
    const gatewayMetrics = createGatewayMetrics(registry)
    const gateway = new Gateway({
      config: config.gateway,
      log: log.child({ component: 'gateway' }),
      clock,
      metrics: gatewayMetrics,
      directory,
      handlers,
      definitions: Object.freeze(definitions),
      authenticate: async (token) => {
        const claims = await accounts.verifyAccessToken(token)
        if ('body' in claims) return claims
        const user: UserRef = { userId: claims.sub, username: claims.name, role: claims.role }
        return user
      },
    })
    gateway.attach(app.server)
    let ready = false
    registerOpsRoutes(app, {
      registry,
      definitions,
      ready: () => ready,
      checks: { database: () => db.query('select 1').then(() => undefined), hot: () => hot.ping() },
    })

    const loops: TickLoop[] = []
    let stopping: Promise<void> | undefined
    const kernel: Kernel = {
      config,
      app,
      log,
      metrics: registry,
      sessions: directory,
      sql: db,
      hot,
      context: (name) => {
        const c = contexts.get(name)
        if (!c) throw new Error(`no module ${name}`)
        return c
      },
      api: (name) => apis.get(name as string) as never,
      async start() {
        await state.start()
        await directory.start()
        await scheduler.start()
        for (const s of systems) loops.push(scheduler.every(s.name, s.hz, (t) => s.run(t)))
        for (const def of modules) await def.onReady?.(contexts.get(def.name)!, apis.get(def.name))
        await app.listen({ host: config.server.host, port: config.server.port })
        ready = true
        const addr = app.server.address()
        const port = typeof addr === 'object' && addr ? addr.port : config.server.port
        const host = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host
        log.info({ port, modules: modules.map((m) => m.name) }, 'Tavern is listening')
        return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
      },
      stop() {
        stopping ??= (async () => {
          ready = false
          await gateway.shutdown(config.server.shutdownReconnectMs)
          for (const l of loops) l.stop()
          await scheduler.stop()
          for (const def of [...modules].reverse()) {
            await Promise.resolve(def.onShutdown?.(contexts.get(def.name)!, apis.get(def.name))).catch(
              (err) => log.error({ err, module: def.name }, 'onShutdown failed'),
            )
          }
          await state.stop()
          await app.close()
          await directory.stop()
          for (const s of owned) await s.close().catch((err) => log.error({ err }, 'close failed'))
          log.info('Tavern stopped')
        })()
        return stopping
      },
    }
    return kernel
  } catch (err) {
    for (const s of owned) await s.close().catch(() => undefined)
    throw err
  }
}
