import { TavernClient } from '@tavern/client'
import type { WorldDirection, WorldGroundItemView, WorldNpcView, WorldSelf } from '@tavern/protocol'
import WebSocket from 'ws'

export interface BotOptions {
  url: string
  username: string
  password?: string
  /** Milliseconds between decisions (a step, a swing, a pickup). */
  thinkMs?: number
  /** Chance per decision to say something nearby. */
  chatChance?: number
  /** Deterministic behaviour for tests. */
  random?: () => number
}

const DIRS: readonly WorldDirection[] = ['up', 'down', 'left', 'right']
const LINES = ['Hello!', 'Anyone seen a rat?', 'Nice weather in Millbrook.', 'Trading bread, anyone?']

/**
 * A player without a screen: logs in through the SDK, enters the world and keeps playing — walks (turning away
 * from walls), attacks aggressive NPCs next to it, picks up what lies on its tile and chats now and then.
 */
export class WorldBot {
  readonly client: TavernClient
  self: WorldSelf | null = null
  /** NPCs in view by the `ref` their steps name them by. */
  readonly npcs = new Map<number, WorldNpcView>()
  readonly items = new Map<string, WorldGroundItemView>()
  /** What the bot did, for tests and logs. */
  readonly counts = { moves: 0, blocked: 0, said: 0, attacks: 0, pickups: 0, xp: 0 }
  private timer: NodeJS.Timeout | undefined
  private dir: WorldDirection = 'down'
  private readonly rnd: () => number

  constructor(readonly opts: BotOptions) {
    this.rnd = opts.random ?? Math.random
    this.client = new TavernClient({
      url: opts.url,
      WebSocket: WebSocket as never,
      reconnect: { initialDelayMs: 100 },
    })
    this.client.on('world.update', (u) => {
      if (u.reset) {
        this.npcs.clear()
        this.items.clear()
      }
      for (const n of [...(u.npcs?.added ?? []), ...(u.npcs?.changed ?? [])]) this.npcs.set(n.ref, n)
      const removed = new Set(u.npcs?.removed)
      if (removed.size > 0) for (const [ref, n] of this.npcs) if (removed.has(n.id)) this.npcs.delete(ref)
      for (const [ref, x, y, facing] of u.npcs?.moved ?? []) {
        const n = this.npcs.get(ref)
        if (n) Object.assign(n, { x, y, facing })
      }
      for (const g of [...(u.items?.added ?? []), ...(u.items?.changed ?? [])]) this.items.set(g.id, g)
      for (const id of u.items?.removed ?? []) this.items.delete(id)
    })
    this.client.on('world.self', (s) => {
      if (this.self) Object.assign(this.self, s)
      for (const v of Object.values(s.xp ?? {})) this.counts.xp += v
    })
    this.client.on('world.map_changed', (m) => {
      this.npcs.clear()
      this.items.clear()
      if (this.self) Object.assign(this.self, { map: m.map.id, x: m.x, y: m.y })
    })
  }

  /** Registers (or logs in), connects and enters the world. */
  async start(): Promise<void> {
    const password = this.opts.password ?? 'bot-password-123'
    await this.client
      .register(this.opts.username, password)
      .catch(() => this.client.login(this.opts.username, password))
    await this.client.connect()
    this.self = (await this.client.request('world.enter', {})).self
  }

  /** Plays until `stop`. */
  play(): void {
    const tick = async () => {
      await this.think().catch(() => undefined)
      this.timer = setTimeout(tick, this.opts.thinkMs ?? 300)
    }
    this.timer = setTimeout(tick, this.opts.thinkMs ?? 300)
  }

  stop(): void {
    clearTimeout(this.timer)
    this.client.close()
  }

  /** One decision. */
  async think(): Promise<void> {
    const me = this.self
    if (!me || me.dead) return
    const loot = [...this.items.values()].find(
      (g) => g.x === me.x && g.y === me.y && g.protectedUntil === null,
    )
    if (loot) {
      await this.client.request('world.pickup', { groundItemId: loot.id })
      this.counts.pickups++
      return
    }
    const foe = [...this.npcs.values()].find(
      (n) => n.attackable && n.mode !== 'dead' && Math.max(Math.abs(n.x - me.x), Math.abs(n.y - me.y)) === 1,
    )
    if (foe && !me.target) {
      await this.client.request('world.attack', { targetKind: 'npc', targetId: foe.id })
      me.target = { kind: 'npc', id: foe.id }
      this.counts.attacks++
      return
    }
    if (me.target) return
    if (this.rnd() < (this.opts.chatChance ?? 0.02)) {
      await this.client.request('world.say', { text: LINES[Math.floor(this.rnd() * LINES.length)]! })
      this.counts.said++
    }
    if (this.rnd() < 0.2) this.dir = DIRS[Math.floor(this.rnd() * 4)]!
    try {
      const r = await this.client.request('world.move', { dir: this.dir })
      Object.assign(me, { map: r.map, x: r.x, y: r.y, facing: r.facing })
      this.counts.moves++
    } catch {
      this.counts.blocked++
      this.dir = DIRS[Math.floor(this.rnd() * 4)]!
    }
  }
}
