/**
 * Tavern for the tabletop benchmark: embedded stores in a temporary directory, the tabletop module and, for the
 * baseline measured in the same run, the gateway benchmark's fan-out module. Wide connection limits; the
 * per-type limits of `table.*` stay as shipped.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createKernel, loadConfig } from '@tavern/server'
import { tableModule } from '@tavern/table'
import { benchModule } from './bench-module.ts'

const config = loadConfig(
  {},
  {
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
  },
)
const kernel = await createKernel({ config, modules: [tableModule, benchModule] })
const url = await kernel.start()
process.stdout.write(`${JSON.stringify({ url })}\n`)
process.on('SIGTERM', () => void kernel.stop().then(() => process.exit(0)))
