import { describe, expect, it } from 'vitest'
import { dirOf, findPath } from '../src/world/path.ts'
import { levelProgress } from '../src/world/SidePanels.tsx'
import { type Chunk, WorldStore } from '../src/world/store.ts'

const chunk = (cx: number, cy: number, walkable = 0xffff): Chunk => ({
  cx,
  cy,
  x: cx * 16,
  y: cy * 16,
  size: 16,
  layers: [{ name: 'ground', gids: new Array(256).fill(1) }],
  walkable: new Array(16).fill(walkable),
})

function store(): WorldStore {
  const s = new WorldStore()
  s.map = {
    id: 'town',
    name: 'Town',
    width: 64,
    height: 64,
    originX: 0,
    originY: 0,
    tileWidth: 32,
    tileHeight: 32,
  }
  s.config = {
    moveCooldownMs: 150,
    tileSize: 32,
    chunkSize: 16,
    viewRadius: 32,
    maxChunkRadius: 2,
    tickHz: 20,
    sendHz: 10,
    animationMs: 150,
  }
  return s
}

describe('client-side path finding', () => {
  it('walks around a wall and refuses what cannot be reached', () => {
    const wall = new Set(['2,0', '2,1', '2,2'])
    const ok = (x: number, y: number) => x >= 0 && y >= 0 && x < 6 && y < 6 && !wall.has(`${x},${y}`)
    const path = findPath({ x: 0, y: 0 }, { x: 4, y: 0 }, ok)
    expect(path.at(-1)).toEqual({ x: 4, y: 0 })
    expect(path).toHaveLength(10)
    for (const [i, p] of path.entries()) {
      const prev = i === 0 ? { x: 0, y: 0 } : path[i - 1]!
      expect(Math.abs(p.x - prev.x) + Math.abs(p.y - prev.y)).toBe(1)
      expect(ok(p.x, p.y)).toBe(true)
    }
    expect(findPath({ x: 0, y: 0 }, { x: 9, y: 9 }, ok)).toEqual([])
    expect(dirOf(1, 0)).toBe('right')
    expect(dirOf(0, -1)).toBe('up')
  })
})

describe('skill bars', () => {
  it('fill from the start of the current level to the next', () => {
    expect(levelProgress(1, 0, 83)).toBe(0)
    expect(levelProgress(1, 41.5, 83)).toBeCloseTo(50)
    expect(levelProgress(2, 83, 174)).toBeCloseTo(0)
    // A skill with a 0.8 multiplier: level 2 starts at 0.8 × 83.
    expect(levelProgress(2, 0.8 * 83, 0.8 * 174)).toBeCloseTo(0, 0)
    expect(levelProgress(99, 13_034_431, null)).toBe(100)
  })
})

describe('the world store', () => {
  it('reads walkability from chunk masks and drops chunks far behind', () => {
    const s = store()
    s.addChunks('town', [chunk(0, 0, 0b1111_1111_1111_1101), chunk(1, 0), chunk(3, 3)])
    s.addChunks('forest', [chunk(2, 2)])
    expect(s.walkable(0, 5)).toBe(true)
    expect(s.walkable(1, 5)).toBe(false)
    expect(s.walkable(20, 3)).toBe(true)
    expect(s.walkable(40, 40)).toBe(false) // not loaded
    expect(s.chunks.size).toBe(3)
    expect(s.dropFarChunks(0, 0, 2)).toEqual(['3,3'])
    expect([...s.chunks.keys()]).toEqual(['0,0', '1,0'])
  })

  it('glides entities between tiles and applies update diffs', () => {
    const s = store()
    const view = {
      id: 'p2',
      ref: 7,
      name: 'Bob',
      x: 4,
      y: 4,
      facing: 'down' as const,
      hp: 10,
      maxHp: 10,
      dead: false,
      weapon: null,
    }
    s.applyUpdate({ map: 'town', at: 0, players: { added: [view] } }, 1000)
    expect(s.drawnAt('p:p2', 1000)).toMatchObject({ x: 4, y: 4, moving: false })
    s.applyUpdate({ map: 'town', at: 1, players: { changed: [{ ...view, x: 5, facing: 'right' }] } }, 2000)
    expect(s.drawnAt('p:p2', 2075)).toMatchObject({ x: 4.5, y: 4, moving: true, facing: 'right' })
    expect(s.drawnAt('p:p2', 2200)).toMatchObject({ x: 5, y: 4, moving: false })
    // Steps name the player by ref; a ref we hold no view of (our own step, in a shared update) is skipped.
    const steps: Array<[number, number, number, 'down' | 'up']> = [
      [7, 5, 5, 'down'],
      [3, 9, 9, 'up'],
    ]
    s.applyUpdate({ map: 'town', at: 2, players: { moved: steps } }, 2500)
    expect(s.players.get('p2')).toMatchObject({ x: 5, y: 5, facing: 'down', name: 'Bob' })
    expect(s.players.size).toBe(1)
    expect(s.drawnAt('p:p2', 2800)).toMatchObject({ x: 5, y: 5 })
    s.applyUpdate({ map: 'town', at: 2, players: { removed: ['p2'] } }, 3000)
    expect(s.players.size).toBe(0)
    // A step for a ref no longer held moves nothing.
    s.applyUpdate({ map: 'town', at: 2, players: { moved: [[7, 6, 6, 'down']] } }, 3100)
    expect(s.players.size).toBe(0)
    s.applyUpdate({ map: 'cave', at: 3, players: { added: [view] } }, 3000)
    expect(s.players.size).toBe(0) // another map's diff
  })
})
