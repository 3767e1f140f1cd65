import type { WorldChunk, WorldUpdate } from '@tavern/protocol'
import type { Content } from '../content/load.ts'
import type { WorldMap } from '../maps/world-map.ts'
import { CHUNK_SIZE, type MapChunk } from '../maps/world-map.ts'
import type { Rng } from '../rules/combat.ts'
import { type GroundItem, isVisibleTo } from '../rules/ground-items.ts'
import { npcProfile, spawnNpc } from '../rules/npc-ai.ts'
import { GroundEntity, type Known, NpcEntity, type PlayerEntity, type Versioned } from './entities.ts'
import { SpatialGrid } from './grid.ts'

type Moved = [string, number, number, 'up' | 'down' | 'left' | 'right']
type Diff<V> = { added?: V[]; changed?: V[]; removed?: string[]; moved?: Moved[] }

/**
 * One map as this process runs it: the players, NPCs and ground items on it, filed in an interest grid. It is the
 * only writer of its entities; the service applies each message to it synchronously, one at a time.
 */
export class MapInstance {
  readonly players = new Map<string, PlayerEntity>()
  readonly npcs = new Map<string, NpcEntity>()
  readonly items = new Map<string, GroundEntity>()
  readonly grid: SpatialGrid<PlayerEntity, NpcEntity, GroundEntity>
  private readonly chunks = new Map<string, MapChunk>()
  /** Ground items changed since the last save of this map's ground. */
  groundDirty = false
  private nextSlice = 0
  /** Per send slice: players and NPCs changed since its last round (their bases move on at its end). */
  private readonly changed: Array<Set<Versioned>> = [new Set(), new Set(), new Set(), new Set()]

  constructor(
    readonly map: WorldMap,
    content: Content,
    cellSize: number,
    now: number,
    rng: Rng,
    /** Send slices (1–4): viewers are split into groups served on successive send ticks. */
    readonly slices = 1,
  ) {
    this.grid = new SpatialGrid(cellSize)
    for (const spawn of map.entitySpawns) {
      const def = content.npcs.get(spawn.entityId)
      if (!def) continue
      const profile = npcProfile(def, spawn)
      const id = `${map.id}:${spawn.objectId}`
      const npc = new NpcEntity(def, profile, spawnNpc(id, spawn, profile, now, rng))
      this.npcs.set(id, npc)
      this.grid.insert('npcs', npc)
    }
  }

  get id(): string {
    return this.map.id
  }

  addPlayer(p: PlayerEntity): void {
    p.slice = this.nextSlice++ % this.slices
    this.players.set(p.userId, p)
    this.grid.insert('players', p)
    p.rescan = true
  }

  removePlayer(p: PlayerEntity): void {
    if (this.players.get(p.userId) !== p) return
    this.players.delete(p.userId)
    this.grid.remove('players', p)
    p.knownPlayers.clear()
    p.knownNpcs.clear()
    p.knownItems.clear()
  }

  /** After a player's position (`moved`) or other visible state changed. */
  touchPlayer(p: PlayerEntity, moved = false): void {
    this.bump(p, moved)
    if (moved) this.grid.moved('players', p)
    else this.grid.touch(p)
  }

  /** After an NPC changed; `onlyMoved` when nothing but its position and facing did. */
  touchNpc(n: NpcEntity, moved = false, onlyMoved = moved): void {
    this.bump(n, onlyMoved)
    if (moved) this.grid.moved('npcs', n)
    else this.grid.touch(n)
  }

  private bump(e: Versioned, positional: boolean): void {
    for (let i = 0; i < this.slices; i++) {
      e.onlyMoved[i] = (e.version === e.bases[i] || (e.onlyMoved[i] as boolean)) && positional
      this.changed[i]!.add(e)
    }
    e.version++
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
    this.grid.touch(e)
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

  /**
   * The diff of what `viewer` sees since their last scan, or null when nothing around them changed. Costs the
   * entities in the cells around the viewer; entity views are built once per change and shared by all viewers.
   */
  diffFor(viewer: PlayerEntity, radius: number, now: number): WorldUpdate | null {
    const round = this.grid.stamp
    const sl = viewer.slice
    const { x, y } = viewer
    if (
      !viewer.rescan &&
      viewer.scanX === x &&
      viewer.scanY === y &&
      !this.grid.changedSince(x, y, radius, viewer.scannedAt)
    ) {
      return null
    }
    const players: Diff<ReturnType<PlayerEntity['view']>> = {}
    const npcs: Diff<ReturnType<NpcEntity['view']>> = {}
    const items: Diff<ReturnType<GroundEntity['view']>> = {}
    const me = { id: viewer.userId, map: this.id, x, y }
    this.grid.around(x, y, radius, (c) => {
      for (const p of c.players) {
        if (p === viewer || Math.max(Math.abs(p.x - x), Math.abs(p.y - y)) > radius) continue
        const k = viewer.knownPlayers.get(p.userId)
        if (!k) {
          ;(players.added ??= []).push(p.view(true))
          viewer.knownPlayers.set(p.userId, { version: p.version, seen: round })
        } else {
          if (k.version !== p.version) {
            if (k.version === p.bases[sl] && p.onlyMoved[sl])
              (players.moved ??= []).push([p.userId, p.x, p.y, p.record.facing])
            else (players.changed ??= []).push(p.view(k.version < p.appearanceVersion))
            k.version = p.version
          }
          k.seen = round
        }
      }
      for (const n of c.npcs) {
        if (Math.max(Math.abs(n.x - x), Math.abs(n.y - y)) > radius) continue
        const k = viewer.knownNpcs.get(n.id)
        if (k && k.version !== n.version && k.version === n.bases[sl] && n.onlyMoved[sl]) {
          ;(npcs.moved ??= []).push([n.id, n.x, n.y, n.state.facing])
          k.version = n.version
          k.seen = round
        } else track(viewer.knownNpcs, n.id, n.version, round, n, npcs, () => n.view())
      }
      for (const g of c.items) {
        if (!isVisibleTo(g.item, me, now, radius)) continue
        track(viewer.knownItems, g.id, g.version, round, g, items, () => g.view(now))
      }
    })
    sweep(viewer.knownPlayers, round, players)
    sweep(viewer.knownNpcs, round, npcs)
    sweep(viewer.knownItems, round, items)
    viewer.scannedAt = round
    viewer.scanX = x
    viewer.scanY = y
    viewer.rescan = false
    const update: WorldUpdate = { map: this.id, at: now }
    if (players.added || players.changed || players.removed || players.moved) update.players = players
    if (npcs.added || npcs.changed || npcs.removed || npcs.moved) update.npcs = npcs
    if (items.added || items.changed || items.removed) update.items = items
    return update.players || update.npcs || update.items ? update : null
  }

  /** Ends a send round: changes from now on are newer than every scan made in it. */
  endRound(slice = 0): void {
    this.grid.stamp++
    const changed = this.changed[slice]!
    for (const e of changed) {
      e.bases[slice] = e.version
      e.onlyMoved[slice] = true
    }
    changed.clear()
  }
}

function track<V>(
  known: Map<string, Known>,
  id: string,
  version: number,
  round: number,
  _e: unknown,
  diff: Diff<V>,
  view: () => V,
): void {
  const k = known.get(id)
  if (!k) {
    ;(diff.added ??= []).push(view())
    known.set(id, { version, seen: round })
    return
  }
  if (k.version !== version) {
    ;(diff.changed ??= []).push(view())
    k.version = version
  }
  k.seen = round
}

function sweep<V>(known: Map<string, Known>, round: number, diff: Diff<V>): void {
  for (const [id, k] of known) {
    if (k.seen === round) continue
    known.delete(id)
    ;(diff.removed ??= []).push(id)
  }
}
