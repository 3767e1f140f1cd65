import { randomUUID } from 'node:crypto'
import type { EventPayload, EventType, WorldAppearance, WorldMapInfo } from '@tavern/protocol'
import { type ModuleContext, type Rejection, reject, type Session } from '@tavern/server'
import type { WorldMap } from '../maps/world-map.ts'
import type { Rng } from '../rules/combat.ts'
import { emptyEquipment, maxHp } from '../rules/equipment.ts'
import type { GroundContext } from '../rules/ground-items.ts'
import { addItem, emptyInventory, type ItemStack } from '../rules/inventory.ts'
import { MOVE_COOLDOWN_MS } from '../rules/movement.ts'
import { initialSkills } from '../rules/skills.ts'
import type { WorldConfig } from './config.ts'
import type { LoadedWorld } from './content.ts'
import type { PlayerEntity } from './entities.ts'
import { MapInstance } from './map-instance.ts'
import { defineWorldState, type GroundRecord, type PlayerRecord } from './store.ts'
import { TickStats } from './tick-stats.ts'

export const DEFAULT_APPEARANCE: WorldAppearance = {
  body: 'body_1',
  skin: 0,
  head: 0,
  hairStyle: 0,
  hairColour: '#4a2f1b',
  eyes: '#3b5b8c',
  facialHair: 0,
  shirtStyle: 0,
  shirtColour: '#7a3b2e',
  pantsStyle: 0,
  pantsColour: '#3a4a5c',
  shoesStyle: 0,
  shoesColour: '#2b1d12',
}

const STARTER_KIT: readonly ItemStack[] = [
  { item: 'bronze_dagger', quantity: 1 },
  { item: 'bread', quantity: 3 },
  { item: 'coins', quantity: 25 },
]

/**
 * The world's live authority on this process: maps, players, persistence. Game actions live in sibling files and
 * work on it; every mutation happens synchronously inside one message or tick, and its puts are issued in the
 * same turn so the hot store receives them in one batch.
 */
export class WorldService {
  readonly maps = new Map<string, MapInstance>()
  readonly players = new Map<string, PlayerEntity>()
  readonly store: ReturnType<typeof defineWorldState>
  readonly rng: Rng
  readonly ground: GroundContext
  /** Durations of simulation ticks and of send rounds. */
  readonly stats = new TickStats()
  readonly sendStats = new TickStats()
  /** Leaves in progress, so a quick re-entry waits for the final save. */
  private readonly leaving = new Map<string, Promise<void>>()
  private groundSeq = 0
  private readonly pending = new Set<PlayerEntity>()
  /** Players who walked since their record was last queued: stored once a second (see `walked`). */
  private readonly walkers = new Set<PlayerEntity>()
  /** Player body sprites (appearance choices). */
  bodies: string[] = ['body_1']

  constructor(
    readonly ctx: ModuleContext<WorldConfig>,
    readonly loaded: LoadedWorld,
  ) {
    this.store = defineWorldState(ctx.state)
    this.rng = { int: (min, max) => ctx.random.int(min, max) }
    this.ground = {
      items: loaded.content.items,
      newId: () => `g${(++this.groundSeq).toString(36)}${randomUUID().slice(0, 6)}`,
    }
    const now = ctx.clock.now()
    for (const m of loaded.world.maps.values())
      this.maps.set(
        m.id,
        new MapInstance(m, loaded.content, ctx.config.cellSize, now, this.rng, ctx.config.viewRadius),
      )
    if (!this.maps.has(ctx.config.startMap))
      throw new Error(`TAVERN_WORLD_START_MAP names ${ctx.config.startMap}, which is not a map`)
  }

  get config(): WorldConfig {
    return this.ctx.config
  }
  get now(): number {
    return this.ctx.clock.now()
  }

  /** Loads the ground items each map had (dropping what expired meanwhile). */
  async loadGround(): Promise<void> {
    const now = this.now
    for (const m of this.maps.values()) {
      const rec = await this.store.ground.get(m.id)
      for (const item of rec?.items ?? []) if (item.despawnAt > now) m.addGroundItem(item)
      m.groundDirty = false
    }
  }

  mapInfo(m: WorldMap): WorldMapInfo {
    const name = typeof m.properties.name === 'string' ? m.properties.name : m.id
    return {
      id: m.id,
      name,
      width: m.width,
      height: m.height,
      originX: m.originX,
      originY: m.originY,
      tileWidth: m.tileWidth,
      tileHeight: m.tileHeight,
    }
  }

  clientConfig() {
    return {
      moveCooldownMs: MOVE_COOLDOWN_MS,
      tileSize: 32,
      chunkSize: 16,
      viewRadius: this.config.viewRadius,
      maxChunkRadius: 2,
      tickHz: this.config.tickHz,
      sendHz: this.config.sendHz,
      animationMs: MOVE_COOLDOWN_MS,
    }
  }

  /** The player entity of a session, or a rejection when it has not entered. */
  playerOf(session: Session): PlayerEntity | Rejection {
    const p = this.players.get(session.user.userId)
    if (!p || p.session !== session) return reject('world.not_entered')
    return p
  }

  mapOf(p: PlayerEntity): MapInstance {
    return this.maps.get(p.map) as MapInstance
  }

  /** A new character on the start map with the starter kit. */
  newRecord(username: string): PlayerRecord {
    const { content } = this.loaded
    const m = this.maps.get(this.config.startMap)!.map
    const at = m.findSpawnPosition()
    let inventory = emptyInventory()
    for (const s of STARTER_KIT) {
      if (!content.items.has(s.item)) continue
      const r = addItem(inventory, this.mint(s), content)
      if (r.ok) inventory = r.inventory
    }
    const skills = initialSkills(content.skills.values())
    const equipment = emptyEquipment()
    return {
      username,
      map: m.id,
      x: at.x,
      y: at.y,
      facing: 'down',
      hp: maxHp(skills, equipment, content),
      dead: false,
      inventory,
      equipment,
      skills,
      appearance: DEFAULT_APPEARANCE,
      autoRetaliate: true,
      escrow: [],
      updatedAt: this.now,
    }
  }

  /** Gives unstackable gear an instance id (stackables are tracked by quantity). */
  mint(s: ItemStack): ItemStack {
    const def = this.loaded.content.items.get(s.item)
    if (def?.maxStack !== 1 || s.uid) return s
    return { ...s, uid: `i${randomUUID()}` }
  }

  /** Writes a player's record hot (and marks it dirty); resolves once the hot store has it. */
  persist(p: PlayerEntity): Promise<void> {
    p.record.updatedAt = this.now
    return this.store.players.put(p.userId, p.record)
  }

  /** Queues a player's record for the put at the end of the current tick (one batch for the whole tick). */
  later(p: PlayerEntity): void {
    this.pending.add(p)
  }

  /**
   * Notes that a player walked. Steps are stored once a second rather than one put per step: a killed process
   * loses at most the last second of walking — never an item, which is stored before its reply.
   */
  walked(p: PlayerEntity): void {
    this.walkers.add(p)
  }

  /** Queues everyone who walked since the last call for this tick's put. */
  queueWalkers(): void {
    for (const p of this.walkers) this.pending.add(p)
    this.walkers.clear()
  }

  /** Puts every record queued by `later` (they reach the hot store in one batch). */
  persistPending(): void {
    for (const p of this.pending) {
      if (this.players.get(p.userId) === p)
        void this.persist(p).catch((err) => this.ctx.log.error({ err }, 'put failed'))
    }
    this.pending.clear()
    for (const m of this.maps.values())
      void this.persistGround(m).catch((err) => this.ctx.log.error({ err }, 'put failed'))
  }

  /** Writes a map's ground items if they changed; call in the same turn as the player puts of one action. */
  persistGround(m: MapInstance): Promise<void> {
    if (!m.groundDirty) return Promise.resolve()
    m.groundDirty = false
    const rec: GroundRecord = { items: m.groundItems(), updatedAt: this.now }
    return this.store.ground.put(m.id, rec)
  }

  /** Sends what changed about a player to themselves. */
  flushSelf(p: PlayerEntity): void {
    if (p.selfDirty.size === 0 && p.levelUps.length === 0 && Object.keys(p.xpGained).length === 0) return
    const all = p.self()
    const out: Record<string, unknown> = {}
    for (const k of p.selfDirty) out[k] = all[k]
    if (p.selfDirty.has('skills')) out.totalLevel = all.totalLevel
    if (Object.keys(p.xpGained).length > 0) out.xp = p.xpGained
    if (p.levelUps.length > 0) out.levelUps = p.levelUps
    p.selfDirty.clear()
    p.xpGained = {}
    p.levelUps = []
    p.session.send('world.self', out as EventPayload<'world.self'>)
  }

  /** Marks own-state fields changed (sent with the next `world.self`). */
  dirty(p: PlayerEntity, ...fields: Array<keyof ReturnType<PlayerEntity['self']>>): void {
    for (const f of fields) p.selfDirty.add(f)
  }

  /** One event to every player who sees a tile (one encode for all of them). */
  broadcastNear<T extends EventType>(
    m: MapInstance,
    x: number,
    y: number,
    type: T,
    payload: EventPayload<T>,
  ): void {
    const near = m.viewersOf(x, y)
    if (near.length > 0)
      this.ctx.sessions.broadcast(
        near.map((p) => p.session),
        type,
        payload,
      )
  }

  /** Recomputes max HP after equipment or hitpoints changed (current HP is clamped). */
  refreshMaxHp(p: PlayerEntity): void {
    const max = maxHp(p.record.skills, p.record.equipment, this.loaded.content)
    if (max !== p.maxHp) {
      p.maxHp = max
      this.dirty(p, 'hp')
      this.mapOf(p).touchPlayer(p)
    }
    if (p.record.hp > max) {
      p.record.hp = max
      this.dirty(p, 'hp')
    }
  }

  /** Waits for a leave of this user still saving. */
  async awaitLeave(userId: string): Promise<void> {
    await this.leaving.get(userId)
  }

  trackLeave(userId: string, done: Promise<void>): Promise<void> {
    const p = done.finally(() => {
      if (this.leaving.get(userId) === p) this.leaving.delete(userId)
    })
    this.leaving.set(userId, p)
    return p
  }

  /** Players, capacity and tick durations, for operators and the benchmark. */
  status(reset = false) {
    return {
      players: this.players.size,
      capacity: this.config.capacity,
      maps: [...this.maps.values()].map((m) => ({
        id: m.id,
        players: m.players.size,
        npcs: m.npcs.size,
        items: m.items.size,
      })),
      tick: this.stats.snapshot(reset),
      send: this.sendStats.snapshot(reset),
    }
  }

  /** Player ids currently in the world on this process. */
  online(): number {
    return this.players.size
  }
}
