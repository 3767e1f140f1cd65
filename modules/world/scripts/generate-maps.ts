/**
 * Writes the starter world's maps from the layouts in map-layouts.ts, as Tiled saves them:
 *   town.tmx   — TMX, CSV layers, external terrain.tsx
 *   forest.tmj — JSON, infinite (16×16 chunks, base64 + zlib), placed at negative coordinates, external terrain.tsx
 *   cave.tmx   — TMX, base64 + gzip layers inside a group layer, external dungeon.tsj
 *
 *   npx tsx modules/world/scripts/generate-maps.ts
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildCave, buildOutdoor, type MapObject, writeInfiniteJson, writeTmx } from './map-build.ts'
import { CAVE, FOREST, TOWN } from './map-layouts.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const maps = path.join(here, '..', 'content', 'maps')
/** Where the forest layout's top-left tile sits in world coordinates (a multiple of 16). */
const FOREST_ORIGIN = { x: -16, y: -16 }

const spawn = (
  entityId: string,
  x: number,
  y: number,
  extra: Record<string, number | { object: number }> = {},
): MapObject => ({
  type: 'entity_spawn',
  name: entityId,
  x,
  y,
  props: { entity_id: entityId, ...extra },
})

const townObjects: MapObject[] = [
  { type: 'player_spawn', name: 'default', x: 24, y: 17 },
  { type: 'player_spawn', name: 'from_forest', x: 45, y: 16 },
  {
    type: 'portal',
    name: 'to_forest',
    x: 47,
    y: 16,
    h: 2,
    props: { target_map: 'forest', target_spawn: 'from_town' },
  },
  spawn('village_guard', 41, 17, { wander_radius: 1 }),
  spawn('village_guard', 26, 19),
  spawn('merchant', 20, 13),
  spawn('quest_giver', 6, 7),
  spawn('giant_rat', 9, 32),
  spawn('giant_rat', 36, 32),
]

const forestObjects: MapObject[] = [
  { type: 'player_spawn', name: 'from_town', x: 2, y: 22 },
  { type: 'player_spawn', name: 'from_cave', x: 53, y: 12 },
  {
    type: 'portal',
    name: 'to_town',
    x: 0,
    y: 22,
    h: 2,
    props: { target_map: 'town', target_spawn: 'from_forest' },
  },
  {
    type: 'portal',
    name: 'to_cave',
    x: 53,
    y: 10,
    props: { target_map: 'cave', target_spawn: 'from_forest' },
  },
  {
    type: 'patrol',
    id: 90,
    x: 31,
    y: 29,
    polyline: [
      [31, 29],
      [37, 29],
      [37, 33],
      [31, 33],
    ],
  },
  spawn('goblin', 31, 29, { patrol_route: { object: 90 } }),
  spawn('goblin', 34, 31),
  spawn('goblin', 37, 33, { aggro_radius: 6 }),
  spawn('giant_rat', 12, 21),
  spawn('giant_rat', 40, 18),
  spawn('giant_rat', 18, 27),
  spawn('forest_bear', 29, 38, { wander_radius: 3 }),
]

const caveObjects: MapObject[] = [
  { type: 'player_spawn', name: 'from_forest', x: 15, y: 22 },
  {
    type: 'portal',
    name: 'to_forest',
    x: 15,
    y: 23,
    props: { target_map: 'forest', target_x: 53 + FOREST_ORIGIN.x, target_y: 12 + FOREST_ORIGIN.y },
  },
  spawn('goblin', 8, 5),
  spawn('goblin', 20, 11),
  spawn('goblin', 24, 17, { disengage_radius: 10 }),
  spawn('giant_rat', 5, 13),
  spawn('giant_rat', 22, 6),
]

const WALKABLE_OUTDOOR = new Set(['.', ',', '"', '=', ':', 's', 'V', 'H', 'd', 'e', 'f', 'y', 'm', 'w', 'E'])
const WALKABLE_CAVE = new Set(['.', 'p', 'X', 'k', 'u', 'g'])

/** Fails early, naming the object, when a spawn or portal sits on something solid in the layout. */
function checkPlacement(
  name: string,
  rows: readonly string[],
  objects: readonly MapObject[],
  walkable: ReadonlySet<string>,
): void {
  for (const o of objects) {
    if (o.polyline) {
      for (const [x, y] of o.polyline)
        if (!walkable.has(rows[y]?.[x] ?? '#'))
          throw new Error(`${name}: patrol point (${x},${y}) is on "${rows[y]?.[x]}"`)
      continue
    }
    const c = rows[o.y]?.[o.x]
    if (!walkable.has(c ?? '#'))
      throw new Error(`${name}: ${o.type} ${o.name ?? ''} at (${o.x},${o.y}) is on "${c}"`)
  }
}

checkPlacement('town', TOWN, townObjects, WALKABLE_OUTDOOR)
checkPlacement('forest', FOREST, forestObjects, WALKABLE_OUTDOOR)
checkPlacement('cave', CAVE, caveObjects, WALKABLE_CAVE)

writeFileSync(
  path.join(maps, 'town.tmx'),
  writeTmx(buildOutdoor(TOWN), townObjects, {
    tilesetSource: '../tilesets/terrain.tsx',
    encoding: 'csv',
    properties: { title: 'Millbrook' },
  }),
)
writeFileSync(
  path.join(maps, 'forest.tmj'),
  writeInfiniteJson(buildOutdoor(FOREST, { forest: true }), forestObjects, {
    tilesetSource: '../tilesets/terrain.tsx',
    origin: FOREST_ORIGIN,
    properties: { title: 'Whisperwood' },
  }),
)
writeFileSync(
  path.join(maps, 'cave.tmx'),
  writeTmx(buildCave(CAVE), caveObjects, {
    tilesetSource: '../tilesets/dungeon.tsj',
    encoding: 'base64-gzip',
    properties: { title: 'The old mine' },
  }),
)
console.log('wrote town.tmx, forest.tmj, cave.tmx')
