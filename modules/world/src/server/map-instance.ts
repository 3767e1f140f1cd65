import type { WorldChunk, WorldSwing } from '@tavern/protocol'
import type { Content } from '../content/load.ts'
import type { WorldMap } from '../maps/world-map.ts'
import { CHUNK_SIZE, type MapChunk } from '../maps/world-map.ts'
import type { Rng } from '../rules/combat.ts'
import { type GroundItem, isVisibleTo } from '../rules/ground-items.ts'
import { npcProfile, spawnNpc } from '../rules/npc-ai.ts'
import { GroundEntity, NpcEntity, type PlayerEntity } from './entities.ts'
import { SpatialGrid } from './grid.ts'
import {
  APPEARANCE,
  encode,
  encodeOwned,
  forBlock,
  type KindParts,
  NO_CELL,
  RoundFragments,
  rediff,
  STEP,
  UpdateParts,
  updatePayload,
  VIEW,
} from './interest.ts'

type Payload = ReturnType<typeof updatePayload>

/**
 * One map as this process runs it: the players, NPCs and ground items on it, filed in an interest grid. It is the
 * only writer of its entities; the service applies each message to it synchronously, one at a time. Changes are
 * collected per send round and turned into each viewer's `world.update` by `updateFor` (see interest.ts).
 */
export class MapInstance {
  readonly players = new Map<string, PlayerEntity>()
  readonly npcs = new Map<string, NpcEntity>()
  readonly items = new Map<string, GroundEntity>()
  readonly grid: SpatialGrid<PlayerEntity, NpcEntity, GroundEntity>
  private readonly chunks = new Map<string, MapChunk>()
  /** Ground items changed since the last save of this map's ground. */
  groundDirty = false
  /** Cells a viewer sees around their own, each way. */
  readonly reach: number
  /** Players and NPCs changed this round, and players who left the map (with their cell at the last round). */
  private readonly touched = new Set<PlayerEntity | NpcEntity>()
  private readonly departed = new Map<string, { e: PlayerEntity; roundCell: number }>()
  /** Swings this round, by the cell of their target (encoded). */
  private readonly swings: Array<{ cell: number; bytes: Buffer }> = []
  private fragments: RoundFragments | null = null
  private readonly mapBytes: Buffer
  private atBytes: Buffer | null = null
  private atTime = Number.NaN

  constructor(
    readonly map: WorldMap,
    content: Content,
    cellSize: number,
    now: number,
    rng: Rng,
    /** Entities are visible at least this many tiles away (the cells that cover it). */
    viewRadius = 32,
  ) {
    this.grid = new SpatialGrid(cellSize)
    this.reach = Math.ceil(viewRadius / cellSize)
    this.mapBytes = encodeOwned(map.id)
    for (const spawn of map.entitySpawns) {
      const def = content.npcs.get(spawn.entityId)
      if (!def) continue
      const profile = npcProfile(def, spawn)
      const id = `${map.id}:${spawn.objectId}`
      const npc = new NpcEntity(def, profile, spawnNpc(id, spawn, profile, now, rng))
      this.npcs.set(id, npc)
      this.grid.insert('npcs', npc)
      npc.roundCell = npc.cell
    }
  }

  get id(): string {
    return this.map.id
  }

  /** Places a player; they are told everything around them in the next round. */
  addPlayer(p: PlayerEntity): void {
    const gone = this.departed.get(p.userId)
    this.departed.delete(p.userId)
    // Back within the round it left in (a reconnect): its viewers hold it, so they get a full view, not an add.
    p.roundCell = gone ? gone.roundCell : NO_CELL
    p.dirty = STEP | VIEW | APPEARANCE
    p.version++
    this.players.set(p.userId, p)
    this.grid.insert('players', p)
    this.touched.add(p)
    this.forget(p)
  }

  removePlayer(p: PlayerEntity): void {
    if (this.players.get(p.userId) !== p) return
    this.players.delete(p.userId)
    this.grid.remove('players', p)
    this.touched.delete(p)
    if (p.roundCell !== NO_CELL) this.departed.set(p.userId, { e: p, roundCell: p.roundCell })
    this.forget(p)
  }

  /**
   * Makes the next update describe everything around the player, as to someone who knows nothing (it carries
   * `reset`: the client drops what it held). On entering a map, and on a resume (updates are not replayed).
   */
  forget(p: PlayerEntity): void {
    p.viewCell = NO_CELL
    p.knownItems.clear()
  }

  /** After a player's position (`moved`) or other visible state (its `appearance` too) changed. */
  touchPlayer(p: PlayerEntity, moved = false, appearance = false): void {
    p.version++
    p.dirty |= moved ? STEP : appearance ? VIEW | APPEARANCE : VIEW
    if (moved) this.grid.moved('players', p)
    this.touched.add(p)
  }

  /** After an NPC changed; `onlyMoved` when nothing but its position and facing did. */
  touchNpc(n: NpcEntity, moved = false, onlyMoved = moved): void {
    n.version++
    n.dirty |= onlyMoved ? STEP : VIEW
    if (moved) this.grid.moved('npcs', n)
    this.touched.add(n)
  }

  /** A swing at a target on (x, y): told with this round's update to those who see the tile. */
  swing(x: number, y: number, swing: WorldSwing): void {
    this.swings.push({ cell: this.grid.key(x, y), bytes: encodeOwned(swing) })
  }

  addGroundItem(item: GroundItem): GroundEntity {
    const e = new GroundEntity(item)
    this.items.set(item.id, e)
    this.grid.insert('items', e)
    this.groundDirty = true
    return e
  }

  removeGroundItem(id: string): GroundItem | undefined {
    const e = this.items.get(id)
    if (!e) return undefined
    this.items.delete(id)
    this.grid.remove('items', e)
    this.groundDirty = true
    return e.item
  }

  /** Replaces a ground item (e.g. what did not fit after a pickup). */
  updateGroundItem(item: GroundItem): void {
    const e = this.items.get(item.id)
    if (!e) return
    e.item = item
    e.version++
    this.grid.touchItem(e)
    this.groundDirty = true
  }

  groundItems(): GroundItem[] {
    return [...this.items.values()].map((e) => e.item)
  }

  /** Players within `radius` tiles (Chebyshev) of (x, y). */
  playersNear(x: number, y: number, radius: number): PlayerEntity[] {
    const out: PlayerEntity[] = []
    this.grid.around(x, y, radius, (c) => {
      for (const p of c.players) if (Math.max(Math.abs(p.x - x), Math.abs(p.y - y)) <= radius) out.push(p)
    })
    return out
  }

  /** A chunk, built once (maps do not change while running). */
  chunk(cx: number, cy: number): MapChunk {
    const key = `${cx},${cy}`
    let c = this.chunks.get(key)
    if (!c) {
      c = this.map.chunk(cx, cy)
      this.chunks.set(key, c)
    }
    return c
  }

  /** Chunks within `radius` chunks of the one holding (x, y) that overlap the map; `skip` leaves some out. */
  chunksAround(
    x: number,
    y: number,
    radius: number,
    skip?: (cx: number, cy: number) => boolean,
  ): WorldChunk[] {
    const ccx = Math.floor(x / CHUNK_SIZE)
    const ccy = Math.floor(y / CHUNK_SIZE)
    const out: WorldChunk[] = []
    const m = this.map
    for (let cy = ccy - radius; cy <= ccy + radius; cy++) {
      for (let cx = ccx - radius; cx <= ccx + radius; cx++) {
        const x0 = cx * CHUNK_SIZE
        const y0 = cy * CHUNK_SIZE
        const overlaps =
          x0 < m.originX + m.width &&
          x0 + CHUNK_SIZE > m.originX &&
          y0 < m.originY + m.height &&
          y0 + CHUNK_SIZE > m.originY
        if (overlaps && !skip?.(cx, cy)) out.push(this.chunk(cx, cy) as WorldChunk)
      }
    }
    return out
  }

  /** Players who see tile (x, y): those whose block of cells holds its cell. */
  viewersOf(x: number, y: number): PlayerEntity[] {
    const out: PlayerEntity[] = []
    forBlock(this.grid.key(x, y), this.reach, (key) => {
      const c = this.grid.cell(key)
      if (c) for (const p of c.players) out.push(p)
    })
    return out
  }

  /**
   * Every player's `world.update` for this round: `send(viewers, update)` once per distinct update. Players who
   * stayed in their cell, with no ground item changed around it, share their cell's update (one encoding and one
   * frame for all of them; it may list their own step); the others get their own (`updateFor`). Then `endRound`.
   */
  roundUpdates(now: number, send: (viewers: PlayerEntity[], update: NonNullable<Payload>) => void): void {
    const byCell = new Map<number, PlayerEntity[]>()
    const itemsChanged = new Map<number, boolean>()
    for (const p of this.players.values()) {
      const cell = p.cell
      let changed = itemsChanged.get(cell)
      if (changed === undefined) itemsChanged.set(cell, (changed = this.itemsChangedAround(cell)))
      if (p.viewCell !== cell || changed) {
        const update = this.updateFor(p, now, changed)
        if (update) send([p], update)
        continue
      }
      const group = byCell.get(cell)
      if (group) group.push(p)
      else byCell.set(cell, [p])
    }
    for (const [cell, viewers] of byCell) {
      const update = this.cellUpdate(cell, now)
      if (update) send(viewers, update)
    }
  }

  /** The update shared by every viewer who stayed in `cell` (see `roundUpdates`). */
  private cellUpdate(cell: number, now: number): Payload {
    const parts = new UpdateParts()
    this.round().collect(null, cell, this.reach, parts)
    return updatePayload(this.mapBytes, this.at(now), parts)
  }

  /**
   * `viewer`'s `world.update` for this round (its msgpack length and writer), or null when nothing around them
   * changed; it never lists the viewer. Call once per viewer per round (or `roundUpdates` once), then `endRound`.
   */
  updateFor(
    viewer: PlayerEntity,
    now: number,
    /** Whether a ground item changed around the viewer's cell, when the caller already knows. */
    itemsChanged = this.itemsChangedAround(viewer.cell),
  ): Payload {
    const fragments = this.round()
    const was = viewer.viewCell
    const cell = viewer.cell
    viewer.viewCell = cell
    // Told from scratch: the client drops the view it held (after a resume it may be stale).
    const reset = was === NO_CELL
    const parts = new UpdateParts()
    if (was === cell) fragments.collect(viewer, cell, this.reach, parts)
    else rediff(viewer, was, cell, this.reach, (k) => this.grid.cell(k), fragments, parts)
    if (was !== cell || itemsChanged) this.itemsFor(viewer, cell, now, parts.items)
    return updatePayload(this.mapBytes, this.at(now), parts, reset)
  }

  /** This round's changes, filed by cell (built on first use). */
  private round(): RoundFragments {
    this.fragments ??= new RoundFragments(this.touched, this.departed.values(), this.swings)
    return this.fragments
  }

  /** `now` encoded, once per round. */
  private at(now: number): Buffer {
    if (this.atTime !== now || !this.atBytes) {
      this.atTime = now
      this.atBytes = encodeOwned(now)
    }
    return this.atBytes
  }

  /** Ends a send round: what changed in it has been told. */
  endRound(): void {
    for (const e of this.touched) {
      e.roundCell = e.cell
      e.dirty = 0
    }
    this.touched.clear()
    this.departed.clear()
    this.swings.length = 0
    this.fragments = null
    this.grid.stamp++
  }

  private itemsChangedAround(cell: number): boolean {
    let changed = false
    forBlock(cell, this.reach, (key) => {
      if (this.grid.cell(key)?.itemsChangedAt === this.grid.stamp) changed = true
    })
    return changed
  }

  /** Ground items are few and seen per viewer (loot protection): diffed against what the viewer was sent. */
  private itemsFor(viewer: PlayerEntity, cell: number, now: number, out: KindParts): void {
    const round = this.grid.stamp
    const known = viewer.knownItems
    // The block already bounds the distance: the rule checks the rest (despawned, someone else's protected loot).
    const me = { id: viewer.userId, map: this.id, x: viewer.x, y: viewer.y }
    forBlock(cell, this.reach, (key) => {
      const c = this.grid.cell(key)
      if (!c) return
      for (const g of c.items) {
        if (!isVisibleTo(g.item, me, now, Number.POSITIVE_INFINITY)) continue
        const k = known.get(g.id)
        if (!k) {
          out.added.push(encode(g.view(now)))
          known.set(g.id, { version: g.version, seen: round })
          continue
        }
        if (k.version !== g.version) {
          out.changed.push(encode(g.view(now)))
          k.version = g.version
        }
        k.seen = round
      }
    })
    for (const [id, k] of known) {
      if (k.seen === round) continue
      known.delete(id)
      out.removed.push(encode(id))
    }
  }
}
