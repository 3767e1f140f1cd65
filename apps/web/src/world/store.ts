import type {
  EventPayload,
  ResponsePayload,
  WorldGroundItemView,
  WorldMapInfo,
  WorldNpcView,
  WorldPlayerView,
  WorldSelf,
  WorldSwing,
  WorldTradeView,
} from '@tavern/protocol'

export type Chunk = EventPayload<'world.chunk_data'>['chunks'][number]
export type Config = ResponsePayload<'world.enter'>['config']
export type Facing = WorldSelf['facing']

/** Where an entity is drawn: it glides from `from` to `to` over the animation time. */
export interface Motion {
  fromX: number
  fromY: number
  x: number
  y: number
  startedAt: number
  facing: Facing
}

export interface Splat {
  key: number
  kind: 'npc' | 'player'
  id: string
  hit: boolean
  damage: number
  at: number
}

export interface FloatText {
  key: number
  text: string
  colour: string
  at: number
}

/**
 * Everything the world view shows, kept outside React: the renderer reads it every frame, panels re-render on
 * `version` changes. Only messages from the server change it (plus the local prediction of our own steps).
 */
export class WorldStore {
  map: WorldMapInfo | null = null
  config: Config | null = null
  self: WorldSelf | null = null
  playerId = ''
  username = ''
  chunks = new Map<string, Chunk>()
  players = new Map<string, WorldPlayerView>()
  npcs = new Map<string, WorldNpcView>()
  items = new Map<string, WorldGroundItemView>()
  /** The ids of the players and NPCs held, by the `ref` a step (`moved`) names them by. */
  private readonly playerRefs = new Map<number, string>()
  private readonly npcRefs = new Map<number, string>()
  motion = new Map<string, Motion>()
  splats: Splat[] = []
  /** Every swing seen so far (splats fade; this does not). */
  swings = 0
  floats: FloatText[] = []
  trade: WorldTradeView | null = null
  tradeRequests: { userId: string; username: string }[] = []
  respawnAt: number | null = null
  version = 0
  private listeners = new Set<() => void>()
  private seq = 0

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }
  getVersion = (): number => this.version

  /** Tells panels something changed. */
  changed(): void {
    this.version++
    for (const l of [...this.listeners]) l()
  }

  /** Starts (or restarts) from a `world.enter` reply. */
  enter(r: ResponsePayload<'world.enter'>, now: number): void {
    this.map = r.map
    this.config = r.config
    this.self = r.self
    this.playerId = r.playerId
    this.username = r.username
    this.chunks.clear()
    this.clearViews()
    this.motion.clear()
    this.place('self', r.self.x, r.self.y, r.self.facing, now, true)
    this.changed()
  }

  /** Moves an entity's target tile; `snap` skips the glide (first sight, teleports, long jumps). */
  place(key: string, x: number, y: number, facing: Facing, now: number, snap = false): void {
    const m = this.motion.get(key)
    if (!m || snap || Math.abs(m.x - x) + Math.abs(m.y - y) > 2) {
      this.motion.set(key, { fromX: x, fromY: y, x, y, startedAt: now, facing })
      return
    }
    if (m.x === x && m.y === y) {
      m.facing = facing
      return
    }
    const p = this.drawnAt(key, now)
    this.motion.set(key, { fromX: p.x, fromY: p.y, x, y, startedAt: now, facing })
  }

  /** The interpolated position of an entity, in tiles. */
  drawnAt(key: string, now: number): { x: number; y: number; moving: boolean; facing: Facing } {
    const m = this.motion.get(key)
    if (!m) return { x: 0, y: 0, moving: false, facing: 'down' }
    const dur = this.config?.animationMs ?? 150
    const t = Math.min(1, (now - m.startedAt) / dur)
    return {
      x: m.fromX + (m.x - m.fromX) * t,
      y: m.fromY + (m.y - m.fromY) * t,
      moving: t < 1 && (m.x !== m.fromX || m.y !== m.fromY),
      facing: m.facing,
    }
  }

  addChunks(map: string, chunks: Chunk[]): void {
    if (map !== this.map?.id) return
    for (const c of chunks) this.chunks.set(`${c.cx},${c.cy}`, c)
  }

  /** Whether a tile can be walked on, as far as the loaded chunks tell (unknown tiles are not). */
  walkable(x: number, y: number): boolean {
    const size = this.config?.chunkSize ?? 16
    const c = this.chunks.get(`${Math.floor(x / size)},${Math.floor(y / size)}`)
    if (!c) return false
    const row = c.walkable[y - c.y] ?? 0
    return ((row >> (x - c.x)) & 1) === 1
  }

  applyUpdate(u: EventPayload<'world.update'>, now: number): void {
    if (u.map !== this.map?.id) return
    if (u.reset) {
      // After a resume: updates missed while away are not replayed; this one holds everything in view.
      for (const key of this.motion.keys()) if (key !== 'self') this.motion.delete(key)
      this.clearViews()
    }
    // Swings first: their HP is as of the swing; the views below are current.
    for (const s of u.combat ?? []) this.splat(s, now)
    const self = this.playerId
    const apply = <T extends { id: string; ref?: number; x: number; y: number }>(
      into: Map<string, T>,
      refs: Map<number, string> | null,
      prefix: string,
      d:
        | { added?: T[]; changed?: T[]; removed?: string[]; moved?: [number, number, number, Facing][] }
        | undefined,
      facing: (v: T) => Facing,
    ) => {
      if (!d) return
      for (const [ref, x, y, f] of d.moved ?? []) {
        // A ref we hold no view of is our own step (players who share a cell share an update).
        const id = refs?.get(ref)
        const old = id === undefined ? undefined : into.get(id)
        if (id === undefined || !old) continue
        into.set(id, { ...old, x, y, facing: f })
        this.place(prefix + id, x, y, f, now)
      }
      const hold = (v: T, old: T | undefined) => {
        into.set(v.id, old ? { ...old, ...v } : v)
        if (v.ref !== undefined) refs?.set(v.ref, v.id)
      }
      for (const v of d.added ?? []) {
        const old = into.get(v.id)
        hold(v, old)
        this.place(prefix + v.id, v.x, v.y, facing(v), now, !old)
      }
      for (const v of d.changed ?? []) {
        // Players who share a cell share an update: it may list our own change (world.self tells us about it).
        if (prefix === 'p:' && v.id === self) continue
        hold(v, into.get(v.id))
        this.place(prefix + v.id, v.x, v.y, facing(v), now)
      }
      for (const id of d.removed ?? []) {
        const ref = into.get(id)?.ref
        if (ref !== undefined) refs?.delete(ref)
        into.delete(id)
        this.motion.delete(prefix + id)
      }
    }
    apply(this.players, this.playerRefs, 'p:', u.players, (v) => v.facing)
    apply(this.npcs, this.npcRefs, 'n:', u.npcs, (v) => v.facing)
    apply(this.items, null, 'i:', u.items, () => 'down')
    this.changed()
  }

  /** Drops every player, NPC and ground item held (a reset, another map). */
  clearViews(): void {
    this.players.clear()
    this.npcs.clear()
    this.items.clear()
    this.playerRefs.clear()
    this.npcRefs.clear()
  }

  applySelf(p: EventPayload<'world.self'>, now: number): void {
    if (!this.self) return
    const { xp, levelUps, ...rest } = p
    const before = this.self
    this.self = { ...before, ...rest } as WorldSelf
    if (p.x !== undefined || p.y !== undefined) {
      const m = this.motion.get('self')
      // Our own steps are predicted; only a server correction moves the sprite.
      if (!m || m.x !== this.self.x || m.y !== this.self.y)
        this.place('self', this.self.x, this.self.y, this.self.facing, now)
    }
    for (const [skill, gained] of Object.entries(xp ?? {}))
      if (gained > 0) this.float(`+${Math.round(gained)} ${skill} xp`, '#9fd2ff', now)
    for (const l of levelUps ?? []) this.float(`${l.skill} level ${l.level}!`, '#ffd76a', now)
    this.changed()
  }

  splat(p: WorldSwing, now: number): void {
    this.swings++
    this.splats.push({
      key: ++this.seq,
      kind: p.target.kind,
      id: p.target.id,
      hit: p.hit,
      damage: p.damage,
      at: now,
    })
    if (p.target.kind === 'npc') {
      const n = this.npcs.get(p.target.id)
      if (n) this.npcs.set(n.id, { ...n, hp: p.targetHp, maxHp: p.targetMaxHp })
    } else if (p.target.id === this.playerId && this.self) {
      this.self = { ...this.self, hp: { current: p.targetHp, max: p.targetMaxHp } }
      this.changed()
    } else {
      const o = this.players.get(p.target.id)
      if (o) this.players.set(o.id, { ...o, hp: p.targetHp, maxHp: p.targetMaxHp })
    }
  }

  float(text: string, colour: string, now: number): void {
    this.floats.push({ key: ++this.seq, text, colour, at: now })
  }

  /** Forgets splats and floating texts that finished their animation. */
  prune(now: number): void {
    if (this.splats.length && now - this.splats[0]!.at > 1200)
      this.splats = this.splats.filter((s) => now - s.at < 1200)
    if (this.floats.length && now - this.floats[0]!.at > 2000)
      this.floats = this.floats.filter((s) => now - s.at < 2000)
  }

  /** Drops chunks far from the camera so memory stays flat on long walks. */
  dropFarChunks(cx: number, cy: number, keep: number): string[] {
    const dropped: string[] = []
    for (const [k, c] of this.chunks)
      if (Math.abs(c.cx - cx) > keep || Math.abs(c.cy - cy) > keep) {
        this.chunks.delete(k)
        dropped.push(k)
      }
    return dropped
  }
}
