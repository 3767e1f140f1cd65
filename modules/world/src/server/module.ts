import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { defineModule } from '@tavern/server'
import { type WorldConfig, worldConfig } from './config.ts'
import { loadWorldContent } from './content.ts'
import { worldHandlers } from './handlers.ts'
import { leave, openMapChannels } from './presence.ts'
import { registerWorldRoutes } from './routes.ts'
import { WorldService } from './service.ts'
import { send, startSim, tick } from './sim.ts'
import { worldMigrations } from './store.ts'

declare module '@tavern/server' {
  interface ModuleApis {
    world: WorldService
  }
}

/**
 * The 2D tile RPG: Tiled maps streamed in chunks, server-authoritative movement, interest-managed updates, NPCs,
 * melee combat, items, trades and admin tools, with characters written behind through the state layer.
 */
export const worldModule = defineModule<WorldConfig, WorldService>({
  name: 'world',
  dependsOn: ['accounts', 'chat'],
  config: worldConfig,
  migrations: worldMigrations,
  api: async (ctx) => {
    const loaded = await loadWorldContent(ctx.config.contentDir)
    const w = new WorldService(ctx, loaded)
    for (const root of loaded.roots) {
      try {
        const m = JSON.parse(await readFile(path.join(root, 'sprites/characters.json'), 'utf8')) as {
          sprites?: Record<string, unknown>
        }
        if (m.sprites) {
          w.bodies = Object.keys(m.sprites)
          break
        }
      } catch {
        // No character sprites in this root.
      }
    }
    return w
  },
  routes: (app, ctx, w) => registerWorldRoutes(app, ctx, w),
  messages: (_ctx, w) => worldHandlers(w),
  systems: (ctx, w) => [
    { name: 'world.sim', hz: ctx.config.tickHz, run: (t) => tick(w, t.now) },
    { name: 'world.send', hz: ctx.config.sendHz, run: (t) => send(w, t.now) },
  ],
  sessions: (_ctx, w) => ({
    // Updates missed while away are not replayed (they are volatile): the next one resets the client's view.
    onSessionResume: (session) => {
      const p = w.players.get(session.user.userId)
      if (p && p.session === session) w.mapOf(p).forget(p)
    },
    onSessionEnd: async (session, reason) => {
      const p = w.players.get(session.user.userId)
      if (p && p.session === session) await leave(w, p, reason === 'shutdown' ? 'shutdown' : 'disconnected')
    },
  }),
  onReady: async (ctx, w) => {
    openMapChannels(w)
    await w.loadGround()
    startSim(w, ctx.clock.now())
  },
  onShutdown: async (_ctx, w) => {
    await Promise.all([...w.players.values()].map((p) => leave(w, p, 'shutdown')))
    for (const m of w.maps.values()) m.groundDirty = true
    await Promise.all([...w.maps.values()].map((m) => w.persistGround(m)))
  },
})
