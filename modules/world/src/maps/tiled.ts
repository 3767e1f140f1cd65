import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { decodeTileData } from './tiled-data.ts'
import { readJsonMap, readJsonTileset } from './tiled-json.ts'
import { interpretObjects, type LayerObject } from './tiled-objects.ts'
import { relativeToRoot, resolveInside } from './tiled-paths.ts'
import type { RawLayer, RawMap, RawTileset } from './tiled-raw.ts'
import { readTmxMap, readTsxTileset } from './tiled-tmx.ts'
import {
  GID_MASK,
  TiledError,
  type TiledMap,
  type TileInfo,
  type TileLayer,
  type Tileset,
} from './tiled-types.ts'

export interface LoadMapOptions {
  /** Every file a map refers to must be inside this folder. */
  readonly contentRoot: string
  /** Shares parsed external tilesets between maps (keyed by absolute path). */
  readonly tilesetCache?: Map<string, Promise<RawTileset>>
}

export const MAP_EXTENSIONS = ['.tmx', '.tmj', '.json'] as const
/** Maps are held densely in memory; this bounds one map (or an infinite map's chunk bounds) at 2048×2048 tiles. */
export const MAX_MAP_TILES = 2048 * 2048

/** Loads and validates one Tiled map file (TMX or JSON). Throws {@link TiledError} naming the file and the problem. */
export async function loadTiledMap(file: string, options: LoadMapOptions): Promise<TiledMap> {
  const root = path.resolve(options.contentRoot)
  const abs = path.resolve(file)
  const rel = relativeToRoot(root, abs)
  const ext = path.extname(abs).toLowerCase()
  const fail = (problem: string): never => {
    throw new TiledError(rel, problem)
  }
  if (rel.split('/')[0] === '..' || path.isAbsolute(rel)) fail('the map is outside the content root')
  if (!(MAP_EXTENSIONS as readonly string[]).includes(ext))
    fail(`unknown map extension "${ext}" (use .tmx, .tmj or .json)`)
  let text = ''
  try {
    text = await readFile(abs, 'utf8')
  } catch (err) {
    fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  let raw: RawMap
  try {
    raw = ext === '.tmx' ? readTmxMap(text) : readJsonMap(text)
  } catch (err) {
    return fail((err as Error).message)
  }
  if (raw.orientation !== 'orthogonal')
    fail(`orientation is "${raw.orientation}"; only orthogonal maps are supported`)
  if (!raw.infinite && (raw.width < 1 || raw.height < 1))
    fail('a finite map needs a width and height of at least 1')

  const cache = options.tilesetCache ?? new Map<string, Promise<RawTileset>>()
  const tilesets: Tileset[] = []
  for (const ref of raw.tilesets) {
    if (ref.source !== undefined) {
      let tsPath = ''
      try {
        tsPath = await resolveInside(root, abs, ref.source)
      } catch (err) {
        fail(`tileset source: ${(err as Error).message}`)
      }
      let pending = cache.get(tsPath)
      if (!pending) {
        pending = readExternalTileset(root, tsPath)
        cache.set(tsPath, pending)
      }
      tilesets.push(
        await finishTileset(root, tsPath, ref.firstGid, await pending, relativeToRoot(root, tsPath)),
      )
    } else {
      tilesets.push(await finishTileset(root, abs, ref.firstGid, ref.inline!, undefined))
    }
  }
  tilesets.sort((a, b) => a.firstGid - b.firstGid)
  const ranges = tilesets.map((t) => ({ t, end: t.firstGid + gidRange(t) }))
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]!.t.firstGid < ranges[i - 1]!.end) {
      fail(
        `tilesets "${ranges[i - 1]!.t.name}" and "${ranges[i]!.t.name}" overlap (firstgid ${ranges[i]!.t.firstGid})`,
      )
    }
  }

  const flat: { layer: Extract<RawLayer, { kind: 'tile' }>; groups: string[]; visible: boolean }[] = []
  const objects: LayerObject[] = []
  const walk = (layers: readonly RawLayer[], groups: string[], visible: boolean): void => {
    for (const l of layers) {
      if (l.kind === 'tile') flat.push({ layer: l, groups, visible: visible && l.visible })
      else if (l.kind === 'object') for (const o of l.objects) objects.push({ layer: l.name, object: o })
      else if (l.kind === 'group') walk(l.layers, [...groups, l.name], visible && l.visible)
    }
  }
  walk(raw.layers, [], true)

  let origin = { x: 0, y: 0, width: raw.width, height: raw.height }
  if (raw.infinite) {
    let minX = Number.POSITIVE_INFINITY
    let minY = Number.POSITIVE_INFINITY
    let maxX = Number.NEGATIVE_INFINITY
    let maxY = Number.NEGATIVE_INFINITY
    for (const { layer } of flat) {
      if (!layer.chunks)
        fail(`layer "${layer.name}" has plain data, but the map is infinite (expected chunks)`)
      for (const c of layer.chunks!) {
        minX = Math.min(minX, c.x)
        minY = Math.min(minY, c.y)
        maxX = Math.max(maxX, c.x + c.width)
        maxY = Math.max(maxY, c.y + c.height)
      }
    }
    if (minX === Number.POSITIVE_INFINITY) fail('the infinite map has no tile chunks')
    origin = { x: minX, y: minY, width: maxX - minX, height: maxY - minY }
  }

  if (origin.width * origin.height > MAX_MAP_TILES) {
    fail(`spans ${origin.width}×${origin.height} tiles; at most ${MAX_MAP_TILES} tiles are supported`)
  }
  const lookup = gidLookup(tilesets)
  const layers: TileLayer[] = flat.map(({ layer, groups, visible }) => {
    const where = `layer "${layer.name}"`
    const gids = new Uint32Array(origin.width * origin.height)
    let flips: Uint8Array | null = null
    const put = (rawGids: Uint32Array, x0: number, y0: number, w: number): void => {
      for (let i = 0; i < rawGids.length; i++) {
        const value = rawGids[i]!
        const gid = value & GID_MASK
        const x = x0 + (i % w)
        const y = y0 + Math.floor(i / w)
        if (gid !== 0 && !lookup(gid)) fail(`${where} tile (${x},${y}): gid ${gid} belongs to no tileset`)
        const at = (y - origin.y) * origin.width + (x - origin.x)
        gids[at] = gid
        if (value >>> 28 !== 0) {
          flips ??= new Uint8Array(gids.length)
          flips[at] = value >>> 28
        }
      }
    }
    try {
      if (raw.infinite) {
        for (const c of layer.chunks!) put(decodeTileData(c.data, c.width * c.height), c.x, c.y, c.width)
      } else {
        if (!layer.data) fail(`${where} has chunks, but the map is not infinite`)
        if (
          (layer.width !== 0 && layer.width !== raw.width) ||
          (layer.height !== 0 && layer.height !== raw.height)
        ) {
          fail(`${where} is ${layer.width}×${layer.height}, the map is ${raw.width}×${raw.height}`)
        }
        put(decodeTileData(layer.data!, raw.width * raw.height), 0, 0, raw.width)
      }
    } catch (err) {
      if (err instanceof TiledError) throw err
      fail(`${where} data ${(err as Error).message}`)
    }
    return {
      name: layer.name,
      groups,
      visible,
      opacity: layer.opacity,
      properties: layer.properties,
      gids,
      flips,
    }
  })

  let interpreted: ReturnType<typeof interpretObjects>
  try {
    interpreted = interpretObjects(objects, raw.tileWidth, raw.tileHeight)
  } catch (err) {
    return fail((err as Error).message)
  }
  return {
    id: path.basename(abs, path.extname(abs)),
    file: rel,
    infinite: raw.infinite,
    originX: origin.x,
    originY: origin.y,
    width: origin.width,
    height: origin.height,
    tileWidth: raw.tileWidth,
    tileHeight: raw.tileHeight,
    properties: raw.properties,
    tilesets,
    layers,
    ...interpreted,
  }
}

/** Finds the tileset and local id of a (masked) gid; undefined when no tileset covers it. */
export function gidLookup(
  tilesets: readonly Tileset[],
): (gid: number) => { tileset: Tileset; local: number } | undefined {
  const sorted = [...tilesets].sort((a, b) => b.firstGid - a.firstGid)
  return (gid) => {
    for (const t of sorted) {
      if (gid >= t.firstGid)
        return gid - t.firstGid < gidRange(t) ? { tileset: t, local: gid - t.firstGid } : undefined
    }
    return undefined
  }
}

function gidRange(t: Tileset): number {
  let max = t.tileCount
  for (const id of t.tiles.keys()) max = Math.max(max, id + 1)
  return max
}

async function readExternalTileset(root: string, abs: string): Promise<RawTileset> {
  const rel = relativeToRoot(root, abs)
  const ext = path.extname(abs).toLowerCase()
  if (ext !== '.tsx' && ext !== '.tsj' && ext !== '.json') {
    throw new TiledError(rel, `unknown tileset extension "${ext}" (use .tsx, .tsj or .json)`)
  }
  try {
    const text = await readFile(abs, 'utf8')
    return ext === '.tsx' ? readTsxTileset(text) : readJsonTileset(text)
  } catch (err) {
    throw new TiledError(rel, (err as Error).message)
  }
}

/** Resolves a tileset's image paths (relative to the file that declares it) and builds its tile table. */
async function finishTileset(
  root: string,
  declaredIn: string,
  firstGid: number,
  raw: RawTileset,
  source: string | undefined,
): Promise<Tileset> {
  const where = (problem: string) =>
    new TiledError(relativeToRoot(root, declaredIn), `tileset "${raw.name}": ${problem}`)
  const image = async (ref: string): Promise<string> => {
    try {
      return relativeToRoot(root, await resolveInside(root, declaredIn, ref))
    } catch (err) {
      throw where(`image: ${(err as Error).message}`)
    }
  }
  if (!raw.image && raw.tiles.every((t) => t.image === undefined) && raw.tileCount > 0) {
    throw where('has neither an image nor per-tile images')
  }
  if (raw.image && raw.columns < 1) throw where('an image tileset needs columns ≥ 1')
  const tiles = new Map<number, TileInfo>()
  for (const t of raw.tiles) {
    if (raw.image && t.id >= raw.tileCount)
      throw where(`tile ${t.id} is beyond its tilecount ${raw.tileCount}`)
    tiles.set(
      t.id,
      t.image === undefined
        ? { properties: t.properties }
        : { properties: t.properties, image: await image(t.image) },
    )
  }
  return {
    name: raw.name,
    firstGid,
    ...(source !== undefined ? { source } : {}),
    tileWidth: raw.tileWidth,
    tileHeight: raw.tileHeight,
    tileCount: raw.tileCount,
    columns: raw.columns,
    margin: raw.margin,
    spacing: raw.spacing,
    ...(raw.image
      ? { image: { path: await image(raw.image.source), width: raw.image.width, height: raw.image.height } }
      : {}),
    tiles,
  }
}
