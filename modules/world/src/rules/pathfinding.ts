import type { Point } from '../maps/tiled-types.ts'
import type { Rect } from './combat.ts'

/** What path finding and sight need from a map. */
export interface Grid {
  isWalkable(x: number, y: number): boolean
}

export interface Size {
  readonly width: number
  readonly height: number
}

/** The seed's chase limit: paths longer than this many steps are not searched. */
export const PATH_SEARCH_LIMIT = 50
const UNIT: Size = { width: 1, height: 1 }
// Fixed neighbour order keeps paths (and so NPC behaviour) deterministic.
const STEPS: readonly Point[] = [
  { x: 0, y: -1 },
  { x: 0, y: 1 },
  { x: -1, y: 0 },
  { x: 1, y: 0 },
]

/** Whether a creature of `size` can stand with its top-left corner at (x, y). */
export function canStand(grid: Grid, x: number, y: number, size: Size = UNIT): boolean {
  for (let dy = 0; dy < size.height; dy++)
    for (let dx = 0; dx < size.width; dx++) if (!grid.isWalkable(x + dx, y + dy)) return false
  return true
}

export interface PathGoal {
  /** True for a top-left position that ends the search. */
  reached(p: Point): boolean
  /** A lower bound on the remaining steps (Manhattan-based). */
  estimate(p: Point): number
}

/** Goal: stand exactly on `target`. */
export function toPoint(target: Point): PathGoal {
  return {
    reached: (p) => p.x === target.x && p.y === target.y,
    estimate: (p) => Math.abs(p.x - target.x) + Math.abs(p.y - target.y),
  }
}

/** Goal: a footprint of `size` next to `target` (Chebyshev distance 1, not overlapping), i.e. in melee reach. */
export function adjacentTo(target: Rect, size: Size = UNIT): PathGoal {
  const gap = (p: Point) => {
    const dx = Math.max(0, target.x - (p.x + size.width - 1), p.x - (target.x + target.width - 1))
    const dy = Math.max(0, target.y - (p.y + size.height - 1), p.y - (target.y + target.height - 1))
    return { dx, dy }
  }
  return {
    reached: (p) => {
      const { dx, dy } = gap(p)
      return Math.max(dx, dy) === 1
    },
    estimate: (p) => {
      const { dx, dy } = gap(p)
      // Diagonal contact counts as reach, so each axis only needs to close to a gap of 1.
      return dx === 0 && dy === 0 ? 1 : Math.max(0, dx - 1) + Math.max(0, dy - 1)
    },
  }
}

/**
 * 4-direction A* from `start` (excluded from the result) to the first position satisfying the goal (included).
 * Positions are top-left corners of a `size` footprint. Returns [] when already there and null when there is no
 * path of at most `maxSteps` steps.
 */
export function findPath(
  grid: Grid,
  start: Point,
  goal: PathGoal,
  options: { maxSteps?: number; size?: Size } = {},
): Point[] | null {
  const maxSteps = options.maxSteps ?? PATH_SEARCH_LIMIT
  const size = options.size ?? UNIT
  if (goal.reached(start)) return []
  const key = (p: Point) => `${p.x},${p.y}`
  const g = new Map<string, number>([[key(start), 0]])
  const from = new Map<string, Point>()
  const closed = new Set<string>()
  const open = new MinHeap<Point>()
  open.push(goal.estimate(start), start)
  while (open.size > 0) {
    const cur = open.pop()!
    const ck = key(cur)
    if (closed.has(ck)) continue
    if (goal.reached(cur)) {
      const path: Point[] = []
      for (let p: Point | undefined = cur; p && key(p) !== key(start); p = from.get(key(p))) path.push(p)
      return path.reverse()
    }
    closed.add(ck)
    const cg = g.get(ck)!
    if (cg >= maxSteps) continue
    for (const s of STEPS) {
      const next = { x: cur.x + s.x, y: cur.y + s.y }
      const nk = key(next)
      if (closed.has(nk) || !canStand(grid, next.x, next.y, size)) continue
      const ng = cg + 1
      if (ng < (g.get(nk) ?? Number.POSITIVE_INFINITY)) {
        g.set(nk, ng)
        from.set(nk, cur)
        open.push(ng + goal.estimate(next), next)
      }
    }
  }
  return null
}

/**
 * Bresenham line of sight: every tile strictly between `a` and `b` must be walkable (walls, water and trees
 * block sight; the end points themselves do not).
 */
export function hasLineOfSight(grid: Grid, a: Point, b: Point): boolean {
  let x = a.x
  let y = a.y
  const dx = Math.abs(b.x - a.x)
  const dy = Math.abs(b.y - a.y)
  const sx = a.x < b.x ? 1 : -1
  const sy = a.y < b.y ? 1 : -1
  let err = dx - dy
  while (x !== b.x || y !== b.y) {
    const e2 = 2 * err
    if (e2 > -dy) {
      err -= dy
      x += sx
    }
    if (e2 < dx) {
      err += dx
      y += sy
    }
    if ((x !== b.x || y !== b.y) && !grid.isWalkable(x, y)) return false
  }
  return true
}

/** A binary min-heap; equal priorities come out first-in first-out. */
class MinHeap<T> {
  private readonly items: { p: number; n: number; v: T }[] = []
  private counter = 0
  get size(): number {
    return this.items.length
  }
  push(priority: number, value: T): void {
    const a = this.items
    a.push({ p: priority, n: this.counter++, v: value })
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      ;[a[i], a[parent]] = [a[parent]!, a[i]!]
      i = parent
    }
  }
  pop(): T | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length > 0 && last) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && this.less(l, m)) m = l
        if (r < a.length && this.less(r, m)) m = r
        if (m === i) break
        ;[a[i], a[m]] = [a[m]!, a[i]!]
        i = m
      }
    }
    return top?.v
  }
  private less(i: number, j: number): boolean {
    const a = this.items[i]!
    const b = this.items[j]!
    return a.p < b.p || (a.p === b.p && a.n < b.n)
  }
}
