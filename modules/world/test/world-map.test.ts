import { describe, expect, it } from 'vitest'
import type { TiledMap, TileInfo, TileLayer, Tileset } from '../src/maps/tiled-types.ts'
import { CHUNK_SIZE, WorldMap } from '../src/maps/world-map.ts'
import { parseXml, XmlError } from '../src/maps/xml.ts'

const tileset: Tileset = {
  name: 't',
  firstGid: 1,
  tileWidth: 32,
  tileHeight: 32,
  tileCount: 8,
  columns: 4,
  margin: 0,
  spacing: 0,
  image: { path: 't.png', width: 128, height: 64 },
  tiles: new Map<number, TileInfo>([
    [1, { properties: { walkable: false } }],
    [2, { properties: { collision: true } }],
    [3, { properties: { collision: 'true' } }],
  ]),
}

/** Layers from rows of digits (the gid; 0 empty). */
function mapOf(layers: Record<string, string[]>, opts: Partial<TiledMap> = {}): WorldMap {
  const rows = Object.values(layers)[0]!
  const width = rows[0]!.length
  const height = rows.length
  const tileLayers: TileLayer[] = Object.entries(layers).map(([name, r]) => ({
    name: name.replace(/#.*/, ''),
    groups: [],
    visible: !name.includes('#hidden'),
    opacity: 1,
    properties: {},
    gids: Uint32Array.from(r.join('').split('').map(Number)),
    flips: null,
  }))
  return new WorldMap({
    id: 'm',
    file: 'maps/m.tmx',
    infinite: false,
    originX: 0,
    originY: 0,
    width,
    height,
    tileWidth: 32,
    tileHeight: 32,
    properties: {},
    tilesets: [tileset],
    layers: tileLayers,
    playerSpawns: [{ name: 'default', x: 1, y: 1 }],
    entitySpawns: [],
    portals: [],
    objects: [],
    ...opts,
  })
}

describe('parseXml', () => {
  it('reads elements, attributes, entities, CDATA and comments', () => {
    const el = parseXml(
      `<?xml version="1.0"?>\n<!DOCTYPE map>\n<!-- c -->\n<a x="1 &amp; &lt;2&gt;" y='&#65;&#x42;'><b/>t&apos;<![CDATA[<raw>]]><c></c></a>`,
    )
    expect(el.name).toBe('a')
    expect(el.attrs).toEqual({ x: '1 & <2>', y: 'AB' })
    expect(el.children.map((c) => c.name)).toEqual(['b', 'c'])
    expect(el.text).toBe("t'<raw>")
  })

  it.each([
    ['<a><b></a>', /closing tag <\/a> does not match <b>/],
    ['<a x=1/>', /must be quoted/],
    ['<a x="1" x="2"/>', /duplicate attribute/],
    ['<a>&nope;</a>', /unknown entity/],
    ['<a/><b/>', /more than one root/],
    ['<a>', /never closed/],
    ['', /no root element/],
  ])('rejects %s with a position', (src, pattern) => {
    const err = (() => {
      try {
        parseXml(src)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(XmlError)
    expect((err as Error).message).toMatch(pattern)
    expect((err as Error).message).toMatch(/line \d+, column \d+/)
  })
})

describe('WorldMap', () => {
  it('blocks tiles on blocking-named layers (any case), by tile properties, void tiles and out of bounds', () => {
    const m = mapOf({
      ground: ['1111', '1111', '1110'],
      Water: ['0000', '1000', '0000'],
      BUILDING: ['0000', '0000', '1000'],
      decoration: ['0234', '0000', '0000'],
    })
    expect(m.isWalkable(0, 0)).toBe(true)
    expect(m.isWalkable(1, 0)).toBe(false) // gid 2 → walkable=false
    expect(m.isWalkable(2, 0)).toBe(false) // gid 3 → collision=true
    expect(m.isWalkable(3, 0)).toBe(false) // gid 4 → collision="true" (string property)
    expect(m.isWalkable(0, 1)).toBe(false) // Water layer
    expect(m.isWalkable(0, 2)).toBe(false) // BUILDING layer
    expect(m.isWalkable(3, 2)).toBe(false) // nothing on any layer
    expect(m.isWalkable(1, 1)).toBe(true)
    expect([m.isWalkable(-1, 0), m.isWalkable(4, 0), m.isWalkable(0, 3), m.isWalkable(0.5, 0)]).toEqual([
      false,
      false,
      false,
      false,
    ])
    expect(m.gidsAt(1, 0)).toEqual([1, 0, 0, 2])
    expect(m.gidsAt(-5, 0)).toEqual([0, 0, 0, 0])
  })

  it('builds 16×16 chunks with per-layer gids and a walkability bitmask, not walkable past the edge', () => {
    const rows = Array.from({ length: 20 }, (_, y) =>
      '1'
        .repeat(18)
        .split('')
        .map((c, x) => (x === 3 && y === 2 ? '0' : c))
        .join(''),
    )
    const m = mapOf({
      ground: rows,
      obstacles: rows.map((_r, y) => (y === 17 ? `${'0'.repeat(17)}1` : '0'.repeat(18))),
      'roofs#hidden': rows,
    })
    const c = m.chunk(0, 0)
    expect([c.cx, c.cy, c.x, c.y, c.size]).toEqual([0, 0, 0, 0, CHUNK_SIZE])
    expect(c.layers.map((l) => l.name)).toEqual(['ground']) // hidden layers and empty layers are left out
    expect(c.layers[0]!.gids).toHaveLength(256)
    expect(c.layers[0]!.gids[2 * 16 + 3]).toBe(0)
    expect(c.walkable[0]).toBe(0xffff)
    expect(c.walkable[2]).toBe(0xffff & ~(1 << 3))
    const edge = m.chunk(1, 1) // tiles 16..31: only x 16–17, y 16–19 exist
    expect(edge.layers.map((l) => l.name)).toEqual(['ground', 'obstacles'])
    expect(edge.walkable[0]).toBe(0b11)
    expect(edge.walkable[1]).toBe(0b01) // (17,17) has an obstacle
    expect(edge.walkable[4]).toBe(0)
    expect(edge.layers[0]!.gids[4 * 16]).toBe(0)
    const nowhere = m.chunk(5, 5)
    expect(nowhere.layers).toEqual([])
    expect(nowhere.walkable.every((r) => r === 0)).toBe(true)
  })

  it('carries flip bits into chunks only where a layer has them', () => {
    const m = mapOf({ ground: ['11', '11'] })
    ;(m.layers[0] as { flips: Uint8Array | null }).flips = Uint8Array.from([8, 0, 0, 2])
    const c = m.chunk(0, 0)
    expect(c.layers[0]!.flips![0]).toBe(8)
    expect(c.layers[0]!.flips![17]).toBe(2)
  })

  it('lists the chunks around a tile that overlap the map', () => {
    const rows = Array.from({ length: 40 }, () => '1'.repeat(40))
    const m = mapOf({ ground: rows })
    expect(m.chunksAround(20, 20, 1).map((c) => [c.cx, c.cy])).toHaveLength(9)
    expect(m.chunksAround(0, 0, 1).map((c) => [c.cx, c.cy])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ])
    expect(m.chunksAround(39, 39, 2)).toHaveLength(9)
  })

  it('keeps a valid saved position and replaces an invalid one by a spiral search from it', () => {
    const m = mapOf({
      ground: ['11111', '11111', '11111', '11111', '11111'],
      water: ['00000', '01110', '01110', '01110', '00000'],
    })
    expect(m.findSpawnPosition({ x: 0, y: 4 })).toEqual({ x: 0, y: 4 })
    // From the lake's centre the nearest shore is two rings out; straight sides beat corners.
    expect(m.findSpawnPosition({ x: 2, y: 2 })).toEqual({ x: 2, y: 0 })
    expect(m.findSpawnPosition({ x: 1, y: 2 })).toEqual({ x: 0, y: 2 })
    expect(m.findSpawnPosition({ x: 99, y: -5 })).toEqual({ x: 4, y: 0 })
  })

  it('falls back to the player spawn when the search finds nothing nearby or there is no saved position', () => {
    const m = mapOf(
      { ground: ['1111111111'], water: ['1111111000'] },
      { playerSpawns: [{ name: 'default', x: 8, y: 0 }] },
    )
    expect(m.findSpawnPosition({ x: 0, y: 0 }, 3)).toEqual({ x: 8, y: 0 })
    expect(m.findSpawnPosition(null)).toEqual({ x: 8, y: 0 })
    expect(m.findSpawnPosition({ x: 0, y: 0 }, 7)).toEqual({ x: 7, y: 0 })
    expect(m.spawnPoint('nope')).toBeUndefined()
  })
})
