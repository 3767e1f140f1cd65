import type { RawObject } from './tiled-raw.ts'
import type { EntitySpawn, MapObject, PlayerSpawn, Point, Portal, Properties } from './tiled-types.ts'

export interface LayerObject {
  readonly layer: string
  readonly object: RawObject
}

export interface InterpretedObjects {
  readonly playerSpawns: PlayerSpawn[]
  readonly entitySpawns: EntitySpawn[]
  readonly portals: Portal[]
  readonly objects: MapObject[]
}

/**
 * Turns Tiled objects into spawns and portals. Pixel positions become tile coordinates by the object's centre
 * (a point's own position), so a spawn drawn anywhere inside a tile lands on that tile. Throws a plain Error
 * naming the object.
 */
export function interpretObjects(
  all: readonly LayerObject[],
  tileWidth: number,
  tileHeight: number,
): InterpretedObjects {
  const byId = new Map<number, RawObject>()
  for (const { object } of all) byId.set(object.id, object)
  const out: InterpretedObjects = { playerSpawns: [], entitySpawns: [], portals: [], objects: [] }
  const tileOf = (o: RawObject): Point => {
    // Tile objects are anchored at their bottom-left corner, everything else at the top-left.
    const top = o.gid !== undefined ? o.y - o.height : o.y
    return {
      x: Math.floor((o.x + o.width / 2) / tileWidth),
      y: Math.floor((top + o.height / 2) / tileHeight),
    }
  }
  for (const { layer, object: o } of all) {
    const label = `object ${o.id}${o.name ? ` "${o.name}"` : ''} on layer "${layer}"`
    const kind = o.type.toLowerCase()
    if (kind === 'player_spawn') {
      const name = o.name || 'default'
      if (out.playerSpawns.some((s) => s.name === name))
        throw new Error(`${label}: a player_spawn named "${name}" already exists`)
      out.playerSpawns.push({ name, ...tileOf(o) })
    } else if (kind === 'entity_spawn') {
      out.entitySpawns.push(entitySpawn(o, label, tileOf(o), byId, tileWidth, tileHeight))
    } else if (kind === 'portal') {
      out.portals.push(portal(o, label, tileWidth, tileHeight, tileOf(o)))
    } else {
      out.objects.push({
        id: o.id,
        name: o.name,
        type: o.type,
        layer,
        ...tileOf(o),
        properties: o.properties,
      })
    }
  }
  return out
}

function entitySpawn(
  o: RawObject,
  label: string,
  at: Point,
  byId: ReadonlyMap<number, RawObject>,
  tileWidth: number,
  tileHeight: number,
): EntitySpawn {
  const p = o.properties
  const entityId = p.entity_id
  if (typeof entityId !== 'string' || entityId.trim() === '') {
    throw new Error(`${label}: entity_spawn needs a string property "entity_id" naming an NPC`)
  }
  const spawn: { -readonly [K in keyof EntitySpawn]: EntitySpawn[K] } = { objectId: o.id, entityId, ...at }
  const wander = radius(p, 'wander_radius', label)
  const aggro = radius(p, 'aggro_radius', label)
  const disengage = radius(p, 'disengage_radius', label)
  if (wander !== undefined) spawn.wanderRadius = wander
  if (aggro !== undefined) spawn.aggroRadius = aggro
  if (disengage !== undefined) spawn.disengageRadius = disengage
  const route = p.patrol_route
  if (route !== undefined) {
    if (typeof route === 'number') {
      const line = byId.get(route)
      const pts = line?.polyline ?? line?.polygon
      if (!line || !pts)
        throw new Error(
          `${label}: patrol_route points at object ${route}, which is not a polyline or polygon`,
        )
      spawn.patrol = pts.map((pt) => ({
        x: Math.floor((line.x + pt.x) / tileWidth),
        y: Math.floor((line.y + pt.y) / tileHeight),
      }))
    } else if (typeof route === 'string') {
      spawn.patrol = route
        .trim()
        .split(/[\s;]+/)
        .map((pair) => {
          const m = /^(-?\d+),(-?\d+)$/.exec(pair)
          if (!m) throw new Error(`${label}: patrol_route "${route}" must be tile pairs like "3,4 8,4"`)
          return { x: Number(m[1]), y: Number(m[2]) }
        })
    } else throw new Error(`${label}: patrol_route must be an object reference or a string of tile pairs`)
  }
  return spawn
}

function portal(o: RawObject, label: string, tileWidth: number, tileHeight: number, at: Point): Portal {
  const p = o.properties
  const targetMap = p.target_map
  if (typeof targetMap !== 'string' || targetMap === '')
    throw new Error(`${label}: portal needs a string property "target_map"`)
  const hasTile = p.target_x !== undefined || p.target_y !== undefined
  const hasSpawn = p.target_spawn !== undefined
  if (hasTile === hasSpawn) {
    throw new Error(
      `${label}: portal needs either "target_x" and "target_y" or "target_spawn" (exactly one of the two)`,
    )
  }
  let target: Portal['target']
  if (hasSpawn) {
    if (typeof p.target_spawn !== 'string' || p.target_spawn === '') {
      throw new Error(`${label}: "target_spawn" must be the name of a player_spawn`)
    }
    target = { kind: 'spawn', name: p.target_spawn }
  } else {
    const x = p.target_x
    const y = p.target_y
    if (!Number.isInteger(x) || !Number.isInteger(y))
      throw new Error(`${label}: "target_x" and "target_y" must both be integers`)
    target = { kind: 'tile', x: x as number, y: y as number }
  }
  // A rectangle covers every tile it overlaps; points and tile objects cover the tile they are on.
  let area = { x: at.x, y: at.y, width: 1, height: 1 }
  if (o.gid === undefined && o.width > 0 && o.height > 0) {
    const x0 = Math.floor(o.x / tileWidth)
    const y0 = Math.floor(o.y / tileHeight)
    const x1 = Math.ceil((o.x + o.width) / tileWidth)
    const y1 = Math.ceil((o.y + o.height) / tileHeight)
    area = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
  }
  return { objectId: o.id, name: o.name, area, targetMap, target }
}

function radius(p: Properties, key: string, label: string): number | undefined {
  const v = p[key]
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 256) {
    throw new Error(`${label}: "${key}" must be an integer between 0 and 256`)
  }
  return v
}
