/** Turns readable ASCII layouts into Tiled layers (with road and water autotiling) and writes TMX / JSON maps. */
import { deflateSync, gzipSync } from 'node:zlib'
import { DUNGEON_TILES, gidsOf, TERRAIN_TILES } from './tiles.ts'

export const TERRAIN_FIRST_GID = 1
export const DUNGEON_FIRST_GID = 1
const T = gidsOf(TERRAIN_TILES, TERRAIN_FIRST_GID)
const D = gidsOf(DUNGEON_TILES, DUNGEON_FIRST_GID)

export interface Layer {
  readonly name: string
  readonly gids: number[]
  readonly visible?: boolean
  /** Nests the layer in a group layer of this name (consecutive layers share the group). */
  readonly group?: string
}

export interface MapObject {
  readonly name?: string
  readonly type: 'player_spawn' | 'entity_spawn' | 'portal' | 'patrol'
  /** Tile position (or top-left of the area) and size in tiles. */
  readonly x: number
  readonly y: number
  readonly w?: number
  readonly h?: number
  readonly props?: Record<string, string | number | { object: number }>
  /** A polyline in tile coordinates (used for patrol routes). */
  readonly polyline?: readonly [number, number][]
  readonly id?: number
}

export interface BuiltMap {
  readonly width: number
  readonly height: number
  readonly layers: Layer[]
}

const hash = (x: number, y: number, salt = 0) => {
  let h = (x * 374761393 + y * 668265263 + salt * 2246822519) | 0
  h = Math.imul(h ^ (h >>> 13), 1274126177)
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296
}

const ROADLIKE = new Set(['=', ':', 'H', 'V', 'd'])
const WATERLIKE = new Set(['~', 'H', 'V'])

/** Builds the layers of an outdoor map from its rows. */
export function buildOutdoor(rows: readonly string[], opts: { forest?: boolean } = {}): BuiltMap {
  const height = rows.length
  const width = rows[0]!.length
  rows.forEach((r, i) => {
    if (r.length !== width) throw new Error(`row ${i} is ${r.length} wide, expected ${width}: "${r}"`)
  })
  const at = (x: number, y: number): string | undefined => rows[y]?.[x]
  const layer = () => new Array<number>(width * height).fill(0)
  const ground = layer()
  const water = layer()
  const decoration = layer()
  const obstacles = layer()
  const building = layer()
  const collision = layer()
  const grass = (x: number, y: number) => {
    const h = hash(x, y)
    if (opts.forest) return h < 0.55 ? T.forest_floor! : h < 0.85 ? T.grass! : T.grass_b!
    return h < 0.62 ? T.grass! : h < 0.93 ? T.grass_b! : T.grass_c!
  }
  const groundUnderProp = (x: number, y: number) => {
    const around = [at(x - 1, y), at(x + 1, y), at(x, y - 1), at(x, y + 1)]
    return around.filter((c) => c === ':').length >= 2 ? T.cobble! : grass(x, y)
  }
  const mask = (x: number, y: number, like: (c: string | undefined) => boolean) =>
    (like(at(x, y - 1)) ? 0 : 1) |
    (like(at(x + 1, y)) ? 0 : 2) |
    (like(at(x, y + 1)) ? 0 : 4) |
    (like(at(x - 1, y)) ? 0 : 8)
  const overlay: Record<string, [number[], number]> = {
    T: [obstacles, T.tree!],
    P: [obstacles, T.pine!],
    b: [obstacles, T.bush!],
    r: [obstacles, T.rock!],
    o: [obstacles, T.stump!],
    l: [obstacles, T.log!],
    F: [obstacles, T.fence_h!],
    I: [obstacles, T.fence_v!],
    S: [obstacles, T.sign!],
    W: [obstacles, T.well!],
    B: [obstacles, T.barrel!],
    C: [obstacles, T.crate!],
    L: [obstacles, T.lamp!],
    K: [obstacles, T.stall!],
    h: [obstacles, T.hay!],
    f: [decoration, T.flowers_red!],
    y: [decoration, T.flowers_yellow!],
    m: [decoration, T.mushrooms!],
    w: [decoration, T.reeds!],
    '"': [decoration, T.tall_grass!],
    x: [collision, T.collision!],
    E: [decoration, T.cave_entrance!],
    Q: [obstacles, T.campfire!],
    U: [obstacles, T.tent!],
    '#': [building, T.stone_wall!],
    '|': [building, T.stone_wall_top!],
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = at(x, y)!
      const i = y * width + x
      if (c === '=' || c === 'd') {
        // Map edges count as road so a road running off the map keeps its surface to the border.
        ground[i] = T[`road_${mask(x, y, (n) => n === undefined || ROADLIKE.has(n))}`]!
      } else if (c === ':') ground[i] = T.cobble!
      else if (c === 's') ground[i] = T.sand!
      else if (c === '~') water[i] = T[`water_${mask(x, y, (n) => n === undefined || WATERLIKE.has(n))}`]!
      else if (c === 'H') ground[i] = T.bridge_h!
      else if (c === 'V') ground[i] = T.bridge_v!
      else if (c === 'A' || c === 'n' || c === 'O' || c === 'D') {
        ground[i] = grass(x, y)
        building[i] = houseTile(c, at(x - 1, y), at(x + 1, y), at(x, y - 1), at(x, y + 1))
      } else if (c === 'R') {
        // Hill: the top is rocky ground, its southern edge a cliff face.
        const below = at(x, y + 1)
        ground[i] = grass(x, y)
        const top = [T.cliff_top!, T.cliff_top_b!, T.cliff_top_c!][Math.floor(hash(x, y, 5) * 3)]!
        obstacles[i] = below === 'R' || below === 'E' || below === undefined ? top : T.cliff!
      } else if (c === '.' || c === ',') ground[i] = c === ',' ? T.grass_b! : grass(x, y)
      else if (c === 'e') ground[i] = T.forest_floor!
      else {
        const o = overlay[c]
        if (!o) throw new Error(`unknown layout character "${c}" at (${x},${y})`)
        ground[i] = c === 'E' ? T.dirt! : groundUnderProp(x, y)
        o[0][i] = o[1]
      }
    }
  }
  const layers: Layer[] = [
    { name: 'ground', gids: ground },
    { name: 'water', gids: water },
    { name: 'decoration', gids: decoration },
    { name: 'obstacles', gids: obstacles },
    { name: 'building', gids: building },
    { name: 'collision', gids: collision, visible: false },
  ]
  return { width, height, layers }
}

function houseTile(c: string, left?: string, right?: string, up?: string, down?: string): number {
  if (c === 'A') {
    const row = up !== 'A' ? 't' : down !== 'A' ? 'b' : 'm'
    const col = left !== 'A' ? 'l' : right !== 'A' ? 'r' : 'm'
    const name = `roof_${row === 'm' ? '' : row}${col === 'm' ? (row === 'm' ? 'm' : '') : col}`
    return T[name]!
  }
  if (c === 'D') return T.door!
  if (c === 'O') return T.wall_window!
  const wallish = (n?: string) => n === 'n' || n === 'O' || n === 'D'
  return !wallish(left) ? T.wall_l! : !wallish(right) ? T.wall_r! : T.wall!
}

/** Builds the layers of a cave from its rows (dungeon tileset): floor, then walls that block by tile property. */
export function buildCave(rows: readonly string[]): BuiltMap {
  const height = rows.length
  const width = rows[0]!.length
  const at = (x: number, y: number): string | undefined => rows[y]?.[x]
  const floor = new Array<number>(width * height).fill(0)
  const walls = new Array<number>(width * height).fill(0)
  const props = new Array<number>(width * height).fill(0)
  const solid = (c?: string) => c === undefined || c === '#' || c === '*'
  const items: Record<string, string> = {
    o: 'ore_copper',
    t: 'ore_tin',
    i: 'ore_iron',
    '^': 'stalagmite',
    k: 'bones',
    c: 'crystals',
    u: 'rubble',
    g: 'glow_mushrooms',
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = at(x, y)!
      const i = y * width + x
      if (solid(c)) {
        const face = !solid(at(x, y + 1))
        walls[i] = c === '*' ? D.cave_torch! : face ? D.cave_face! : D.cave_rock!
        continue
      }
      const h = hash(x, y, 9)
      floor[i] =
        c === 'p'
          ? D.puddle!
          : c === 'X'
            ? D.cave_exit!
            : h < 0.6
              ? D.cave_floor!
              : h < 0.85
                ? D.cave_floor_b!
                : D.cave_floor_c!
      if (items[c]) props[i] = D[items[c]!]!
      else if (c !== '.' && c !== 'p' && c !== 'X')
        throw new Error(`unknown cave character "${c}" at (${x},${y})`)
    }
  }
  return {
    width,
    height,
    layers: [
      { name: 'floor', gids: floor, group: 'cave' },
      { name: 'walls', gids: walls, group: 'cave' },
      { name: 'props', gids: props, group: 'cave' },
    ],
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

function tmxObjects(
  objects: readonly MapObject[],
  tile: number,
  firstId: number,
): { xml: string; nextId: number } {
  let id = firstId
  const lines: string[] = []
  for (const o of objects) {
    const oid = o.id ?? id
    id = Math.max(id, oid) + 1
    const w = (o.w ?? 1) * tile
    const h = (o.h ?? 1) * tile
    const name = o.name ? ` name="${esc(o.name)}"` : ''
    const props = Object.entries(o.props ?? {})
    const propXml = props.length
      ? `\n   <properties>\n${props
          .map(([k, v]) =>
            typeof v === 'object'
              ? `    <property name="${k}" type="object" value="${v.object}"/>`
              : `    <property name="${k}"${typeof v === 'number' ? ' type="int"' : ''} value="${esc(String(v))}"/>`,
          )
          .join('\n')}\n   </properties>\n  `
      : ''
    if (o.polyline) {
      const pts = o.polyline
        .map(([px, py]) => `${(px - o.x) * tile + tile / 2},${(py - o.y) * tile + tile / 2}`)
        .join(' ')
      lines.push(
        `  <object id="${oid}"${name} type="patrol" x="${o.x * tile}" y="${o.y * tile}">\n   <polyline points="${pts}"/>\n  </object>`,
      )
      continue
    }
    const shape = o.type === 'portal' ? ` width="${w}" height="${h}"` : ''
    const pos =
      o.type === 'portal'
        ? `x="${o.x * tile}" y="${o.y * tile}"`
        : `x="${o.x * tile + tile / 2}" y="${o.y * tile + tile / 2}"`
    const point = o.type === 'portal' ? '' : '\n   <point/>'
    lines.push(
      `  <object id="${oid}"${name} type="${o.type}" ${pos}${shape}>${propXml}${point ? `${point}\n  ` : ''}</object>`,
    )
  }
  return { xml: lines.join('\n'), nextId: id }
}

/** A TMX map; layers as CSV, or base64 with the given compression. */
export function writeTmx(
  map: BuiltMap,
  objects: readonly MapObject[],
  opts: { tilesetSource: string; encoding: 'csv' | 'base64-gzip'; properties?: Record<string, string> },
): string {
  const tile = 32
  const { xml, nextId } = tmxObjects(objects, tile, 1)
  const data = (gids: number[]) => {
    if (opts.encoding === 'csv') {
      const rows: string[] = []
      for (let y = 0; y < map.height; y++) rows.push(gids.slice(y * map.width, (y + 1) * map.width).join(','))
      return `  <data encoding="csv">\n${rows.join(',\n')}\n</data>`
    }
    return `  <data encoding="base64" compression="gzip">\n   ${gzipSync(le32(gids), { level: 9 }).toString('base64')}\n  </data>`
  }
  let layerId = 1
  const parts: string[] = []
  let openGroup: string | undefined
  for (const l of map.layers) {
    if (l.group !== openGroup) {
      if (openGroup) parts.push(' </group>')
      if (l.group) parts.push(` <group id="${layerId++}" name="${l.group}">`)
      openGroup = l.group
    }
    const vis = l.visible === false ? ' visible="0"' : ''
    parts.push(
      ` <layer id="${layerId++}" name="${l.name}" width="${map.width}" height="${map.height}"${vis}>\n${data(l.gids)}\n </layer>`,
    )
  }
  if (openGroup) parts.push(' </group>')
  const props = Object.entries(opts.properties ?? {})
  const propXml = props.length
    ? ` <properties>\n${props.map(([k, v]) => `  <property name="${k}" value="${esc(v)}"/>`).join('\n')}\n </properties>\n`
    : ''
  return `<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" tiledversion="1.11.2" orientation="orthogonal" renderorder="right-down" width="${map.width}" height="${map.height}" tilewidth="${tile}" tileheight="${tile}" infinite="0" nextlayerid="${layerId + 1}" nextobjectid="${nextId}">
${propXml} <tileset firstgid="1" source="${opts.tilesetSource}"/>
${parts.join('\n')}
 <objectgroup id="${layerId}" name="objects">
${xml}
 </objectgroup>
</map>
`
}

/** An infinite JSON map whose layers are 16×16 chunks stored as base64 + zlib, placed with its top-left at `origin`. */
export function writeInfiniteJson(
  map: BuiltMap,
  objects: readonly MapObject[],
  opts: { tilesetSource: string; origin: { x: number; y: number }; properties?: Record<string, string> },
): string {
  const tile = 32
  const ox = opts.origin.x
  const oy = opts.origin.y
  if (ox % 16 !== 0 || oy % 16 !== 0 || map.width % 16 !== 0 || map.height % 16 !== 0)
    throw new Error('infinite maps are built from whole 16×16 chunks')
  let nextId = 1
  const layers: unknown[] = []
  const placed = objects.map((o) => ({
    ...o,
    x: o.x + ox,
    y: o.y + oy,
    ...(o.polyline ? { polyline: o.polyline.map(([px, py]) => [px + ox, py + oy] as [number, number]) } : {}),
  }))
  map.layers.forEach((l, li) => {
    const chunks: unknown[] = []
    for (let cy = 0; cy < map.height; cy += 16) {
      for (let cx = 0; cx < map.width; cx += 16) {
        const gids: number[] = []
        for (let y = 0; y < 16; y++)
          for (let x = 0; x < 16; x++) gids.push(l.gids[(cy + y) * map.width + cx + x]!)
        if (gids.every((g) => g === 0)) continue
        chunks.push({
          x: cx + ox,
          y: cy + oy,
          width: 16,
          height: 16,
          data: deflateSync(le32(gids), { level: 9 }).toString('base64'),
        })
      }
    }
    layers.push({
      id: li + 1,
      name: l.name,
      type: 'tilelayer',
      visible: l.visible !== false,
      opacity: 1,
      x: 0,
      y: 0,
      startx: ox,
      starty: oy,
      width: map.width,
      height: map.height,
      encoding: 'base64',
      compression: 'zlib',
      chunks,
    })
  })
  const objs = placed.map((o) => {
    const id = o.id ?? nextId
    nextId = Math.max(nextId, id) + 1
    const base = { id, name: o.name ?? '', visible: true, rotation: 0 }
    const properties = Object.entries(o.props ?? {}).map(([name, v]) =>
      typeof v === 'object'
        ? { name, type: 'object', value: v.object }
        : { name, type: typeof v === 'number' ? 'int' : 'string', value: v },
    )
    if (o.polyline) {
      return {
        ...base,
        type: 'patrol',
        x: o.x * tile,
        y: o.y * tile,
        width: 0,
        height: 0,
        polyline: o.polyline.map(([px, py]) => ({ x: (px - o.x) * tile + 16, y: (py - o.y) * tile + 16 })),
      }
    }
    if (o.type === 'portal')
      return {
        ...base,
        type: o.type,
        x: o.x * tile,
        y: o.y * tile,
        width: (o.w ?? 1) * tile,
        height: (o.h ?? 1) * tile,
        properties,
      }
    return {
      ...base,
      type: o.type,
      x: o.x * tile + 16,
      y: o.y * tile + 16,
      width: 0,
      height: 0,
      point: true,
      ...(properties.length ? { properties } : {}),
    }
  })
  layers.push({
    id: layers.length + 1,
    name: 'objects',
    type: 'objectgroup',
    draworder: 'topdown',
    visible: true,
    opacity: 1,
    x: 0,
    y: 0,
    objects: objs,
  })
  return `${JSON.stringify(
    {
      type: 'map',
      version: '1.10',
      tiledversion: '1.11.2',
      orientation: 'orthogonal',
      renderorder: 'right-down',
      infinite: true,
      width: map.width,
      height: map.height,
      tilewidth: tile,
      tileheight: tile,
      nextlayerid: layers.length + 1,
      nextobjectid: nextId,
      properties: Object.entries(opts.properties ?? {}).map(([name, value]) => ({
        name,
        type: 'string',
        value,
      })),
      tilesets: [{ firstgid: 1, source: opts.tilesetSource }],
      layers,
    },
    null,
    1,
  )}\n`
}

function le32(gids: number[]): Buffer {
  const b = Buffer.alloc(gids.length * 4)
  gids.forEach((g, i) => {
    b.writeUInt32LE(g >>> 0, i * 4)
  })
  return b
}
