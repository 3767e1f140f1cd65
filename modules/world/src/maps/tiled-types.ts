/** What the Tiled loader produces: format-independent, validated, with gids already masked of their flip bits. */

export type PropertyValue = string | number | boolean | { readonly [name: string]: PropertyValue }
export type Properties = Readonly<Record<string, PropertyValue>>

export interface Point {
  readonly x: number
  readonly y: number
}

export interface TileInfo {
  readonly properties: Properties
  /** Image of a tile in an image-collection tileset, relative to the content root. */
  readonly image?: string
}

export interface Tileset {
  readonly name: string
  readonly firstGid: number
  /** The external tileset file relative to the content root; absent for embedded tilesets. */
  readonly source?: string
  readonly tileWidth: number
  readonly tileHeight: number
  readonly tileCount: number
  readonly columns: number
  readonly margin: number
  readonly spacing: number
  /** The tileset image relative to the content root; absent for image-collection tilesets. */
  readonly image?: { readonly path: string; readonly width: number; readonly height: number }
  /** Per-tile data by local tile id. */
  readonly tiles: ReadonlyMap<number, TileInfo>
}

export interface TileLayer {
  readonly name: string
  /** Names of the group layers this layer was nested in, outermost first. */
  readonly groups: readonly string[]
  readonly visible: boolean
  readonly opacity: number
  readonly properties: Properties
  /** Row-major gids over the map bounds, flip bits removed; 0 is empty. */
  readonly gids: Uint32Array
  /** The flip bits (gid >>> 28) per tile, or null when nothing on the layer is flipped. */
  readonly flips: Uint8Array | null
}

export interface PlayerSpawn {
  readonly name: string
  readonly x: number
  readonly y: number
}

export interface EntitySpawn {
  readonly objectId: number
  readonly entityId: string
  readonly x: number
  readonly y: number
  readonly wanderRadius?: number
  readonly aggroRadius?: number
  readonly disengageRadius?: number
  /** Patrol waypoints in tile coordinates, walked in order and then from the start again. */
  readonly patrol?: readonly Point[]
}

export interface Portal {
  readonly objectId: number
  readonly name: string
  /** The tiles that trigger the portal (inclusive rectangle). */
  readonly area: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
  readonly targetMap: string
  readonly target:
    | { readonly kind: 'tile'; readonly x: number; readonly y: number }
    | { readonly kind: 'spawn'; readonly name: string }
}

/** Any other object, kept for modules that want signs, areas and the like. */
export interface MapObject {
  readonly id: number
  readonly name: string
  readonly type: string
  readonly layer: string
  readonly x: number
  readonly y: number
  readonly properties: Properties
}

export interface TiledMap {
  /** The file name without its extension. */
  readonly id: string
  /** The map file relative to the content root. */
  readonly file: string
  readonly infinite: boolean
  /** Tile coordinates of the top-left tile of the bounds (0,0 for finite maps; may be negative for infinite ones). */
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
  readonly objects: readonly MapObject[]
}

/** A map or tileset that cannot be used, with the file (relative to the content root) and what is wrong. */
export class TiledError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`)
    this.name = 'TiledError'
  }
}

export const FLIP_HORIZONTAL = 0x80000000
export const FLIP_VERTICAL = 0x40000000
export const FLIP_DIAGONAL = 0x20000000
/** Rotation flag of hexagonal maps; masked like the others. */
export const FLIP_HEX_120 = 0x10000000
export const GID_MASK = 0x0fffffff
