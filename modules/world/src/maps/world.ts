import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { loadTiledMap, MAP_EXTENSIONS } from './tiled.ts'
import type { RawTileset } from './tiled-raw.ts'
import { type Point, type Portal, TiledError } from './tiled-types.ts'
import { WorldMap } from './world-map.ts'

export interface Destination {
  readonly map: string
  readonly x: number
  readonly y: number
}

/** All maps of a world, checked against each other: portals land on walkable tiles of maps that exist. */
export class World {
  readonly maps: ReadonlyMap<string, WorldMap>
  private readonly destinations = new Map<Portal, Destination>()

  constructor(maps: readonly WorldMap[], options: { knownEntities?: ReadonlySet<string> } = {}) {
    const byId = new Map<string, WorldMap>()
    for (const m of maps) {
      const other = byId.get(m.id)
      if (other) throw new TiledError(m.file, `map id "${m.id}" is also used by ${other.file}`)
      byId.set(m.id, m)
    }
    this.maps = byId
    for (const m of maps) this.validate(m, options.knownEntities)
  }

  /** A map by id. */
  map(id: string): WorldMap | undefined {
    return this.maps.get(id)
  }

  /** Where a portal leads (validated when the world was built). */
  destination(portal: Portal): Destination {
    const d = this.destinations.get(portal)
    if (!d) throw new Error(`portal ${portal.objectId} does not belong to this world`)
    return d
  }

  private validate(m: WorldMap, knownEntities: ReadonlySet<string> | undefined): void {
    const fail = (problem: string): never => {
      throw new TiledError(m.file, problem)
    }
    if (m.playerSpawns.length === 0) fail('has no player_spawn object')
    for (const s of m.playerSpawns) {
      if (!m.isWalkable(s.x, s.y))
        fail(`player_spawn "${s.name}" at (${s.x},${s.y}) is not on a walkable tile`)
    }
    for (const e of m.entitySpawns) {
      if (knownEntities && !knownEntities.has(e.entityId)) {
        fail(`entity_spawn ${e.objectId} names unknown NPC "${e.entityId}"`)
      }
      if (!m.isWalkable(e.x, e.y))
        fail(`entity_spawn ${e.objectId} (${e.entityId}) at (${e.x},${e.y}) is not walkable`)
      for (const p of e.patrol ?? []) {
        if (!m.isWalkable(p.x, p.y))
          fail(`entity_spawn ${e.objectId} patrol point (${p.x},${p.y}) is not walkable`)
      }
    }
    for (const p of m.portals) {
      const label = `portal ${p.objectId}${p.name ? ` "${p.name}"` : ''}`
      if (!tilesOf(p).some((t) => m.isWalkable(t.x, t.y))) fail(`${label} covers no walkable tile`)
      const target = this.maps.get(p.targetMap)
      if (!target) throw new TiledError(m.file, `${label} leads to unknown map "${p.targetMap}"`)
      let at: Point
      if (p.target.kind === 'spawn') {
        const spawn = target.spawnPoint(p.target.name)
        if (!spawn) {
          throw new TiledError(
            m.file,
            `${label} leads to spawn "${p.target.name}", which map "${target.id}" does not have`,
          )
        }
        at = spawn
      } else at = p.target
      if (!target.isWalkable(at.x, at.y))
        fail(`${label} lands on (${at.x},${at.y}) of "${target.id}", which is not walkable`)
      if (target.portalAt(at.x, at.y))
        fail(`${label} lands on a portal tile of "${target.id}" at (${at.x},${at.y})`)
      this.destinations.set(p, { map: target.id, x: at.x, y: at.y })
    }
  }
}

/** The tiles a portal covers. */
export function tilesOf(p: Portal): Point[] {
  const out: Point[] = []
  for (let y = p.area.y; y < p.area.y + p.area.height; y++)
    for (let x = p.area.x; x < p.area.x + p.area.width; x++) out.push({ x, y })
  return out
}

/**
 * Loads every map (.tmx, .tmj, .json) in `<contentRoot>/<mapsDir>` and validates the world. External tilesets
 * shared by several maps are read once.
 */
export async function loadWorld(
  contentRoot: string,
  options: { mapsDir?: string; knownEntities?: ReadonlySet<string> } = {},
): Promise<World> {
  const dir = path.join(contentRoot, options.mapsDir ?? 'maps')
  const files = (await readdir(dir))
    .filter((f) => (MAP_EXTENSIONS as readonly string[]).includes(path.extname(f).toLowerCase()))
    .sort()
  const tilesetCache = new Map<string, Promise<RawTileset>>()
  const maps: WorldMap[] = []
  for (const f of files)
    maps.push(new WorldMap(await loadTiledMap(path.join(dir, f), { contentRoot, tilesetCache })))
  return new World(maps, options.knownEntities ? { knownEntities: options.knownEntities } : {})
}
