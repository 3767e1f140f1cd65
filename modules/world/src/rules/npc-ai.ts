import type { NpcBehaviour, NpcDef } from '../content/schemas.ts'
import type { EntitySpawn, Point } from '../maps/tiled-types.ts'
import { inMeleeRange, type Rect, type Rng, rectDistance } from './combat.ts'
import type { ItemStack } from './inventory.ts'
import { type Direction, directionBetween } from './movement.ts'
import {
  adjacentTo,
  canStand,
  findPath,
  type Grid,
  hasLineOfSight,
  PATH_SEARCH_LIMIT,
  type Size,
  toPoint,
} from './pathfinding.ts'

export const IDLE_MIN_MS = 1000
export const IDLE_MAX_MS = 5000
/** A target out of sight (or out of reach by any path) this long is given up. */
export const LOST_SIGHT_MS = 5000

export type NpcMode = 'idle' | 'wander' | 'combat' | 'returning' | 'dead'

/** An NPC's definition merged with the overrides of the map object that spawned it. */
export interface NpcProfile {
  readonly behaviour: NpcBehaviour
  readonly size: Size
  readonly maxHp: number
  readonly wanderRadius: number
  readonly aggroRadius: number
  readonly disengageRadius: number
  readonly patrol: readonly Point[] | null
  readonly attackIntervalMs: number
  readonly moveIntervalMs: number
  readonly respawnMs: number
}

export interface NpcState {
  readonly id: string
  readonly x: number
  readonly y: number
  readonly spawn: Point
  readonly hp: number
  readonly mode: NpcMode
  readonly facing: Direction
  /** When idling ends. */
  readonly idleUntil: number
  readonly wanderTarget: Point | null
  readonly patrolIndex: number
  readonly targetId: string | null
  /** The last player who hurt it, consumed by the next step (retaliation). */
  readonly attackedBy: string | null
  readonly lostSightAt: number | null
  readonly nextStepAt: number
  readonly nextAttackAt: number
  readonly diedAt: number | null
}

export interface PlayerView {
  readonly id: string
  readonly x: number
  readonly y: number
  readonly alive: boolean
}

/** What an NPC perceives this tick: the map and the players on it near enough to matter. */
export interface NpcView {
  readonly grid: Grid
  readonly players: readonly PlayerView[]
  /** For guards: players who recently attacked someone here. */
  readonly offenders?: ReadonlySet<string>
}

export type NpcIntent =
  | {
      readonly type: 'move'
      readonly x: number
      readonly y: number
      readonly facing: Direction
      readonly teleport?: boolean
    }
  | { readonly type: 'attack'; readonly targetId: string }
  | { readonly type: 'engage'; readonly targetId: string }
  | { readonly type: 'disengage'; readonly reason: 'target_gone' | 'too_far' | 'out_of_sight' }
  | { readonly type: 'heal'; readonly hp: number }

export interface NpcStep {
  readonly npc: NpcState
  readonly intents: readonly NpcIntent[]
}

/** Merchants, quest givers and passive creatures cannot be attacked. */
export function isAttackable(behaviour: NpcBehaviour): boolean {
  return behaviour === 'neutral' || behaviour === 'aggressive' || behaviour === 'guard'
}

/** The profile of an NPC spawned by a map object (its overrides win over the definition). */
export function npcProfile(
  def: NpcDef,
  spawn?: Partial<Pick<EntitySpawn, 'wanderRadius' | 'aggroRadius' | 'disengageRadius' | 'patrol'>>,
): NpcProfile {
  const aggroRadius = spawn?.aggroRadius ?? def.aggroRadius
  return {
    behaviour: def.behaviour,
    size: def.size,
    maxHp: def.hitpoints,
    wanderRadius: spawn?.wanderRadius ?? def.wanderRadius,
    aggroRadius,
    disengageRadius: Math.max(aggroRadius, spawn?.disengageRadius ?? def.disengageRadius),
    patrol: spawn?.patrol && spawn.patrol.length > 0 ? spawn.patrol : null,
    attackIntervalMs: Math.round(def.attackSpeed * 1000),
    moveIntervalMs: def.moveIntervalMs,
    respawnMs: def.respawnSeconds * 1000,
  }
}

/** A fresh NPC standing on its spawn, idling for 1–5 s. */
export function spawnNpc(id: string, at: Point, profile: NpcProfile, now: number, rng: Rng): NpcState {
  return {
    id,
    x: at.x,
    y: at.y,
    spawn: { x: at.x, y: at.y },
    hp: profile.maxHp,
    mode: 'idle',
    facing: 'down',
    idleUntil: now + rng.int(IDLE_MIN_MS, IDLE_MAX_MS),
    wanderTarget: null,
    patrolIndex: 0,
    targetId: null,
    attackedBy: null,
    lostSightAt: null,
    nextStepAt: now,
    nextAttackAt: now,
    diedAt: null,
  }
}

/** Applies damage; at 0 HP the NPC dies (and waits for {@link respawnNpc}). */
export function damageNpc(
  npc: NpcState,
  damage: number,
  attackerId: string,
  now: number,
): { npc: NpcState; died: boolean } {
  if (npc.mode === 'dead') return { npc, died: false }
  const hp = Math.max(0, npc.hp - Math.max(0, damage))
  if (hp > 0) return { npc: { ...npc, hp, attackedBy: attackerId }, died: false }
  return {
    npc: { ...npc, hp: 0, mode: 'dead', diedAt: now, targetId: null, attackedBy: null, wanderTarget: null },
    died: true,
  }
}

/** A dead NPC back at its spawn once its respawn time (30 s; the bear 120 s) has passed; otherwise unchanged. */
export function respawnNpc(npc: NpcState, profile: NpcProfile, now: number, rng: Rng): NpcState {
  if (npc.mode !== 'dead' || npc.diedAt === null || now < npc.diedAt + profile.respawnMs) return npc
  return spawnNpc(npc.id, npc.spawn, profile, now, rng)
}

/** Rolls an NPC's loot table: each entry drops on its own chance, in a quantity uniform in [min, max]. */
export function rollLoot(def: NpcDef, rng: Rng): ItemStack[] {
  const out: ItemStack[] = []
  for (const l of def.loot) {
    if (rng.int(1, 1_000_000) <= Math.round(l.chance * 1_000_000))
      out.push({ item: l.item, quantity: rng.int(l.min, l.max) })
  }
  return out
}

/**
 * One AI step: idle (1–5 s) → wander within the radius or along the patrol → combat when provoked or, for an
 * aggressive NPC, when a player is within the aggro radius and in sight → chase by A* → returning when the target
 * is gone, beyond the disengage radius or out of sight 5 s → heal at the spawn → idle. Pure: the caller applies
 * the intents (broadcast moves, resolve attacks).
 */
export function stepNpc(npc: NpcState, profile: NpcProfile, view: NpcView, now: number, rng: Rng): NpcStep {
  if (npc.mode === 'dead') return { npc, intents: [] }
  const intents: NpcIntent[] = []
  let s: NpcState = npc
  if (s.attackedBy !== null || s.mode === 'idle' || s.mode === 'wander') {
    const target = s.mode === 'combat' || s.mode === 'returning' ? null : pickTarget(s, profile, view)
    s = { ...s, attackedBy: null }
    if (target) {
      s = { ...s, mode: 'combat', targetId: target, lostSightAt: null, wanderTarget: null }
      intents.push({ type: 'engage', targetId: target })
    }
  }
  switch (s.mode) {
    case 'idle':
      s = idle(s, profile, view, now, rng)
      break
    case 'wander':
      s = wander(s, profile, view, now, rng, intents)
      break
    case 'combat':
      s = fight(s, profile, view, now, intents)
      break
    case 'returning':
      s = goHome(s, profile, view, now, rng, intents)
      break
  }
  return { npc: s, intents }
}

function pickTarget(s: NpcState, p: NpcProfile, view: NpcView): string | null {
  if (!isAttackable(p.behaviour)) return null
  const body = rectOf(s, p.size)
  const alive = view.players.filter((pl) => pl.alive && chebyshev(pl, s.spawn) <= p.disengageRadius)
  if (s.attackedBy !== null && alive.some((pl) => pl.id === s.attackedBy)) return s.attackedBy
  if (p.behaviour !== 'aggressive' && p.behaviour !== 'guard') return null
  const candidates = alive
    .filter((pl) => p.behaviour === 'aggressive' || view.offenders?.has(pl.id))
    .map((pl) => ({ pl, d: rectDistance(body, { x: pl.x, y: pl.y, width: 1, height: 1 }) }))
    .filter(({ pl, d }) => d <= p.aggroRadius && hasLineOfSight(view.grid, eye(s, p.size, pl), pl))
    .sort((a, b) => a.d - b.d || (a.pl.id < b.pl.id ? -1 : 1))
  return candidates[0]?.pl.id ?? null
}

function idle(s: NpcState, p: NpcProfile, view: NpcView, now: number, rng: Rng): NpcState {
  if (now < s.idleUntil) return s
  if (p.patrol) return { ...s, mode: 'wander', wanderTarget: p.patrol[s.patrolIndex % p.patrol.length]! }
  if (p.wanderRadius > 0) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const t = {
        x: s.spawn.x + rng.int(-p.wanderRadius, p.wanderRadius),
        y: s.spawn.y + rng.int(-p.wanderRadius, p.wanderRadius),
      }
      if ((t.x !== s.x || t.y !== s.y) && canStand(view.grid, t.x, t.y, p.size))
        return { ...s, mode: 'wander', wanderTarget: t }
    }
  }
  return rest(s, now, rng)
}

function wander(
  s: NpcState,
  p: NpcProfile,
  view: NpcView,
  now: number,
  rng: Rng,
  intents: NpcIntent[],
): NpcState {
  const target = s.wanderTarget
  if (!target || (s.x === target.x && s.y === target.y)) {
    return rest({ ...s, patrolIndex: p.patrol && target ? s.patrolIndex + 1 : s.patrolIndex }, now, rng)
  }
  if (now < s.nextStepAt) return s
  const path = findPath(view.grid, s, toPoint(target), { size: p.size })
  if (!path || path.length === 0)
    return rest({ ...s, patrolIndex: p.patrol ? s.patrolIndex + 1 : s.patrolIndex }, now, rng)
  return moveTo(s, path[0]!, now + p.moveIntervalMs, intents)
}

function fight(s: NpcState, p: NpcProfile, view: NpcView, now: number, intents: NpcIntent[]): NpcState {
  const target = view.players.find((pl) => pl.id === s.targetId && pl.alive)
  if (!target) return disengage(s, 'target_gone', intents)
  if (chebyshev(target, s.spawn) > p.disengageRadius || chebyshev(s, s.spawn) > p.disengageRadius) {
    return disengage(s, 'too_far', intents)
  }
  const body = rectOf(s, p.size)
  const targetRect = { x: target.x, y: target.y, width: 1, height: 1 }
  let lostSightAt = hasLineOfSight(view.grid, eye(s, p.size, target), target) ? null : (s.lostSightAt ?? now)
  if (inMeleeRange(body, targetRect)) {
    const facing = faceToward(s, p.size, target)
    if (now < s.nextAttackAt) return { ...s, facing, lostSightAt }
    intents.push({ type: 'attack', targetId: target.id })
    return { ...s, facing, lostSightAt, nextAttackAt: now + p.attackIntervalMs }
  }
  if (now >= s.nextStepAt) {
    const path = findPath(view.grid, s, adjacentTo(targetRect, p.size), {
      size: p.size,
      maxSteps: PATH_SEARCH_LIMIT,
    })
    if (path && path.length > 0)
      return moveTo({ ...s, lostSightAt }, path[0]!, now + chaseInterval(p), intents)
    // Unreachable counts as unseen, so an NPC across a river gives up instead of staring forever.
    lostSightAt ??= now
  }
  if (lostSightAt !== null && now - lostSightAt >= LOST_SIGHT_MS) return disengage(s, 'out_of_sight', intents)
  return { ...s, lostSightAt }
}

function goHome(
  s: NpcState,
  p: NpcProfile,
  view: NpcView,
  now: number,
  rng: Rng,
  intents: NpcIntent[],
): NpcState {
  if (s.x === s.spawn.x && s.y === s.spawn.y) {
    if (s.hp < p.maxHp) intents.push({ type: 'heal', hp: p.maxHp })
    return rest({ ...s, hp: p.maxHp }, now, rng)
  }
  if (now < s.nextStepAt) return s
  const path = findPath(view.grid, s, toPoint(s.spawn), {
    size: p.size,
    maxSteps: Math.max(PATH_SEARCH_LIMIT, p.disengageRadius * 4),
  })
  if (path && path.length > 0) return moveTo(s, path[0]!, now + chaseInterval(p), intents)
  // No way back (the map changed under it, or it was pushed somewhere odd): put it home rather than strand it.
  intents.push({ type: 'move', x: s.spawn.x, y: s.spawn.y, facing: s.facing, teleport: true })
  return { ...s, x: s.spawn.x, y: s.spawn.y, nextStepAt: now + chaseInterval(p) }
}

function disengage(
  s: NpcState,
  reason: 'target_gone' | 'too_far' | 'out_of_sight',
  intents: NpcIntent[],
): NpcState {
  intents.push({ type: 'disengage', reason })
  return { ...s, mode: 'returning', targetId: null, lostSightAt: null, wanderTarget: null }
}

function rest(s: NpcState, now: number, rng: Rng): NpcState {
  return { ...s, mode: 'idle', wanderTarget: null, idleUntil: now + rng.int(IDLE_MIN_MS, IDLE_MAX_MS) }
}

function moveTo(s: NpcState, to: Point, nextStepAt: number, intents: NpcIntent[]): NpcState {
  const facing = directionBetween(s, to) ?? s.facing
  intents.push({ type: 'move', x: to.x, y: to.y, facing })
  return { ...s, x: to.x, y: to.y, facing, nextStepAt }
}

/** Chasing and returning go at twice the wandering pace (but never faster than a player can step). */
function chaseInterval(p: NpcProfile): number {
  return Math.max(150, Math.round(p.moveIntervalMs / 2))
}

function rectOf(s: Point, size: Size): Rect {
  return { x: s.x, y: s.y, width: size.width, height: size.height }
}

/** The tile of a footprint nearest to `target`: where a large NPC "looks" from. */
function eye(s: Point, size: Size, target: Point): Point {
  return {
    x: Math.min(Math.max(target.x, s.x), s.x + size.width - 1),
    y: Math.min(Math.max(target.y, s.y), s.y + size.height - 1),
  }
}

function faceToward(s: Point, size: Size, target: Point): Direction {
  const from = eye(s, size, target)
  const dx = target.x - from.x
  const dy = target.y - from.y
  if (Math.abs(dx) > Math.abs(dy)) return dx > 0 ? 'right' : 'left'
  return dy > 0 ? 'down' : 'up'
}

function chebyshev(a: Point, b: Point): number {
  return Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y))
}
