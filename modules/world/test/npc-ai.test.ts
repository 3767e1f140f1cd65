import { describe, expect, it } from 'vitest'
import type { NpcDef } from '../src/content/schemas.ts'
import { rectDistance } from '../src/rules/combat.ts'
import {
  damageNpc,
  isAttackable,
  LOST_SIGHT_MS,
  type NpcProfile,
  type NpcState,
  type NpcView,
  npcProfile,
  type PlayerView,
  respawnNpc,
  rollLoot,
  spawnNpc,
  stepNpc,
} from '../src/rules/npc-ai.ts'
import { adjacentTo, canStand, findPath, hasLineOfSight, toPoint } from '../src/rules/pathfinding.ts'
import { FakeClock, gridOf, lowest, scripted, starterContent } from './helpers.ts'

const content = await starterContent()
const def = (id: string): NpcDef => content.npcs.get(id)!
const OPEN = gridOf(Array.from({ length: 30 }, () => '.'.repeat(30)))

/** Drives one NPC with a manual clock, feeding it the same view each step. */
function driver(profile: NpcProfile, at: { x: number; y: number }, view: NpcView) {
  const clock = new FakeClock(0)
  let npc = spawnNpc('n1', at, profile, clock.now(), scripted(2000))
  const intents: unknown[] = []
  return {
    clock,
    get npc() {
      return npc
    },
    set npc(v: NpcState) {
      npc = v
    },
    intents,
    step(ms: number, v: NpcView = view, rng = lowest) {
      clock.advance(ms)
      const r = stepNpc(npc, profile, v, clock.now(), rng)
      npc = r.npc
      intents.push(...r.intents)
      return r
    },
  }
}
const player = (x: number, y: number, id = 'p1'): PlayerView => ({ id, x, y, alive: true })

describe('path finding and sight', () => {
  const maze = gridOf(['.....', '.###.', '...#.', '.#...', '.....'])

  it('finds a shortest 4-direction path around walls', () => {
    const path = findPath(maze, { x: 0, y: 2 }, toPoint({ x: 4, y: 2 }))!
    expect(path.at(-1)).toEqual({ x: 4, y: 2 })
    expect(path).toHaveLength(6)
    for (const [a, b] of path.slice(1).map((p, i) => [path[i]!, p] as const))
      expect(Math.abs(a.x - b.x) + Math.abs(a.y - b.y)).toBe(1)
    expect(findPath(maze, { x: 0, y: 0 }, toPoint({ x: 0, y: 0 }))).toEqual([])
    expect(findPath(gridOf(['.#.']), { x: 0, y: 0 }, toPoint({ x: 2, y: 0 }))).toBeNull()
  })

  it('gives up on paths longer than the 50-step search limit', () => {
    const corridor = gridOf(['.'.repeat(60)])
    expect(findPath(corridor, { x: 0, y: 0 }, toPoint({ x: 50, y: 0 }))).toHaveLength(50)
    expect(findPath(corridor, { x: 0, y: 0 }, toPoint({ x: 51, y: 0 }))).toBeNull()
    expect(findPath(corridor, { x: 0, y: 0 }, toPoint({ x: 51, y: 0 }), { maxSteps: 60 })).toHaveLength(51)
  })

  it('paths a 2×2 creature to melee reach of a target, keeping its whole footprint on walkable tiles', () => {
    const g = gridOf(['......', '..#...', '......', '......', '......'])
    const size = { width: 2, height: 2 }
    expect(canStand(g, 1, 0, size)).toBe(false)
    const path = findPath(g, { x: 0, y: 2 }, adjacentTo({ x: 5, y: 0, width: 1, height: 1 }, size), { size })!
    expect(path.at(-1)).toEqual({ x: 3, y: 1 })
    for (const p of path) expect(canStand(g, p.x, p.y, size)).toBe(true)
  })

  it('checks line of sight with Bresenham over walkability, ignoring the end points', () => {
    const g = gridOf(['.....', '..#..', '.....'])
    expect(hasLineOfSight(g, { x: 0, y: 1 }, { x: 4, y: 1 })).toBe(false)
    expect(hasLineOfSight(g, { x: 0, y: 0 }, { x: 4, y: 0 })).toBe(true)
    expect(hasLineOfSight(g, { x: 0, y: 0 }, { x: 4, y: 2 })).toBe(false)
    expect(hasLineOfSight(g, { x: 0, y: 0 }, { x: 2, y: 1 })).toBe(true)
    expect(hasLineOfSight(g, { x: 1, y: 0 }, { x: 1, y: 2 })).toBe(true)
  })
})

describe('NPC state machine', () => {
  const rat = npcProfile(def('giant_rat'))

  it('idles 1–5 s, then wanders within its radius and idles again on arrival', () => {
    const d = driver(rat, { x: 10, y: 10 }, { grid: OPEN, players: [] })
    expect([d.npc.mode, d.npc.idleUntil]).toEqual(['idle', 2000])
    d.step(1999)
    expect(d.npc.mode).toBe('idle')
    d.step(1, undefined, scripted(2, -1)) // wander target = spawn + (2, -1)
    expect([d.npc.mode, d.npc.wanderTarget]).toEqual(['wander', { x: 12, y: 9 }])
    d.step(0)
    expect([d.npc.x, d.npc.y]).toEqual([10, 9])
    d.step(rat.moveIntervalMs - 1)
    expect([d.npc.x, d.npc.y]).toEqual([10, 9])
    d.step(1)
    d.step(rat.moveIntervalMs)
    expect([d.npc.x, d.npc.y, d.npc.mode]).toEqual([12, 9, 'wander'])
    d.step(rat.moveIntervalMs, undefined, scripted(3000))
    expect([d.npc.mode, d.npc.idleUntil - d.clock.now()]).toEqual(['idle', 3000])
    expect(d.intents.filter((i) => (i as { type: string }).type === 'move')).toHaveLength(3)
  })

  it('follows a patrol route in order', () => {
    const profile = npcProfile(def('goblin'), {
      patrol: [
        { x: 12, y: 10 },
        { x: 12, y: 12 },
      ],
    })
    const d = driver(profile, { x: 10, y: 10 }, { grid: OPEN, players: [] })
    d.step(2000)
    expect(d.npc.wanderTarget).toEqual({ x: 12, y: 10 })
    for (let i = 0; i < 3; i++) d.step(profile.moveIntervalMs)
    d.step(0) // arrived: rest, then head for the next point
    expect(d.npc.patrolIndex).toBe(1)
    d.step(1000)
    expect(d.npc.wanderTarget).toEqual({ x: 12, y: 12 })
  })

  it('engages a player in aggro radius and in sight, chases by A*, and attacks on its weapon timer', () => {
    const d = driver(rat, { x: 10, y: 10 }, { grid: OPEN, players: [player(14, 10)] })
    d.step(0)
    expect(d.npc.mode).toBe('combat')
    expect(d.intents).toContainEqual({ type: 'engage', targetId: 'p1' })
    expect([d.npc.x, d.npc.y]).toEqual([11, 10])
    d.step(rat.moveIntervalMs / 2)
    d.step(rat.moveIntervalMs / 2)
    expect([d.npc.x, d.npc.y]).toEqual([13, 10])
    expect(d.intents).not.toContainEqual({ type: 'attack', targetId: 'p1' })
    d.step(0)
    expect(d.intents).toContainEqual({ type: 'attack', targetId: 'p1' })
    const attacks = () => d.intents.filter((i) => (i as { type: string }).type === 'attack').length
    d.step(rat.attackIntervalMs - 1)
    expect(attacks()).toBe(1)
    d.step(1)
    expect(attacks()).toBe(2)
    expect(d.npc.facing).toBe('right')
  })

  it('ignores players beyond the aggro radius or out of sight', () => {
    const walled = gridOf(
      Array.from({ length: 20 }, (_, y) => (y === 10 ? '............#.......' : '....................')),
    )
    const far = driver(rat, { x: 10, y: 10 }, { grid: OPEN, players: [player(15, 10)] })
    far.step(0)
    expect(far.npc.mode).toBe('idle')
    const hidden = driver(rat, { x: 10, y: 10 }, { grid: walled, players: [player(14, 10)] })
    hidden.step(0)
    expect(hidden.npc.mode).toBe('idle')
    const dead = driver(rat, { x: 10, y: 10 }, { grid: OPEN, players: [{ ...player(11, 10), alive: false }] })
    dead.step(0)
    expect(dead.npc.mode).toBe('idle')
  })

  it('returns to its spawn when the target leaves the disengage radius, then heals and idles', () => {
    const d = driver(rat, { x: 10, y: 10 }, { grid: OPEN, players: [player(12, 10)] })
    d.step(0)
    d.npc = damageNpc(d.npc, 3, 'p1', d.clock.now()).npc
    d.step(1000, { grid: OPEN, players: [player(10 + 13, 10)] })
    expect(d.npc.mode).toBe('returning')
    expect(d.intents).toContainEqual({ type: 'disengage', reason: 'too_far' })
    for (let i = 0; i < 5 && d.npc.mode === 'returning'; i++) d.step(rat.moveIntervalMs)
    expect([d.npc.mode, d.npc.x, d.npc.y, d.npc.hp]).toEqual(['idle', 10, 10, 8])
    expect(d.intents).toContainEqual({ type: 'heal', hp: 8 })
  })

  it('gives up a target that is gone or out of sight for 5 s', () => {
    const gone = driver(rat, { x: 10, y: 10 }, { grid: OPEN, players: [player(12, 10)] })
    gone.step(0)
    gone.step(500, { grid: OPEN, players: [] })
    expect(gone.intents).toContainEqual({ type: 'disengage', reason: 'target_gone' })

    // The player ducks behind a wall the rat cannot path around within its leash.
    const wall = gridOf(
      Array.from({ length: 20 }, (_, y) => `${'.'.repeat(12)}${y >= 2 ? '#' : '.'}${'.'.repeat(7)}`),
    )
    const d = driver(rat, { x: 10, y: 10 }, { grid: OPEN, players: [player(13, 10)] })
    d.step(0)
    const behind = { grid: wall, players: [player(14, 10)] }
    d.step(100, behind)
    expect(d.npc.lostSightAt).toBe(100)
    d.step(LOST_SIGHT_MS - 1, behind)
    expect(d.npc.mode).toBe('combat')
    d.step(1, behind)
    expect([d.npc.mode, d.intents.at(-1)]).toEqual([
      'returning',
      { type: 'disengage', reason: 'out_of_sight' },
    ])
  })

  it('never fights as a merchant, quest giver or passive creature, and only retaliates when neutral', () => {
    for (const id of ['merchant', 'quest_giver']) {
      const p = npcProfile(def(id))
      expect(isAttackable(p.behaviour)).toBe(false)
      const d = driver(p, { x: 5, y: 5 }, { grid: OPEN, players: [player(6, 5)] })
      d.npc = { ...d.npc, attackedBy: 'p1' }
      d.step(0)
      expect(d.npc.mode).not.toBe('combat')
    }
    const neutral: NpcProfile = { ...rat, behaviour: 'neutral' }
    expect(isAttackable('neutral')).toBe(true)
    const d = driver(neutral, { x: 5, y: 5 }, { grid: OPEN, players: [player(6, 5)] })
    d.step(0)
    expect(d.npc.mode).toBe('idle')
    d.npc = damageNpc(d.npc, 1, 'p1', d.clock.now()).npc
    d.step(0)
    expect([d.npc.mode, d.npc.targetId]).toEqual(['combat', 'p1'])
  })

  it('has guards engage offenders in range and leave everyone else alone', () => {
    const guard = npcProfile(def('village_guard'))
    const view = { grid: OPEN, players: [player(7, 5, 'citizen'), player(8, 5, 'thug')] }
    const calm = driver(guard, { x: 5, y: 5 }, view)
    calm.step(0)
    expect(calm.npc.mode).toBe('idle')
    const alert = driver(guard, { x: 5, y: 5 }, { ...view, offenders: new Set(['thug']) })
    alert.step(0)
    expect([alert.npc.mode, alert.npc.targetId]).toEqual(['combat', 'thug'])
  })

  it('chases with its whole 2×2 body and attacks from any side (the bear)', () => {
    const bear = npcProfile(def('forest_bear'))
    expect(bear.size).toEqual({ width: 2, height: 2 })
    const g = gridOf(
      Array.from({ length: 16 }, (_, y) => (y === 6 ? '.....##.........' : '................')),
    )
    const d = driver(bear, { x: 5, y: 3 }, { grid: g, players: [player(9, 9)] })
    const visited: [number, number][] = []
    for (let i = 0; i < 12 && !d.intents.some((x) => (x as { type: string }).type === 'attack'); i++) {
      d.step(bear.moveIntervalMs / 2)
      visited.push([d.npc.x, d.npc.y])
    }
    expect(d.intents).toContainEqual({ type: 'attack', targetId: 'p1' })
    for (const [x, y] of visited) expect(canStand(g, x, y, bear.size)).toBe(true)
    expect(rectDistance({ x: d.npc.x, y: d.npc.y, ...bear.size }, { x: 9, y: 9, width: 1, height: 1 })).toBe(
      1,
    )
  })

  it('dies, waits out its respawn time at its spawn, and drops loot by chance', () => {
    const bear = npcProfile(def('forest_bear'))
    const d = driver(bear, { x: 2, y: 2 }, { grid: OPEN, players: [] })
    d.npc = { ...d.npc, x: 6, y: 6 }
    const hit = damageNpc(d.npc, 100, 'p1', 1000)
    expect([hit.died, hit.npc.mode, hit.npc.hp]).toEqual([true, 'dead', 0])
    expect(stepNpc(hit.npc, bear, { grid: OPEN, players: [player(3, 3)] }, 2000, lowest).intents).toEqual([])
    expect(respawnNpc(hit.npc, bear, 1000 + 119_999, lowest)).toBe(hit.npc)
    const back = respawnNpc(hit.npc, bear, 1000 + 120_000, lowest)
    expect([back.mode, back.hp, back.x, back.y]).toEqual(['idle', 60, 2, 2])
    expect(npcProfile(def('giant_rat')).respawnMs).toBe(30_000)
    // Raw meat always; then leather at 60%, coins at 50%, the amulet 3%, the ring 1%.
    expect(rollLoot(def('forest_bear'), scripted(1, 3, 600_000, 2, 600_001, 30_000, 1, 10_000, 1))).toEqual([
      { item: 'raw_meat', quantity: 3 },
      { item: 'leather', quantity: 2 },
      { item: 'amulet_of_strength', quantity: 1 },
      { item: 'ring_of_vigour', quantity: 1 },
    ])
  })

  it('takes aggro and disengage overrides from its spawn object', () => {
    const p = npcProfile(def('goblin'), { aggroRadius: 9, disengageRadius: 4, wanderRadius: 0 })
    expect([p.aggroRadius, p.disengageRadius, p.wanderRadius]).toEqual([9, 9, 0])
  })
})
