import type { Point, Portal } from '../maps/tiled-types.ts'
import { CHUNK_SIZE } from '../maps/world-map.ts'
import { accepted, type Result, rejected } from './result.ts'

export const MOVE_COOLDOWN_MS = 150
/** Clients may ask for chunks at most this many chunks around a centre … */
export const MAX_CHUNK_RADIUS = 2
/** … and the centre must be within this many tiles of the player. */
export const MAX_CHUNK_CENTRE_DISTANCE = 80

export const DIRECTIONS = {
  up: { dx: 0, dy: -1 },
  down: { dx: 0, dy: 1 },
  left: { dx: -1, dy: 0 },
  right: { dx: 1, dy: 0 },
} as const
export type Direction = keyof typeof DIRECTIONS

/** What movement needs to know about a map. */
export interface Terrain {
  inBounds(x: number, y: number): boolean
  isWalkable(x: number, y: number): boolean
  portalAt?(x: number, y: number): Portal | undefined
}

export interface Walker {
  readonly x: number
  readonly y: number
  readonly alive: boolean
  /** When the last accepted step happened (ms), null before the first. */
  readonly lastMoveAt: number | null
}

/** Reads a direction the way clients send it ("UP", "up"), or undefined. */
export function parseDirection(value: unknown): Direction | undefined {
  if (typeof value !== 'string') return undefined
  const d = value.toLowerCase()
  return Object.hasOwn(DIRECTIONS, d) ? (d as Direction) : undefined
}

/** The direction from `from` to an orthogonally adjacent `to`, if it is one. */
export function directionBetween(from: Point, to: Point): Direction | undefined {
  const dx = to.x - from.x
  const dy = to.y - from.y
  return (Object.keys(DIRECTIONS) as Direction[]).find(
    (d) => DIRECTIONS[d].dx === dx && DIRECTIONS[d].dy === dy,
  )
}

/**
 * One grid step. The cooldown is measured between the server's own timestamps, so a client cannot speed up by
 * sending faster. Stepping onto a portal tile reports the portal; the caller moves the player to its destination.
 */
export function step(
  walker: Walker,
  direction: unknown,
  terrain: Terrain,
  now: number,
  cooldownMs = MOVE_COOLDOWN_MS,
): Result<{ x: number; y: number; facing: Direction; lastMoveAt: number; portal?: Portal }> {
  const d = parseDirection(direction)
  if (!d) return rejected('world.move_invalid_direction')
  if (!walker.alive) return rejected('world.player_dead')
  if (walker.lastMoveAt !== null) {
    const wait = walker.lastMoveAt + cooldownMs - now
    if (wait > 0) return rejected('world.move_cooldown', { retryAfterMs: Math.min(wait, cooldownMs) })
  }
  const x = walker.x + DIRECTIONS[d].dx
  const y = walker.y + DIRECTIONS[d].dy
  if (!terrain.inBounds(x, y)) return rejected('world.move_out_of_bounds')
  if (!terrain.isWalkable(x, y)) return rejected('world.move_blocked')
  const portal = terrain.portalAt?.(x, y)
  return accepted(
    portal ? { x, y, facing: d, lastMoveAt: now, portal } : { x, y, facing: d, lastMoveAt: now },
  )
}

/** Checks a client's chunk request: a small radius, a centre near the player, on the player's own map. */
export function checkChunkRequest(
  player: { map: string; x: number; y: number },
  request: { map?: string; x: number; y: number; radius: number },
): Result<{ radius: number }> {
  if (request.map !== undefined && request.map !== player.map) return rejected('world.map_not_current')
  if (!Number.isInteger(request.radius) || request.radius < 0 || request.radius > MAX_CHUNK_RADIUS) {
    return rejected('world.map_chunk_radius', { details: { max: MAX_CHUNK_RADIUS } })
  }
  if (!Number.isInteger(request.x) || !Number.isInteger(request.y))
    return rejected('world.map_invalid_coords')
  if (Math.max(Math.abs(request.x - player.x), Math.abs(request.y - player.y)) > MAX_CHUNK_CENTRE_DISTANCE) {
    return rejected('world.map_chunk_too_far', { details: { max: MAX_CHUNK_CENTRE_DISTANCE } })
  }
  return accepted({ radius: request.radius })
}

/** Whether moving from one tile to another crosses into a different chunk (time to push the 3×3 around). */
export function changedChunk(from: Point, to: Point): boolean {
  return (
    Math.floor(from.x / CHUNK_SIZE) !== Math.floor(to.x / CHUNK_SIZE) ||
    Math.floor(from.y / CHUNK_SIZE) !== Math.floor(to.y / CHUNK_SIZE)
  )
}
