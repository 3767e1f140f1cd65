import { symlink } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadTiledMap } from '../src/maps/tiled.ts'
import { FLIP_DIAGONAL, FLIP_HORIZONTAL, FLIP_VERTICAL, TiledError } from '../src/maps/tiled-types.ts'
import { base64, scratch } from './helpers.ts'

const TSX = `<?xml version="1.0" encoding="UTF-8"?>
<tileset version="1.10" tiledversion="1.11.2" name="base" tilewidth="32" tileheight="32" tilecount="4" columns="2">
 <image source="base.png" width="64" height="64"/>
 <tile id="1"><properties><property name="walkable" type="bool" value="false"/></properties></tile>
 <tile id="2"><properties><property name="collision" type="bool" value="true"/><property name="note">multi
line</property></properties></tile>
</tileset>`

const TSJ = JSON.stringify({
  type: 'tileset',
  name: 'extra',
  tilewidth: 32,
  tileheight: 32,
  tilecount: 2,
  columns: 2,
  image: 'extra.png',
  imagewidth: 64,
  imageheight: 32,
  tiles: [{ id: 0, properties: [{ name: 'collision', type: 'bool', value: true }] }],
})

// A 4×3 map: row 0 = 1 1 1 2, row 1 = 1 3 1 1, row 2 = 1 1 1 1.
const GIDS = [1, 1, 1, 2, 1, 3, 1, 1, 1, 1, 1, 1]
const csv = (g: readonly number[], w = 4) =>
  g
    .map((v, i) => `${v}${i === g.length - 1 ? '' : ','}${(i + 1) % w === 0 ? '\n' : ''}`)
    .join('')
    .trim()

function tmx(body: string, opts: { attrs?: string; tilesets?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" orientation="orthogonal" renderorder="right-down" width="4" height="3" tilewidth="32" tileheight="32" infinite="0" ${opts.attrs ?? ''}>
 ${opts.tilesets ?? '<tileset firstgid="1" source="../tilesets/base.tsx"/>'}
${body}
</map>`
}

const layer = (name: string, data: string, extra = '') =>
  ` <layer id="1" name="${name}" width="4" height="3"${extra}>\n  ${data}\n </layer>`

describe('loadTiledMap', () => {
  let s: Awaited<ReturnType<typeof scratch>>
  const load = (rel: string) => loadTiledMap(path.join(s.root, rel), { contentRoot: s.root })
  const failure = async (rel: string): Promise<TiledError> => {
    const err = await load(rel).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TiledError)
    return err as TiledError
  }

  beforeEach(async () => {
    s = await scratch()
    await s.write('tilesets/base.tsx', TSX)
    await s.write('tilesets/base.png', 'png')
    await s.write('tilesets/extra.tsj', TSJ)
    await s.write('tilesets/extra.png', 'png')
  })
  afterEach(() => s.done())

  it('reads TMX with CSV layers and an external TSX tileset, keyed by file name', async () => {
    await s.write('maps/meadow.tmx', tmx(layer('ground', `<data encoding="csv">\n${csv(GIDS)}\n</data>`)))
    const map = await load('maps/meadow.tmx')
    expect(map.id).toBe('meadow')
    expect(map.file).toBe('maps/meadow.tmx')
    expect([map.width, map.height, map.tileWidth, map.infinite]).toEqual([4, 3, 32, false])
    expect([...map.layers[0]!.gids]).toEqual(GIDS)
    const ts = map.tilesets[0]!
    expect(ts).toMatchObject({
      name: 'base',
      firstGid: 1,
      source: 'tilesets/base.tsx',
      tileCount: 4,
      columns: 2,
    })
    expect(ts.image).toEqual({ path: 'tilesets/base.png', width: 64, height: 64 })
    expect(ts.tiles.get(1)!.properties).toEqual({ walkable: false })
    expect(ts.tiles.get(2)!.properties).toEqual({ collision: true, note: 'multi\nline' })
  })

  it.each([
    ['uncompressed', '', base64.plain(GIDS)],
    ['zlib', ' compression="zlib"', base64.zlib(GIDS)],
    ['gzip', ' compression="gzip"', base64.gzip(GIDS)],
  ])('reads base64 %s layer data', async (_name, compression, data) => {
    await s.write(
      'maps/b.tmx',
      tmx(layer('ground', `<data encoding="base64"${compression}>\n   ${data}\n  </data>`)),
    )
    expect([...(await load('maps/b.tmx')).layers[0]!.gids]).toEqual(GIDS)
  })

  it('reads the old XML tile-per-element data format', async () => {
    const tiles = GIDS.map((g) => `<tile gid="${g}"/>`).join('')
    await s.write('maps/x.tmx', tmx(layer('ground', `<data>${tiles}</data>`)))
    expect([...(await load('maps/x.tmx')).layers[0]!.gids]).toEqual(GIDS)
  })

  it('masks flip flags off the gids and keeps them separately', async () => {
    const flipped = [...GIDS]
    flipped[0] = (1 | FLIP_HORIZONTAL) >>> 0
    flipped[5] = (3 | FLIP_VERTICAL | FLIP_DIAGONAL) >>> 0
    await s.write('maps/f.tmx', tmx(layer('ground', `<data encoding="csv">${csv(flipped)}</data>`)))
    const l = (await load('maps/f.tmx')).layers[0]!
    expect([...l.gids]).toEqual(GIDS)
    expect(l.flips![0]).toBe(0b1000)
    expect(l.flips![5]).toBe(0b0110)
    expect(l.flips![1]).toBe(0)
  })

  it('flattens group layers in drawing order and inherits their visibility', async () => {
    const body = `${layer('ground', `<data encoding="csv">${csv(GIDS)}</data>`)}
 <group id="5" name="town" visible="0">
  <layer id="6" name="roofs" width="4" height="3"><data encoding="csv">${csv(new Array(12).fill(0))}</data></layer>
  <group id="7" name="inner"><layer id="8" name="deep" width="4" height="3"><data encoding="csv">${csv(new Array(12).fill(0))}</data></layer></group>
 </group>
 <imagelayer id="9" name="sky"/>
 <layer id="10" name="top" width="4" height="3"><data encoding="csv">${csv(new Array(12).fill(0))}</data></layer>`
    await s.write('maps/g.tmx', tmx(body))
    const map = await load('maps/g.tmx')
    expect(map.layers.map((l) => [l.name, l.groups.join('/'), l.visible])).toEqual([
      ['ground', '', true],
      ['roofs', 'town', false],
      ['deep', 'town/inner', false],
      ['top', '', true],
    ])
  })

  it('reads spawns, NPC spawns with overrides and patrol routes, and portals from object layers', async () => {
    const objects = ` <objectgroup id="2" name="objects">
  <object id="1" name="default" type="player_spawn" x="40" y="40"><point/></object>
  <object id="2" class="entity_spawn" x="96" y="64" width="32" height="32">
   <properties>
    <property name="entity_id" value="giant_rat"/>
    <property name="wander_radius" type="int" value="2"/>
    <property name="aggro_radius" type="int" value="3"/>
    <property name="disengage_radius" type="int" value="9"/>
    <property name="patrol_route" type="object" value="5"/>
   </properties>
  </object>
  <object id="3" type="entity_spawn" x="0" y="64"><properties><property name="entity_id" value="goblin"/><property name="patrol_route" value="0,2 3,2"/></properties><point/></object>
  <object id="4" name="out" type="portal" x="64" y="0" width="64" height="32"><properties><property name="target_map" value="cave"/><property name="target_spawn" value="entry"/></properties></object>
  <object id="5" type="route" x="16" y="16"><polyline points="0,0 64,0 64,32"/></object>
  <object id="6" type="portal" x="0" y="0"><properties><property name="target_map" value="cave"/><property name="target_x" type="int" value="-3"/><property name="target_y" type="int" value="7"/></properties><point/></object>
  <object id="7" name="sign" type="sign" gid="1" x="32" y="96" width="32" height="32"/>
 </objectgroup>`
    await s.write('maps/o.tmx', tmx(layer('ground', `<data encoding="csv">${csv(GIDS)}</data>`) + objects))
    const map = await load('maps/o.tmx')
    expect(map.playerSpawns).toEqual([{ name: 'default', x: 1, y: 1 }])
    expect(map.entitySpawns).toEqual([
      {
        objectId: 2,
        entityId: 'giant_rat',
        x: 3,
        y: 2,
        wanderRadius: 2,
        aggroRadius: 3,
        disengageRadius: 9,
        patrol: [
          { x: 0, y: 0 },
          { x: 2, y: 0 },
          { x: 2, y: 1 },
        ],
      },
      {
        objectId: 3,
        entityId: 'goblin',
        x: 0,
        y: 2,
        patrol: [
          { x: 0, y: 2 },
          { x: 3, y: 2 },
        ],
      },
    ])
    expect(map.portals).toEqual([
      {
        objectId: 4,
        name: 'out',
        area: { x: 2, y: 0, width: 2, height: 1 },
        targetMap: 'cave',
        target: { kind: 'spawn', name: 'entry' },
      },
      {
        objectId: 6,
        name: '',
        area: { x: 0, y: 0, width: 1, height: 1 },
        targetMap: 'cave',
        target: { kind: 'tile', x: -3, y: 7 },
      },
    ])
    // Tile objects are anchored at their bottom-left corner: y=96 with height 32 covers row 2.
    expect(map.objects.find((o) => o.name === 'sign')).toMatchObject({ type: 'sign', x: 1, y: 2 })
  })

  it('reads JSON maps with array data, embedded tilesets and JSON properties', async () => {
    const json = {
      type: 'map',
      orientation: 'orthogonal',
      width: 4,
      height: 3,
      tilewidth: 32,
      tileheight: 32,
      infinite: false,
      properties: [{ name: 'title', type: 'string', value: 'Meadow' }],
      tilesets: [
        {
          firstgid: 1,
          name: 'inline',
          tilewidth: 32,
          tileheight: 32,
          tilecount: 4,
          columns: 2,
          image: '../tilesets/base.png',
          imagewidth: 64,
          imageheight: 64,
          tiles: [{ id: 2, properties: [{ name: 'collision', type: 'bool', value: true }] }],
        },
      ],
      layers: [
        { type: 'tilelayer', name: 'ground', width: 4, height: 3, data: GIDS },
        {
          type: 'objectgroup',
          name: 'objects',
          objects: [{ id: 1, name: 'default', type: 'player_spawn', x: 16, y: 16, point: true }],
        },
      ],
    }
    await s.write('maps/j.json', JSON.stringify(json))
    const map = await load('maps/j.json')
    expect(map.id).toBe('j')
    expect(map.properties).toEqual({ title: 'Meadow' })
    expect([...map.layers[0]!.gids]).toEqual(GIDS)
    expect(map.tilesets[0]!.source).toBeUndefined()
    expect(map.tilesets[0]!.image!.path).toBe('tilesets/base.png')
    expect(map.playerSpawns).toEqual([{ name: 'default', x: 0, y: 0 }])
  })

  it('reads infinite JSON maps from chunks (base64 + zlib and arrays) at negative coordinates, and .tsj tilesets', async () => {
    const chunk = (x: number, y: number, g: number[], enc: 'b' | 'a') => ({
      x,
      y,
      width: 2,
      height: 2,
      data: enc === 'b' ? base64.zlib(g) : g,
    })
    const json = {
      type: 'map',
      orientation: 'orthogonal',
      width: 4,
      height: 4,
      tilewidth: 32,
      tileheight: 32,
      infinite: true,
      tilesets: [
        { firstgid: 1, source: '../tilesets/base.tsx' },
        { firstgid: 5, source: '../tilesets/extra.tsj' },
      ],
      layers: [
        {
          type: 'tilelayer',
          name: 'ground',
          encoding: 'base64',
          compression: 'zlib',
          chunks: [chunk(-2, -2, [1, 1, 1, 1], 'b'), chunk(0, 0, [1, 5, 1, 6], 'b')],
        },
        { type: 'tilelayer', name: 'deco', chunks: [chunk(0, -2, [2, 0, 0, 0], 'a')] },
      ],
    }
    await s.write('maps/wild.tmj', JSON.stringify(json))
    const map = await load('maps/wild.tmj')
    expect([map.infinite, map.originX, map.originY, map.width, map.height]).toEqual([true, -2, -2, 4, 4])
    expect([...map.layers[0]!.gids]).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 5, 0, 0, 1, 6])
    expect([...map.layers[1]!.gids]).toEqual([0, 0, 2, 0, ...new Array(12).fill(0)])
    expect(map.tilesets.map((t) => [t.name, t.firstGid, t.source])).toEqual([
      ['base', 1, 'tilesets/base.tsx'],
      ['extra', 5, 'tilesets/extra.tsj'],
    ])
    expect(map.tilesets[1]!.tiles.get(0)!.properties).toEqual({ collision: true })
  })

  it('reads infinite TMX maps with CSV chunks and a TMX map with a .tsj tileset', async () => {
    const body = ` <layer id="1" name="ground" width="4" height="3"><data encoding="csv">
  <chunk x="16" y="-16" width="2" height="1">5,6</chunk>
  <chunk x="0" y="0" width="2" height="1">1,2</chunk>
 </data></layer>`
    await s.write(
      'maps/inf.tmx',
      tmx(body, {
        attrs: 'nextlayerid="2"',
        tilesets:
          '<tileset firstgid="1" source="../tilesets/base.tsx"/><tileset firstgid="5" source="../tilesets/extra.tsj"/>',
      }).replace('infinite="0"', 'infinite="1"'),
    )
    const map = await load('maps/inf.tmx')
    expect([map.originX, map.originY, map.width, map.height]).toEqual([0, -16, 18, 17])
    const at = (x: number, y: number) =>
      map.layers[0]!.gids[(y - map.originY) * map.width + (x - map.originX)]
    expect([at(16, -16), at(17, -16), at(0, 0), at(1, 0), at(5, -5)]).toEqual([5, 6, 1, 2, 0])
  })

  describe('rejects broken files with the file and the problem', () => {
    it.each([
      ['malformed XML', tmx('<layer name="a"><data encoding="csv">1</data>'), /never closed|does not match/],
      [
        'a wrong tile count',
        tmx(layer('ground', '<data encoding="csv">1,1,1</data>')),
        /layer "ground" data has 3 tiles, expected 12/,
      ],
      [
        'a gid outside every tileset',
        tmx(layer('ground', `<data encoding="csv">${csv([...GIDS.slice(0, 11), 99])}</data>`)),
        /tile \(3,2\): gid 99 belongs to no tileset/,
      ],
      [
        'zstd compression',
        tmx(layer('ground', '<data encoding="base64" compression="zstd">AAAA</data>')),
        /zstd compression, which Tavern cannot read/,
      ],
      [
        'an unknown encoding',
        tmx(layer('ground', '<data encoding="hex">00</data>')),
        /unknown encoding "hex"/,
      ],
      ['invalid base64', tmx(layer('ground', '<data encoding="base64">@@@</data>')), /not valid base64/],
      [
        'bad zlib data',
        tmx(layer('ground', '<data encoding="base64" compression="zlib">AAAAAA==</data>')),
        /could not be decompressed as zlib/,
      ],
      [
        'a non-orthogonal map',
        tmx(layer('ground', `<data encoding="csv">${csv(GIDS)}</data>`)).replace('orthogonal', 'isometric'),
        /only orthogonal/,
      ],
      [
        'a missing tileset file',
        tmx('', { tilesets: '<tileset firstgid="1" source="nope.tsx"/>' }),
        /tileset source: file "nope.tsx" does not exist/,
      ],
      [
        'a tileset escaping the content root',
        tmx('', { tilesets: '<tileset firstgid="1" source="../../../etc/passwd.tsx"/>' }),
        /escapes the content root/,
      ],
      [
        'an absolute tileset path',
        tmx('', { tilesets: '<tileset firstgid="1" source="/etc/base.tsx"/>' }),
        /is absolute/,
      ],
      [
        'a URL as tileset path',
        tmx('', { tilesets: '<tileset firstgid="1" source="http://x/base.tsx"/>' }),
        /is a URL/,
      ],
      [
        'an entity spawn without an entity id',
        tmx('<objectgroup name="o"><object id="3" type="entity_spawn" x="0" y="0"/></objectgroup>'),
        /object 3 on layer "o": entity_spawn needs a string property "entity_id"/,
      ],
      [
        'a portal without a target',
        tmx(
          '<objectgroup name="o"><object id="4" type="portal" x="0" y="0"><properties><property name="target_map" value="x"/></properties></object></objectgroup>',
        ),
        /either "target_x" and "target_y" or "target_spawn"/,
      ],
      [
        'a portal with both targets',
        tmx(
          '<objectgroup name="o"><object id="4" type="portal" x="0" y="0"><properties><property name="target_map" value="x"/><property name="target_spawn" value="a"/><property name="target_x" type="int" value="1"/></properties></object></objectgroup>',
        ),
        /exactly one of the two/,
      ],
      [
        'two spawns with one name',
        tmx(
          '<objectgroup name="o"><object id="1" type="player_spawn" x="0" y="0"/><object id="2" type="player_spawn" x="40" y="0"/></objectgroup>',
        ),
        /player_spawn named "default" already exists/,
      ],
      [
        'a patrol route pointing nowhere',
        tmx(
          '<objectgroup name="o"><object id="1" type="entity_spawn" x="0" y="0"><properties><property name="entity_id" value="rat"/><property name="patrol_route" type="object" value="42"/></properties></object></objectgroup>',
        ),
        /patrol_route points at object 42/,
      ],
      [
        'overlapping tilesets',
        tmx('', {
          tilesets:
            '<tileset firstgid="1" source="../tilesets/base.tsx"/><tileset firstgid="3" source="../tilesets/extra.tsj"/>',
        }),
        /overlap/,
      ],
      [
        'a non-integer property',
        tmx(
          '<objectgroup name="o"><object id="1" type="entity_spawn" x="0" y="0"><properties><property name="entity_id" value="rat"/><property name="wander_radius" type="int" value="lots"/></properties></object></objectgroup>',
        ),
        /"wander_radius" must be a number/,
      ],
    ])('%s', async (_name, text, pattern) => {
      await s.write('maps/bad.tmx', text)
      const err = await failure('maps/bad.tmx')
      expect(err.file).toBe('maps/bad.tmx')
      expect(err.message).toMatch(/^maps\/bad\.tmx: /)
      expect(err.problem).toMatch(pattern)
    })

    it('names the tileset file when the tileset itself is broken', async () => {
      await s.write(
        'tilesets/broken.tsx',
        '<tileset name="b" tilewidth="32" tileheight="32" tilecount="x" columns="1"/>',
      )
      await s.write(
        'maps/m.tmx',
        tmx('', { tilesets: '<tileset firstgid="1" source="../tilesets/broken.tsx"/>' }),
      )
      const err = await failure('maps/m.tmx')
      expect(err.file).toBe('tilesets/broken.tsx')
      expect(err.problem).toMatch(/tilecount must be a number/)
    })

    it('refuses a tileset image outside the content root', async () => {
      await s.write(
        'tilesets/evil.tsx',
        '<tileset name="e" tilewidth="32" tileheight="32" tilecount="1" columns="1"><image source="../../secret.png" width="32" height="32"/></tileset>',
      )
      await s.write(
        'maps/m.tmx',
        tmx('', { tilesets: '<tileset firstgid="1" source="../tilesets/evil.tsx"/>' }),
      )
      const err = await failure('maps/m.tmx')
      expect(err.message).toMatch(/tileset "e": image: path "..\/..\/secret.png" escapes the content root/)
    })

    it('refuses a symlink that leads out of the content root', async () => {
      const outside = await scratch()
      try {
        await outside.write('base.tsx', TSX)
        await symlink(path.join(outside.root, 'base.tsx'), path.join(s.root, 'tilesets', 'link.tsx'))
        await s.write(
          'maps/m.tmx',
          tmx('', { tilesets: '<tileset firstgid="1" source="../tilesets/link.tsx"/>' }),
        )
        expect((await failure('maps/m.tmx')).problem).toMatch(/leads outside the content root through a link/)
      } finally {
        await outside.done()
      }
    })

    it('rejects broken JSON and an infinite map with plain data', async () => {
      await s.write('maps/a.json', '{"type": "map", ')
      expect((await failure('maps/a.json')).problem).toMatch(/not valid JSON/)
      await s.write(
        'maps/b.json',
        JSON.stringify({
          type: 'map',
          orientation: 'orthogonal',
          width: 1,
          height: 1,
          tilewidth: 32,
          tileheight: 32,
          infinite: true,
          tilesets: [],
          layers: [{ type: 'tilelayer', name: 'g', data: [0] }],
        }),
      )
      expect((await failure('maps/b.json')).problem).toMatch(/has plain data, but the map is infinite/)
      const far = (x: number) => ({ x, y: x, width: 1, height: 1, data: [1] })
      await s.write(
        'maps/d.json',
        JSON.stringify({
          type: 'map',
          orientation: 'orthogonal',
          width: 1,
          height: 1,
          tilewidth: 32,
          tileheight: 32,
          infinite: true,
          tilesets: [{ firstgid: 1, source: '../tilesets/base.tsx' }],
          layers: [{ type: 'tilelayer', name: 'g', chunks: [far(-5000), far(5000)] }],
        }),
      )
      expect((await failure('maps/d.json')).problem).toMatch(/spans 10001×10001 tiles; at most 4194304/)
      await s.write('maps/c.txt', 'x')
      expect((await failure('maps/c.txt')).problem).toMatch(/unknown map extension/)
    })
  })
})
