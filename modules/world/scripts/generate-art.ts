/**
 * Draws Tavern's starter art — tilesets, character and NPC sprite sheets, item icons — and writes them with their
 * Tiled tileset files and JSON manifests into content/. Everything is procedural and deterministic, so running it
 * again gives byte-identical files.
 *
 *   npx tsx modules/world/scripts/generate-art.ts [--preview <dir>]
 *
 * `--preview` also writes 3× enlargements there for looking at.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  barrel,
  campfire,
  cliff,
  cliffCave,
  cliffTop,
  collisionMarker,
  crate,
  fence,
  hay,
  lamp,
  roof,
  sign,
  stall,
  stoneWall,
  stoneWallTop,
  tent,
  wall,
  well,
} from './art-buildings.ts'
import * as dungeon from './art-dungeon.ts'
import {
  bridgeTile,
  cobbleTile,
  DIRT,
  dirtTexture,
  GRASS,
  grassTexture,
  paint,
  roadTile,
  SAND,
  waterTile,
} from './art-ground.ts'
import { drawIcon, MATERIALS } from './art-icons.ts'
import { bush, flowers, log, mushrooms, pine, reeds, rock, stump, tallGrass, tree } from './art-objects.ts'
import { drawBear, drawHumanoid, drawRat, FACINGS, FRAMES, type Humanoid } from './art-sprites.ts'
import { Canvas, hex, mix } from './canvas.ts'
import { encodePng } from './png.ts'
import { DUNGEON_TILES, TERRAIN_TILES, TILE_SIZE, TILESET_COLUMNS, type TileSpec } from './tiles.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const content = path.join(here, '..', 'content')
const previewDir = process.argv.includes('--preview')
  ? process.argv[process.argv.indexOf('--preview') + 1]
  : undefined

const terrainArt: Record<string, () => Canvas> = {
  grass: () => paint(grassTexture(1)),
  grass_b: () => paint(grassTexture(2)),
  grass_c: () => paint(grassTexture(3, GRASS, 3)),
  forest_floor: () => {
    // Same grass as everywhere else, strewn with fallen leaves, so it can sit next to plain grass without a seam.
    const g = grassTexture(1)
    const leaves = [hex('#8a5a2a'), hex('#b07a34'), hex('#6a4a24'), hex('#c89a4a')]
    const fallen = new Map<number, (typeof leaves)[number]>()
    for (let i = 0; i < 22; i++) fallen.set((i * 383 + 97) % 1024, leaves[i % leaves.length]!)
    return paint((x, y) => fallen.get(y * 32 + x) ?? fallen.get(y * 32 + x - 1) ?? g(x, y))
  },
  dirt: () => paint(dirtTexture(11)),
  sand: () => paint(dirtTexture(12, SAND, 5)),
  cobble: cobbleTile,
  bridge_h: () => bridgeTile(false),
  bridge_v: () => bridgeTile(true),
  dirt_path: () => paint(dirtTexture(13, { ...DIRT, base: mix(DIRT.base, DIRT.dark, 0.25) }, 6)),
  tree,
  pine,
  bush,
  flowers_red: () => flowers(hex('#e0485a')),
  flowers_yellow: () => flowers(hex('#f2cf3e')),
  rock,
  stump,
  tall_grass: tallGrass,
  roof_tl: () => roof('t', 'l'),
  roof_t: () => roof('t', 'm'),
  roof_tr: () => roof('t', 'r'),
  roof_l: () => roof('m', 'l'),
  roof_m: () => roof('m', 'm'),
  roof_r: () => roof('m', 'r'),
  roof_bl: () => roof('b', 'l'),
  roof_b: () => roof('b', 'm'),
  roof_br: () => roof('b', 'r'),
  wall_l: () => wall('l'),
  wall: () => wall('m'),
  wall_r: () => wall('r'),
  wall_window: () => wall('m', 'window'),
  door: () => wall('m', 'door'),
  stone_wall: stoneWall,
  stone_wall_top: stoneWallTop,
  fence_h: () => fence(false),
  fence_v: () => fence(true),
  sign,
  well,
  barrel,
  crate,
  cave_entrance: cliffCave,
  cliff,
  cliff_top: () => cliffTop(0),
  cliff_top_b: () => cliffTop(1),
  cliff_top_c: () => cliffTop(2),
  campfire,
  tent,
  lamp,
  mushrooms: () => mushrooms(hex('#d0383a')),
  stall,
  hay,
  collision: collisionMarker,
  log,
  reeds,
}
for (let m = 0; m < 16; m++) {
  terrainArt[`road_${m}`] = () => roadTile(m)
  terrainArt[`water_${m}`] = () => waterTile(m)
}

const dungeonArt: Record<string, () => Canvas> = {
  cave_floor: () => dungeon.caveFloor(1),
  cave_floor_b: () => dungeon.caveFloor(2),
  cave_floor_c: () => dungeon.caveFloor(3),
  cave_rock: dungeon.caveRock,
  cave_face: dungeon.caveFace,
  cave_torch: dungeon.caveTorch,
  ore_copper: () => dungeon.oreRock([MATERIALS.copper[2], MATERIALS.copper[3]]),
  ore_tin: () => dungeon.oreRock([MATERIALS.tin[2], MATERIALS.tin[3]]),
  ore_iron: () => dungeon.oreRock([hex('#9a5a44'), hex('#c88a6a')]),
  stalagmite: dungeon.stalagmite,
  puddle: dungeon.puddle,
  bones: dungeon.bones,
  crystals: dungeon.crystals,
  rubble: dungeon.rubble,
  cave_exit: dungeon.caveExit,
  glow_mushrooms: dungeon.glowMushrooms,
}

function sheetOf(tiles: readonly TileSpec[], art: Record<string, () => Canvas>): Canvas {
  const rows = Math.ceil(tiles.length / TILESET_COLUMNS)
  const sheet = new Canvas(TILESET_COLUMNS * TILE_SIZE, rows * TILE_SIZE)
  tiles.forEach((t, i) => {
    const draw = art[t.name]
    if (!draw) throw new Error(`no art for tile "${t.name}"`)
    sheet.draw(draw(), (i % TILESET_COLUMNS) * TILE_SIZE, Math.floor(i / TILESET_COLUMNS) * TILE_SIZE)
  })
  return sheet
}

function tsx(name: string, image: string, tiles: readonly TileSpec[], sheet: Canvas): string {
  const props = tiles
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => t.props)
    .map(({ t, i }) => {
      const inner = Object.entries(t.props!)
        .map(([k, v]) => `   <property name="${k}" type="bool" value="${v}"/>`)
        .join('\n')
      return ` <tile id="${i}">\n  <properties>\n${inner}\n  </properties>\n </tile>`
    })
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<tileset version="1.10" tiledversion="1.11.2" name="${name}" tilewidth="${TILE_SIZE}" tileheight="${TILE_SIZE}" tilecount="${tiles.length}" columns="${TILESET_COLUMNS}">
 <image source="${image}" width="${sheet.width}" height="${sheet.height}"/>
${props}
</tileset>
`
}

function tsj(name: string, image: string, tiles: readonly TileSpec[], sheet: Canvas): string {
  return `${JSON.stringify(
    {
      type: 'tileset',
      version: '1.10',
      tiledversion: '1.11.2',
      name,
      tilewidth: TILE_SIZE,
      tileheight: TILE_SIZE,
      tilecount: tiles.length,
      columns: TILESET_COLUMNS,
      margin: 0,
      spacing: 0,
      image,
      imagewidth: sheet.width,
      imageheight: sheet.height,
      tiles: tiles
        .map((t, id) => ({ t, id }))
        .filter(({ t }) => t.props)
        .map(({ t, id }) => ({
          id,
          properties: Object.entries(t.props!).map(([n, v]) => ({ name: n, type: 'bool', value: v })),
        })),
    },
    null,
    2,
  )}\n`
}

type Frames = Record<string, [number, number][]>

const PLAYER_BODIES: Record<string, Humanoid> = {
  body_1: {
    skin: hex('#f2c8a0'),
    hair: hex('#6b4426'),
    hairStyle: 'short',
    shirt: hex('#3f6fb5'),
    pants: hex('#3b3b52'),
    shoes: hex('#4a3022'),
  },
  body_2: {
    skin: hex('#d9a070'),
    hair: hex('#2a2430'),
    hairStyle: 'long',
    shirt: hex('#b5453f'),
    pants: hex('#5a4030'),
    shoes: hex('#2e2420'),
  },
  body_3: {
    skin: hex('#8d5a3c'),
    hair: hex('#1e1614'),
    hairStyle: 'short',
    shirt: hex('#4f8f4a'),
    pants: hex('#40485a'),
    shoes: hex('#3a2a20'),
  },
  body_4: {
    skin: hex('#f6d8c0'),
    hair: hex('#e3c25a'),
    hairStyle: 'long',
    shirt: hex('#7a4fa5'),
    pants: hex('#2e3a4a'),
    shoes: hex('#4a3022'),
  },
}

const NPC_BODIES: Record<string, Humanoid> = {
  goblin: {
    skin: hex('#6fa84a'),
    hair: null,
    hairStyle: 'bald',
    shirt: hex('#6a4a2a'),
    pants: hex('#5a3a20'),
    shoes: hex('#3a2a1a'),
    eyes: hex('#d02a2a'),
    pointyEars: true,
    held: 'dagger',
    shorter: 3,
  },
  village_guard: {
    skin: hex('#e0b08a'),
    hair: hex('#4a3022'),
    hairStyle: 'short',
    shirt: hex('#8a909c'),
    pants: hex('#34384a'),
    shoes: hex('#2a2a30'),
    helmet: hex('#a9b3c0'),
    held: 'spear',
  },
  merchant: {
    skin: hex('#f0c09a'),
    hair: hex('#8a4a22'),
    hairStyle: 'long',
    shirt: hex('#c89a5a'),
    pants: hex('#5a4030'),
    shoes: hex('#3a2a20'),
    apron: hex('#4f8f4a'),
    hat: hex('#6e4526'),
  },
  quest_giver: {
    skin: hex('#e8c0a0'),
    hair: hex('#e8e4dc'),
    hairStyle: 'long',
    shirt: hex('#5a3a8a'),
    pants: hex('#3a2a5a'),
    shoes: hex('#2a2030'),
    robe: hex('#5a3a8a'),
    beard: hex('#f0ece4'),
    held: 'staff',
  },
}

/** Lays out humanoid rows (one per body): columns facing × frame. */
function humanoidSheet(
  bodies: Record<string, Humanoid>,
  extraHeight = 0,
): { sheet: Canvas; frames: Record<string, Frames> } {
  const names = Object.keys(bodies)
  const sheet = new Canvas(FACINGS.length * FRAMES * 32, names.length * 32 + extraHeight)
  const frames: Record<string, Frames> = {}
  names.forEach((name, row) => {
    frames[name] = {}
    FACINGS.forEach((facing, f) => {
      frames[name]![facing] = []
      for (let k = 0; k < FRAMES; k++) {
        const x = (f * FRAMES + k) * 32
        drawHumanoid(sheet, x, row * 32, bodies[name]!, facing, k)
        frames[name]![facing]!.push([x, row * 32])
      }
    })
  })
  return { sheet, frames }
}

function write(rel: string, data: string | Buffer): void {
  const file = path.join(content, rel)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, data)
}

function png(rel: string, c: Canvas): void {
  write(rel, encodePng(c.width, c.height, c.data))
  if (previewDir) {
    mkdirSync(previewDir, { recursive: true })
    const big = c.scaled(3)
    writeFileSync(path.join(previewDir, rel.replace(/\//g, '_')), encodePng(big.width, big.height, big.data))
  }
}

const ANIMATIONS = { idle: [0], walk: [1, 2] }

// Tilesets.
const terrain = sheetOf(TERRAIN_TILES, terrainArt)
png('tilesets/terrain.png', terrain)
write('tilesets/terrain.tsx', tsx('terrain', 'terrain.png', TERRAIN_TILES, terrain))
const dungeonSheet = sheetOf(DUNGEON_TILES, dungeonArt)
png('tilesets/dungeon.png', dungeonSheet)
write('tilesets/dungeon.tsj', tsj('dungeon', 'dungeon.png', DUNGEON_TILES, dungeonSheet))

// Player bodies.
const players = humanoidSheet(PLAYER_BODIES)
png('sprites/characters.png', players.sheet)
write(
  'sprites/characters.json',
  `${JSON.stringify({ image: 'characters.png', animations: ANIMATIONS, fps: 6, sprites: Object.fromEntries(Object.entries(players.frames).map(([k, frames]) => [k, { frameWidth: 32, frameHeight: 32, footprint: { width: 1, height: 1 }, frames }])) }, null, 2)}\n`,
)

// NPCs: humanoid rows, a rat row, then the bear in two rows of 64×64 frames.
const npcRows = humanoidSheet(NPC_BODIES, 32 + 128)
const npcSheet = npcRows.sheet
const npcSprites: Record<string, unknown> = {}
for (const [k, frames] of Object.entries(npcRows.frames))
  npcSprites[k] = { frameWidth: 32, frameHeight: 32, footprint: { width: 1, height: 1 }, frames }
const ratY = Object.keys(NPC_BODIES).length * 32
const ratFrames: Frames = {}
FACINGS.forEach((facing, f) => {
  ratFrames[facing] = []
  for (let k = 0; k < FRAMES; k++) {
    const x = (f * FRAMES + k) * 32
    drawRat(npcSheet, x, ratY, facing, k)
    ratFrames[facing]!.push([x, ratY])
  }
})
npcSprites.giant_rat = {
  frameWidth: 32,
  frameHeight: 32,
  footprint: { width: 1, height: 1 },
  frames: ratFrames,
}
const bearFrames: Frames = {}
FACINGS.forEach((facing, f) => {
  bearFrames[facing] = []
  for (let k = 0; k < FRAMES; k++) {
    const i = f * FRAMES + k
    const x = (i % 6) * 64
    const y = ratY + 32 + Math.floor(i / 6) * 64
    drawBear(npcSheet, x, y, facing, k)
    bearFrames[facing]!.push([x, y])
  }
})
npcSprites.forest_bear = {
  frameWidth: 64,
  frameHeight: 64,
  footprint: { width: 2, height: 2 },
  frames: bearFrames,
}
png('sprites/npcs.png', npcSheet)
write(
  'sprites/npcs.json',
  `${JSON.stringify({ image: 'npcs.png', animations: ANIMATIONS, fps: 6, sprites: npcSprites }, null, 2)}\n`,
)

// Item icons, one per item in items.json, in file order.
const items = JSON.parse(readFileSync(path.join(content, 'items.json'), 'utf8')) as {
  id: string
  icon?: string
}[]
const iconIds = [...new Set(items.map((i) => i.icon ?? i.id))]
const ICON_COLUMNS = 10
const iconSheet = new Canvas(ICON_COLUMNS * 32, Math.ceil(iconIds.length / ICON_COLUMNS) * 32)
const icons: Record<string, [number, number]> = {}
iconIds.forEach((id, i) => {
  const x = (i % ICON_COLUMNS) * 32
  const y = Math.floor(i / ICON_COLUMNS) * 32
  iconSheet.draw(drawIcon(id), x, y)
  icons[id] = [x, y]
})
png('icons/items.png', iconSheet)
write('icons/items.json', `${JSON.stringify({ image: 'items.png', size: 32, icons }, null, 2)}\n`)

// The manifests are committed JSON, so they are written in the repository's formatting.
const manifests = ['icons/items.json', 'sprites/characters.json', 'sprites/npcs.json'].map((f) =>
  path.join(content, f),
)
execFileSync('npx', ['biome', 'format', '--write', ...manifests], {
  stdio: 'ignore',
  cwd: path.join(here, '..', '..', '..'),
})
console.log(
  `terrain ${TERRAIN_TILES.length} tiles, dungeon ${DUNGEON_TILES.length} tiles, ${iconIds.length} icons`,
)
