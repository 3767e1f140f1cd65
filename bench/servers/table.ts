/**
 * Tavern for the tabletop benchmark: the tabletop module and, for the baseline measured in the same run, the
 * gateway benchmark's fan-out module. Embedded stores in a temporary directory unless the environment names
 * others (`DATABASE_URL`, `VALKEY_URL`); `TAVERN_FLUSH_INTERVAL_MS` and `TAVERN_TABLE_*` pass through too. Wide
 * connection limits; the per-type limits of `table.*` stay as shipped.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createKernel, loadConfig } from '@tavern/server'
import { tableModule } from '@tavern/table'
import { profileOnSignal } from '../lib/profile.ts'
import { benchModule } from './bench-module.ts'

profileOnSignal()

const passed = /^(DATABASE_URL|VALKEY_URL|TAVERN_HOT_PREFIX|TAVERN_FLUSH_INTERVAL_MS|TAVERN_TABLE_[A-Z_]+)$/
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => passed.test(k)))
const config = loadConfig(env, {
  server: {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
    dataDir: mkdtempSync(join(tmpdir(), 'tavern-bench-table-')),
  },
  gateway: { floodPerSec: 100_000, floodBurst: 100_000, maxConnections: 100_000 },
  modules: {
    settings: {
      accounts: { argon2: { memoryCost: 64, timeCost: 1 }, throttle: { registerPerIp: 1_000_000 } },
    },
  },
})
const kernel = await createKernel({ config, modules: [tableModule, benchModule] })
const url = await kernel.start()
process.stdout.write(`${JSON.stringify({ url })}\n`)
process.on('SIGTERM', () => void kernel.stop().then(() => process.exit(0)))
