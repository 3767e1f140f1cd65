import { chatModule } from '@tavern/chat'
import { TavernClient } from '@tavern/client'
import type { EventPayload, ResponsePayload } from '@tavern/protocol'
import { startTestServer, type TestServer } from '@tavern/server/testing'
import type { WorldService } from '@tavern/world/server'
import { worldModule } from '@tavern/world/server'
import WebSocket from 'ws'
import { collect, connectedClient, uniqueName, until } from './helpers.ts'

/** A server with chat and the world, fast respawns and frequent flushes; `admin` names an admin account. */
export async function startWorldServer(
  opts: { admin?: string; capacity?: number; stack?: 'embedded' | 'services' } = {},
): Promise<TestServer> {
  return startTestServer({
    modules: [chatModule, worldModule],
    ...(opts.stack ? { stack: opts.stack } : {}),
    config: {
      state: { flushIntervalMs: 200 },
      gateway: { resumeGraceMs: 500 },
      modules: {
        settings: {
          accounts: opts.admin ? { adminUsernames: [opts.admin] } : {},
          world: { respawnMs: 300, ...(opts.capacity ? { capacity: opts.capacity } : {}) },
        },
      },
    },
  })
}

export function worldOf(server: TestServer): WorldService {
  return server.kernel.api('world')
}

export interface WorldPlayer {
  client: TavernClient
  name: string
  enter: ResponsePayload<'world.enter'>
  updates: Array<EventPayload<'world.update'>>
  selfEvents: Array<EventPayload<'world.self'>>
  /** What this client currently believes it sees, folded from `world.update`. */
  seen: {
    players: Map<string, unknown>
    npcs: Map<string, { x: number; y: number; hp: number; mode: string }>
    items: Map<string, { item: string; quantity: number; x: number; y: number }>
  }
}

/** Registers (or logs in as `name`), connects and enters the world, folding updates into `seen`. */
export async function enterWorld(
  url: string,
  name = uniqueName('w'),
  opts: { format?: 'json' | 'msgpack' } = {},
): Promise<WorldPlayer> {
  const client = await connectedClient(url, name, opts).then(
    (c) => c.client,
    async () => {
      const c = new TavernClient({
        url,
        WebSocket: WebSocket as never,
        reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      })
      await c.login(name, 'correct horse battery')
      await c.connect()
      return c
    },
  )
  return enterWith(client, name)
}

export async function enterWith(client: TavernClient, name: string): Promise<WorldPlayer> {
  const updates = collect(client, 'world.update')
  const selfEvents = collect(client, 'world.self')
  const seen: WorldPlayer['seen'] = { players: new Map(), npcs: new Map(), items: new Map() }
  let self = ''
  client.on('world.update', (u) => {
    if (u.reset) {
      seen.players.clear()
      seen.npcs.clear()
      seen.items.clear()
    }
    for (const [key, target] of [
      ['players', seen.players],
      ['npcs', seen.npcs],
      ['items', seen.items],
    ] as const) {
      const d = u[key]
      if (!d) continue
      for (const v of [...(d.added ?? []), ...(d.changed ?? [])]) {
        // An update shared by a cell may list our own change; added and removed never do.
        if (key === 'players' && v.id === self) {
          if ((d.added ?? []).includes(v as never)) throw new Error('an update added the viewer itself')
          continue
        }
        ;(target as Map<string, unknown>).set(v.id, v)
      }
      for (const id of d.removed ?? []) target.delete(id)
      for (const [ref, x, y, facing] of 'moved' in d ? (d.moved ?? []) : []) {
        // A step names its entity by ref; one we hold no view of is our own (a shared update).
        const v = [...(target as Map<string, { ref?: number }>).values()].find((e) => e.ref === ref)
        if (v) Object.assign(v, { x, y, facing })
      }
    }
  })
  client.on('world.map_changed', () => {
    seen.players.clear()
    seen.npcs.clear()
    seen.items.clear()
  })
  const enter = await client.request('world.enter', {})
  self = enter.playerId
  return { client, name, enter, updates, selfEvents, seen }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Steps in a direction, waiting out the move cooldown. */
export async function walk(p: WorldPlayer, dir: 'up' | 'down' | 'left' | 'right', steps = 1) {
  let last: ResponsePayload<'world.move'> | undefined
  for (let i = 0; i < steps; i++) {
    last = await p.client.request('world.move', { dir })
    await sleep(160)
  }
  return last
}

/** Takes one step in whichever direction is free (trying down, up, left, right); returns where it led. */
export async function stepAnywhere(p: WorldPlayer): Promise<ResponsePayload<'world.move'>> {
  for (const dir of ['down', 'up', 'left', 'right'] as const) {
    const moved = await p.client.request('world.move', { dir }).catch(() => undefined)
    if (moved) return moved
    await sleep(160)
  }
  throw new Error(`${p.name} could not step anywhere`)
}

/** Waits until `viewer` sees player `id` standing at `at`. */
export function untilSeenAt(viewer: WorldPlayer, id: string, at: { x: number; y: number }, what: string) {
  return until(
    () => {
      const v = viewer.seen.players.get(id) as { x: number; y: number } | undefined
      return v?.x === at.x && v?.y === at.y
    },
    3000,
    what,
  )
}
