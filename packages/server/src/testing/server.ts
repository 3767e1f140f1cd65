import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../clock.ts'
import { type ConfigInput, loadConfig } from '../config.ts'
import type { Bus, HotStore } from '../hot/types.ts'
import { createKernel, type Kernel } from '../kernel.ts'
import type { ModuleDefinition } from '../module.ts'
import type { Database } from '../storage/sql.ts'
import { openTestBus, openTestDatabase, openTestHotStore, testStackKind, uniqueTestName } from './stack.ts'

// biome-ignore lint/suspicious/noExplicitAny: modules differ in config and API types
type AnyModule = ModuleDefinition<any, any>

export interface TestServer {
  readonly url: string
  readonly kernel: Kernel
  readonly db: Database
  readonly hot: HotStore
  readonly bus: Bus
  /** Stops the kernel; the stores survive so a second server can restart on them (`restart`). */
  stop(): Promise<void>
  /** Stops, then starts a new kernel on the same stores and data directory. */
  restart(): Promise<TestServer>
  /** Stops and removes every store and file it made. */
  close(): Promise<void>
}

export interface TestServerOptions {
  modules?: readonly AnyModule[]
  config?: ConfigInput
  clock?: Clock
  /** Default: TAVERN_TEST_STACK (embedded → PGlite + memory; services → PostgreSQL + Redis). */
  stack?: 'embedded' | 'services'
  /** Reuse stores (several servers on one database and hot store, i.e. several processes). */
  shared?: { db: Database; hot: HotStore; bus: Bus }
}

/** Fast settings for tests: cheap password hashing, silent logs, an ephemeral port. */
function testConfig(dataDir: string, overrides: ConfigInput = {}): ConfigInput {
  return {
    ...overrides,
    server: {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      dataDir,
      // Kernels in one test process are distinct processes to each other.
      processId: uniqueTestName('proc'),
      ...overrides.server,
    },
    modules: {
      ...overrides.modules,
      settings: {
        ...overrides.modules?.settings,
        accounts: {
          argon2: { memoryCost: 64, timeCost: 1 },
          throttle: { registerPerIp: 1_000_000 },
          ...overrides.modules?.settings?.accounts,
        },
      },
    },
  }
}

/** Starts a real Tavern kernel on an ephemeral port, on the test stack, for integration tests. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const stack = opts.stack ?? testStackKind()
  const dataDir = mkdtempSync(join(tmpdir(), 'tavern-test-'))
  const db = opts.shared?.db ?? (await openTestDatabase(stack === 'services' ? 'postgres' : 'pglite'))
  const hot = opts.shared?.hot ?? (await openTestHotStore(stack === 'services' ? 'valkey' : 'memory'))
  const bus = opts.shared?.bus ?? (await openTestBus(stack === 'services' ? 'valkey' : 'memory'))
  const boot = async (): Promise<TestServer> => {
    const config = loadConfig({}, testConfig(dataDir, opts.config))
    const kernel = await createKernel({
      config,
      modules: opts.modules ?? [],
      clock: opts.clock,
      db,
      hot,
      bus,
      seed: 'test',
    })
    const url = await kernel.start()
    const server: TestServer = {
      url,
      kernel,
      db,
      hot,
      bus,
      stop: () => kernel.stop(),
      restart: async () => {
        await kernel.stop()
        return boot()
      },
      close: async () => {
        await kernel.stop()
        if (!opts.shared) {
          await bus.close()
          await hot.close()
          await db.close()
        }
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
    return server
  }
  return boot()
}
