import type {
  WorldGroundItemView,
  WorldNpcView,
  WorldPlayerView,
  WorldSelf,
  WorldTradeView,
} from '@tavern/protocol'
import type { Session } from '@tavern/server'
import type { NpcDef } from '../content/schemas.ts'
import type { GroundItem } from '../rules/ground-items.ts'
import { isAttackable, type NpcProfile, type NpcState } from '../rules/npc-ai.ts'
import type { Placed } from './grid.ts'
import { encodeOwned, NO_CELL, type Tracked } from './interest.ts'
import type { PlayerRecord } from './store.ts'

/** What a viewer last received about a ground item: its version and the send round it was last seen in. */
export interface Known {
  version: number
  seen: number
}

export type TargetRef = { kind: 'npc' | 'player'; id: string }

let lastRef = 0
/**
 * The `ref` of a new player or NPC entity: unique in the process, so on every map it is on (a map lives on one
 * process, and a view handed over with the map starts with a reset).
 */
function nextRef(): number {
  return ++lastRef
}

/** A player in the world: the stored record plus live timers, combat and what they know of their surroundings. */
export class PlayerEntity implements Placed, Tracked {
  readonly kind = 'players'
  cell = 0
  roundCell = NO_CELL
  dirty = 0
  version = 1
  /** The cell this player's last update was computed from (NO_CELL: they know nothing yet). */
  viewCell = NO_CELL
  readonly idBytes: Buffer
  /** Names this player in `moved` while the entity lives. */
  readonly ref = nextRef()
  lastMoveAt: number | null = null
  lastAttackAt: number | null = null
  lastRegenAt: number
  target: TargetRef | null = null
  respawnAt: number | null = null
  readonly knownItems = new Map<string, Known>()
  /** Own-state fields changed since the last `world.self`. */
  readonly selfDirty = new Set<keyof WorldSelf>()
  xpGained: Record<string, number> = {}
  levelUps: Array<{ skill: string; level: number }> = []
  trade: string | null = null
  private liteView: WorldPlayerView | null = null
  private fullView: WorldPlayerView | null = null
  private viewVersion = 0
  private readonly encoded: [Buffer | null, Buffer | null] = [null, null]
  private encodedVersion = 0
  private step: Buffer | null = null
  private stepVersion = 0

  constructor(
    readonly userId: string,
    public session: Session,
    public record: PlayerRecord,
    public maxHp: number,
    now: number,
  ) {
    this.lastRegenAt = now
    this.idBytes = encodeOwned(userId)
  }

  get id(): string {
    return this.userId
  }

  get x(): number {
    return this.record.x
  }
  get y(): number {
    return this.record.y
  }
  get map(): string {
    return this.record.map
  }
  get alive(): boolean {
    return !this.record.dead && this.record.hp > 0
  }

  /** The view others get; the appearance is included only for viewers who have not seen the current one. */
  view(withAppearance: boolean): WorldPlayerView {
    if (this.viewVersion !== this.version) {
      const r = this.record
      this.liteView = {
        id: this.userId,
        ref: this.ref,
        name: r.username,
        x: r.x,
        y: r.y,
        facing: r.facing,
        hp: r.hp,
        maxHp: this.maxHp,
        dead: !this.alive,
        weapon: r.equipment.weapon?.item ?? null,
      }
      this.fullView = { ...this.liteView, appearance: r.appearance }
      this.viewVersion = this.version
    }
    return (withAppearance ? this.fullView : this.liteView) as WorldPlayerView
  }

  /** `view` encoded, once per change. */
  encodedView(withAppearance: boolean): Buffer {
    if (this.encodedVersion !== this.version) {
      this.encoded[0] = this.encoded[1] = null
      this.encodedVersion = this.version
    }
    const i = withAppearance ? 1 : 0
    this.encoded[i] ??= encodeOwned(this.view(withAppearance))
    return this.encoded[i] as Buffer
  }

  /** `[ref, x, y, facing]` encoded: a step or a turn, for those who hold the rest of the view. */
  encodedStep(): Buffer {
    if (this.stepVersion !== this.version || !this.step) {
      this.step = encodeOwned([this.ref, this.record.x, this.record.y, this.record.facing])
      this.stepVersion = this.version
    }
    return this.step
  }

  /** Everything about oneself. */
  self(): WorldSelf {
    const r = this.record
    return {
      map: r.map,
      x: r.x,
      y: r.y,
      facing: r.facing,
      hp: { current: r.hp, max: this.maxHp },
      dead: !this.alive,
      inventory: [...r.inventory],
      equipment: { ...r.equipment },
      skills: { ...r.skills },
      totalLevel: Object.values(r.skills).reduce((n, s) => n + s.level, 0),
      appearance: r.appearance,
      autoRetaliate: r.autoRetaliate,
      target: this.target,
      escrow: [...r.escrow],
    }
  }
}

/** An NPC spawned from a map object. */
export class NpcEntity implements Placed, Tracked {
  readonly kind = 'npcs'
  cell = 0
  roundCell = NO_CELL
  dirty = 0
  version = 1
  readonly idBytes: Buffer
  readonly ref = nextRef()
  private cached: WorldNpcView | null = null
  private cachedVersion = 0
  private encoded: Buffer | null = null
  private encodedVersion = 0
  private step: Buffer | null = null
  private stepVersion = 0

  constructor(
    readonly def: NpcDef,
    readonly profile: NpcProfile,
    public state: NpcState,
  ) {
    this.idBytes = encodeOwned(state.id)
  }

  get id(): string {
    return this.state.id
  }
  get x(): number {
    return this.state.x
  }
  get y(): number {
    return this.state.y
  }
  get alive(): boolean {
    return this.state.mode !== 'dead'
  }

  view(): WorldNpcView {
    if (this.cachedVersion !== this.version || !this.cached) {
      const s = this.state
      this.cached = {
        id: s.id,
        ref: this.ref,
        kind: this.def.id,
        name: this.def.name,
        x: s.x,
        y: s.y,
        width: this.profile.size.width,
        height: this.profile.size.height,
        facing: s.facing,
        hp: s.hp,
        maxHp: this.profile.maxHp,
        mode: s.mode,
        attackable: isAttackable(this.profile.behaviour),
      }
      this.cachedVersion = this.version
    }
    return this.cached
  }

  /** `view` encoded, once per change (NPCs have no appearance to leave out). */
  encodedView(_withAppearance = true): Buffer {
    if (this.encodedVersion !== this.version || !this.encoded) {
      this.encoded = encodeOwned(this.view())
      this.encodedVersion = this.version
    }
    return this.encoded
  }

  encodedStep(): Buffer {
    if (this.stepVersion !== this.version || !this.step) {
      this.step = encodeOwned([this.ref, this.state.x, this.state.y, this.state.facing])
      this.stepVersion = this.version
    }
    return this.step
  }
}

/** An item lying on a tile. */
export class GroundEntity implements Placed {
  cell = 0
  version = 1
  private cached: WorldGroundItemView | null = null
  private cachedVersion = 0

  constructor(public item: GroundItem) {}

  get id(): string {
    return this.item.id
  }
  get x(): number {
    return this.item.x
  }
  get y(): number {
    return this.item.y
  }

  view(now: number): WorldGroundItemView {
    const protectedNow = this.item.owner !== null && now < this.item.protectedUntil
    if (
      this.cachedVersion !== this.version ||
      !this.cached ||
      (this.cached.protectedUntil !== null) !== protectedNow
    ) {
      this.cached = {
        id: this.item.id,
        item: this.item.stack.item,
        quantity: this.item.stack.quantity,
        x: this.item.x,
        y: this.item.y,
        protectedUntil: protectedNow ? this.item.protectedUntil : null,
        despawnAt: this.item.despawnAt,
      }
      this.cachedVersion = this.version
    }
    return this.cached
  }
}

export type { WorldTradeView }
