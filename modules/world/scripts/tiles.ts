/**
 * The tile catalogue shared by the art and map scripts: the order of tiles in each tileset image and the Tiled
 * properties each carries. Changing the order changes every map's gids, so append rather than insert.
 */

export type TileProps = { walkable?: boolean; collision?: boolean }

export interface TileSpec {
  readonly name: string
  readonly props?: TileProps
}

const solid: TileProps = { collision: true }
const water: TileProps = { walkable: false }

/** Road variants: bit 1 = grass to the north, 2 = east, 4 = south, 8 = west. */
const roads: TileSpec[] = Array.from({ length: 16 }, (_, m) => ({ name: `road_${m}` }))
/** Water variants: the same bits for land on each side. */
const waters: TileSpec[] = Array.from({ length: 16 }, (_, m) => ({ name: `water_${m}`, props: water }))

export const TERRAIN_TILES: readonly TileSpec[] = [
  { name: 'grass' },
  { name: 'grass_b' },
  { name: 'grass_c' },
  { name: 'forest_floor' },
  { name: 'dirt' },
  { name: 'sand' },
  { name: 'cobble' },
  { name: 'bridge_h' },
  ...roads,
  ...waters,
  { name: 'tree', props: solid },
  { name: 'pine', props: solid },
  { name: 'bush', props: solid },
  { name: 'flowers_red' },
  { name: 'flowers_yellow' },
  { name: 'rock', props: solid },
  { name: 'stump', props: solid },
  { name: 'tall_grass' },
  { name: 'roof_tl', props: solid },
  { name: 'roof_t', props: solid },
  { name: 'roof_tr', props: solid },
  { name: 'roof_l', props: solid },
  { name: 'roof_m', props: solid },
  { name: 'roof_r', props: solid },
  { name: 'roof_bl', props: solid },
  { name: 'roof_b', props: solid },
  { name: 'roof_br', props: solid },
  { name: 'wall_l', props: solid },
  { name: 'wall', props: solid },
  { name: 'wall_r', props: solid },
  { name: 'wall_window', props: solid },
  { name: 'door', props: solid },
  { name: 'stone_wall', props: solid },
  { name: 'stone_wall_top', props: solid },
  { name: 'fence_h', props: solid },
  { name: 'fence_v', props: solid },
  { name: 'sign', props: solid },
  { name: 'well', props: solid },
  { name: 'barrel', props: solid },
  { name: 'crate', props: solid },
  { name: 'cave_entrance' },
  { name: 'lamp', props: solid },
  { name: 'bridge_v' },
  { name: 'mushrooms' },
  { name: 'stall', props: solid },
  { name: 'hay', props: solid },
  { name: 'collision', props: solid },
  { name: 'log', props: solid },
  { name: 'reeds' },
  { name: 'dirt_path' },
  { name: 'cliff', props: solid },
  { name: 'cliff_top', props: solid },
  { name: 'campfire', props: solid },
  { name: 'tent', props: solid },
  { name: 'cliff_top_b', props: solid },
  { name: 'cliff_top_c', props: solid },
]

export const DUNGEON_TILES: readonly TileSpec[] = [
  { name: 'cave_floor' },
  { name: 'cave_floor_b' },
  { name: 'cave_floor_c' },
  { name: 'cave_rock', props: solid },
  { name: 'cave_face', props: solid },
  { name: 'cave_torch', props: solid },
  { name: 'ore_copper', props: solid },
  { name: 'ore_tin', props: solid },
  { name: 'ore_iron', props: solid },
  { name: 'stalagmite', props: solid },
  { name: 'puddle' },
  { name: 'bones' },
  { name: 'crystals', props: solid },
  { name: 'rubble' },
  { name: 'cave_exit' },
  { name: 'glow_mushrooms' },
]

export const TILE_SIZE = 32
export const TILESET_COLUMNS = 8

/** Name → gid for a tileset starting at `firstGid`. */
export function gidsOf(tiles: readonly TileSpec[], firstGid: number): Record<string, number> {
  return Object.fromEntries(tiles.map((t, i) => [t.name, firstGid + i]))
}
