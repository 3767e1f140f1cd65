import { gidLookup } from './tiled.ts'
import type {
  EntitySpawn,
  PlayerSpawn,
  Point,
  Portal,
  Properties,
  TiledMap,
  TileLayer,
  Tileset,
} from './tiled-types.ts'

export const CHUNK_SIZE = 16
/** Layers whose every non-empty tile blocks movement (matched case-insensitively), as in the seed's maps. */
export const BLOCKING_LAYER_NAMES: ReadonlySet<string> = new Set([
  'water',
  'building',
  'obstacles',
  'collision',
])

/**
 * One 16×16 block of a map as clients receive it. `layers` lists only visible layers with at least one tile in
 * the chunk, each as 256 row-major gids (0 = empty) plus flip bits when any tile is flipped. `walkable` holds one
 * 16-bit mask per row: bit i set means tile (x + i, y + row) can be walked on. Tiles outside the map are empty and
 * not walkable.
 */
export interface MapChunk {
  readonly cx: number
  readonly cy: number
  readonly x: number
  readonly y: number
  readonly size: number
  readonly layers: readonly { readonly name: string; readonly gids: number[]; readonly flips?: number[] }[]
  readonly walkable: number[]
}

/** A loaded map as the game uses it: bounds, layers, walkability, spawns, portals and chunks. */
export class WorldMap {
  readonly id: string
  readonly file: string
  readonly originX: number
  readonly originY: number
  readonly width: number
  readonly height: number
  readonly tileWidth: number
  readonly tileHeight: number
  readonly properties: Properties
  readonly tilesets: readonly Tileset[]
  readonly layers: readonly TileLayer[]
  readonly playerSpawns: readonly PlayerSpawn[]
  readonly entitySpawns: readonly EntitySpawn[]
  readonly portals: readonly Portal[]
  private readonly walkable: Uint8Array

  constructor(tiled: TiledMap) {
    this.id = tiled.id
    this.file = tiled.file
    this.originX = tiled.originX
    this.originY = tiled.originY
    this.width = tiled.width
    this.height = tiled.height
    this.tileWidth = tiled.tileWidth
    this.tileHeight = tiled.tileHeight
    this.properties = tiled.properties
    this.tilesets = tiled.tilesets
    this.layers = tiled.layers
    this.playerSpawns = tiled.playerSpawns
    this.entitySpawns = tiled.entitySpawns
    this.portals = tiled.portals
    this.walkable = computeWalkable(tiled)
  }

  /** Whether (x, y) lies inside the map's bounds. */
  inBounds(x: number, y: number): boolean {
    return (
      x >= this.originX &&
      y >= this.originY &&
      x < this.originX + this.width &&
      y < this.originY + this.height
    )
  }

  /** Whether a player or NPC may stand on (x, y); anything outside the bounds is not walkable. */
  isWalkable(x: number, y: number): boolean {
    if (!Number.isInteger(x) || !Number.isInteger(y) || !this.inBounds(x, y)) return false
    return this.walkable[this.index(x, y)] === 1
  }

  /** The gid of every layer at (x, y), in layer order (0 where empty or out of bounds). */
  gidsAt(x: number, y: number): number[] {
    if (!this.inBounds(x, y)) return this.layers.map(() => 0)
    const i = this.index(x, y)
    return this.layers.map((l) => l.gids[i]!)
  }

  /** The portal whose area contains (x, y), if any. */
  portalAt(x: number, y: number): Portal | undefined {
    return this.portals.find(
      (p) => x >= p.area.x && y >= p.area.y && x < p.area.x + p.area.width && y < p.area.y + p.area.height,
    )
  }

  /** A player spawn by name; without a name, the one called "default" or else the first. */
  spawnPoint(name?: string): PlayerSpawn | undefined {
    if (name !== undefined) return this.playerSpawns.find((s) => s.name === name)
    return this.playerSpawns.find((s) => s.name === 'default') ?? this.playerSpawns[0]
  }

  /** The chunk at chunk coordinates (cx, cy): tiles [cx·16, cx·16+16) × [cy·16, cy·16+16). */
  chunk(cx: number, cy: number): MapChunk {
    const x0 = cx * CHUNK_SIZE
    const y0 = cy * CHUNK_SIZE
    const layers: { name: string; gids: number[]; flips?: number[] }[] = []
    for (const layer of this.layers) {
      if (!layer.visible) continue
      const gids = new Array<number>(CHUNK_SIZE * CHUNK_SIZE).fill(0)
      let flips: number[] | undefined
      let any = false
      for (let dy = 0; dy < CHUNK_SIZE; dy++) {
        for (let dx = 0; dx < CHUNK_SIZE; dx++) {
          if (!this.inBounds(x0 + dx, y0 + dy)) continue
          const i = this.index(x0 + dx, y0 + dy)
          const gid = layer.gids[i]!
          if (gid === 0) continue
          any = true
          gids[dy * CHUNK_SIZE + dx] = gid
          const flip = layer.flips?.[i] ?? 0
          if (flip !== 0) {
            flips ??= new Array<number>(CHUNK_SIZE * CHUNK_SIZE).fill(0)
            flips[dy * CHUNK_SIZE + dx] = flip
          }
        }
      }
      if (any) layers.push(flips ? { name: layer.name, gids, flips } : { name: layer.name, gids })
    }
    const walkable: number[] = []
    for (let dy = 0; dy < CHUNK_SIZE; dy++) {
      let row = 0
      for (let dx = 0; dx < CHUNK_SIZE; dx++) if (this.isWalkable(x0 + dx, y0 + dy)) row |= 1 << dx
      walkable.push(row)
    }
    return { cx, cy, x: x0, y: y0, size: CHUNK_SIZE, layers, walkable }
  }

  /** The chunks within `radius` chunks of the one containing tile (x, y) that overlap the map, row by row. */
  chunksAround(x: number, y: number, radius: number): MapChunk[] {
    const ccx = Math.floor(x / CHUNK_SIZE)
    const ccy = Math.floor(y / CHUNK_SIZE)
    const out: MapChunk[] = []
    for (let cy = ccy - radius; cy <= ccy + radius; cy++) {
      for (let cx = ccx - radius; cx <= ccx + radius; cx++)
        if (this.chunkOverlaps(cx, cy)) out.push(this.chunk(cx, cy))
    }
    return out
  }

  /**
   * Where a player should appear: the saved position when it is walkable, else the nearest walkable tile found by
   * a spiral search from it (within `searchRadius`), else the map's player spawn (or the nearest walkable tile to
   * it). Throws only if the map has no walkable tile near its spawn, which map validation rules out.
   */
  findSpawnPosition(saved?: Point | null, searchRadius = 32): Point {
    if (saved && Number.isInteger(saved.x) && Number.isInteger(saved.y)) {
      if (this.isWalkable(saved.x, saved.y)) return { x: saved.x, y: saved.y }
      const start = this.clamp(saved)
      const found = this.spiralSearch(start, searchRadius)
      if (found) return found
    }
    const spawn =
      this.spawnPoint() ??
      this.clamp({ x: this.originX + (this.width >> 1), y: this.originY + (this.height >> 1) })
    const found = this.spiralSearch(spawn, Math.max(this.width, this.height))
    if (!found) throw new Error(`map ${this.id} has no walkable tile near its spawn`)
    return found
  }

  /** The first walkable tile in growing square rings around `from`, nearest (Euclidean) first within a ring. */
  spiralSearch(from: Point, maxRadius: number): Point | undefined {
    for (let r = 0; r <= maxRadius; r++) {
      const ring: Point[] = []
      if (r === 0) ring.push({ x: from.x, y: from.y })
      else {
        for (let dx = -r; dx <= r; dx++)
          ring.push({ x: from.x + dx, y: from.y - r }, { x: from.x + dx, y: from.y + r })
        for (let dy = -r + 1; dy <= r - 1; dy++)
          ring.push({ x: from.x - r, y: from.y + dy }, { x: from.x + r, y: from.y + dy })
      }
      const d2 = (p: Point) => (p.x - from.x) ** 2 + (p.y - from.y) ** 2
      const hit = ring
        .filter((p) => this.isWalkable(p.x, p.y))
        .sort((a, b) => d2(a) - d2(b) || a.y - b.y || a.x - b.x)[0]
      if (hit) return hit
    }
    return undefined
  }

  private chunkOverlaps(cx: number, cy: number): boolean {
    const x0 = cx * CHUNK_SIZE
    const y0 = cy * CHUNK_SIZE
    return (
      x0 < this.originX + this.width &&
      x0 + CHUNK_SIZE > this.originX &&
      y0 < this.originY + this.height &&
      y0 + CHUNK_SIZE > this.originY
    )
  }

  private clamp(p: Point): Point {
    return {
      x: Math.min(Math.max(p.x, this.originX), this.originX + this.width - 1),
      y: Math.min(Math.max(p.y, this.originY), this.originY + this.height - 1),
    }
  }

  private index(x: number, y: number): number {
    return (y - this.originY) * this.width + (x - this.originX)
  }
}

/**
 * A tile is walkable when some layer has a tile there (empty space in infinite maps is void), no blocking-named
 * layer has a tile there, and no tile there says `walkable=false` or `collision=true`.
 */
function computeWalkable(map: TiledMap): Uint8Array {
  const out = new Uint8Array(map.width * map.height)
  const lookup = gidLookup(map.tilesets)
  const blockingGid = new Map<number, boolean>()
  const blocks = (gid: number): boolean => {
    let b = blockingGid.get(gid)
    if (b === undefined) {
      const hit = lookup(gid)
      const props = hit?.tileset.tiles.get(hit.local)?.properties ?? {}
      b = isFalse(props.walkable) || isTrue(props.collision)
      blockingGid.set(gid, b)
    }
    return b
  }
  const blockingLayer = map.layers.map((l) => BLOCKING_LAYER_NAMES.has(l.name.trim().toLowerCase()))
  for (let i = 0; i < out.length; i++) {
    let any = false
    let blocked = false
    for (let l = 0; l < map.layers.length && !blocked; l++) {
      const gid = map.layers[l]!.gids[i]!
      if (gid === 0) continue
      any = true
      blocked = blockingLayer[l]! || blocks(gid)
    }
    out[i] = any && !blocked ? 1 : 0
  }
  return out
}

const isTrue = (v: unknown) => v === true || v === 'true'
const isFalse = (v: unknown) => v === false || v === 'false'
