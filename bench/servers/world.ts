/**
 * Tavern for the world benchmark: chat + world on embedded stores in a temporary directory, wide gateway limits,
 * a capacity above any step. New players are spread over random walkable tiles of the starter world (a bench-only
 * shortcut: real players walk there), so the load resembles a populated world rather than one crowded spawn.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chatModule } from '@tavern/chat'
import { createKernel, loadConfig } from '@tavern/server'
import { worldModule } from '@tavern/world/server'
import { changeMap } from '../../modules/world/src/server/presence.ts'
import { profileOnSignal } from '../lib/profile.ts'

profileOnSignal()

// DATABASE_URL / VALKEY_URL / TAVERN_HOT_PREFIX select PostgreSQL and Valkey instead of the embedded stores.
const env: Record<string, string> = {}
for (const k of ['DATABASE_URL', 'VALKEY_URL', 'TAVERN_HOT_PREFIX', 'TAVERN_WS_REPLAY_EVENTS'])
  if (process.env[k]) env[k] = process.env[k]!
const dataDir = mkdtempSync(join(tmpdir(), 'tavern-bench-world-'))
const config = loadConfig(env, {
  server: {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
    dataDir,
  },
  // Replay buffers as shipped: world updates are volatile (never kept), the world's other events are few.
  gateway: { floodPerSec: 100_000, floodBurst: 100_000, maxConnections: 100_000 },
  modules: {
    settings: {
      accounts: { argon2: { memoryCost: 64, timeCost: 1 }, throttle: { registerPerIp: 1_000_000 } },
      chat: { globalPresence: false },
      world: { capacity: 100_000 },
    },
  },
})
const kernel = await createKernel({ config, modules: [chatModule, worldModule] })
const url = await kernel.start()
const w = kernel.api('world')
const spread = new WeakSet<object>()
const maps = [...w.maps.values()]
setInterval(() => {
  for (const p of w.players.values()) {
    if (spread.has(p)) continue
    spread.add(p)
    const m = maps[Math.floor(Math.random() * maps.length)]!.map
    for (let i = 0; i < 200; i++) {
      const x = m.originX + Math.floor(Math.random() * m.width)
      const y = m.originY + Math.floor(Math.random() * m.height)
      if (m.isWalkable(x, y) && !m.portalAt(x, y)) {
        changeMap(w, p, m.id, x, y)
        break
      }
    }
  }
}, 100).unref()
process.stdout.write(`${JSON.stringify({ url })}\n`)
process.on(
  'SIGTERM',
  () =>
    void kernel.stop().finally(() => {
      rmSync(dataDir, { recursive: true, force: true })
      process.exit(0)
    }),
)
