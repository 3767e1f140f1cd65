import { type DiceNode, faceRange, type GroupNode, type Keep, type Node } from './ast.ts'
import { type DiceLimits, resolveLimits } from './limits.ts'

/** The lowest and highest total an expression can produce (tight for plain dice; explosions make `max` large). */
export interface DiceRange {
  min: number
  max: number
}

/**
 * Computes the range of an expression from its tree alone, without rolling. Sound: every roll lands inside.
 * A division by something that can be zero gives an unbounded range.
 */
export function diceRange(node: Node, limits?: Partial<DiceLimits>): DiceRange {
  const depth = resolveLimits(limits).maxDepth
  const walk = (n: Node): DiceRange => {
    switch (n.type) {
      case 'number':
        return { min: n.value, max: n.value }
      case 'dice':
        return diceTermRange(n, depth)
      case 'group':
        return groupRange(n, n.entries.map(walk))
      case 'negate': {
        const r = walk(n.operand)
        return { min: -r.max + 0, max: -r.min + 0 }
      }
      case 'call':
        return callRange(n.fn, n.args.map(walk))
      case 'binary':
        return binaryRange(n.op, walk(n.left), walk(n.right))
    }
  }
  return walk(node)
}

function diceTermRange(n: DiceNode, depth: number): DiceRange {
  const [lo, hi] = faceRange(n.sides)
  const m = n.mods
  // Every die's possible values, then how many dice can end up counted.
  let dieLo = lo
  let dieHi = hi
  let most = n.count
  if (m.explode) {
    const extraLo = m.explode.mode === 'penetrate' ? lo - 1 : lo
    const extraHi = m.explode.mode === 'penetrate' ? hi - 1 : hi
    if (m.explode.mode === 'compound') {
      dieLo = lo + depth * Math.min(0, lo)
      dieHi = hi + depth * Math.max(0, hi)
    } else {
      dieLo = Math.min(lo, extraLo)
      dieHi = Math.max(hi, extraHi)
      most = n.count * (1 + depth)
    }
  }
  if (m.min !== undefined) [dieLo, dieHi] = [Math.max(dieLo, m.min), Math.max(dieHi, m.min)]
  if (m.max !== undefined) [dieLo, dieHi] = [Math.min(dieLo, m.max), Math.min(dieHi, m.max)]
  const [fewestKept, mostKept] = keptCounts(m.keep, n.count, most)
  if (m.success) return { min: m.failure ? -mostKept : 0, max: mostKept }
  return {
    min: dieLo < 0 ? mostKept * dieLo : fewestKept * dieLo,
    max: dieHi > 0 ? mostKept * dieHi : fewestKept * dieHi,
  }
}

/** How many items keep/drop leaves, given between `fewest` and `most` items. */
function keptCounts(keep: Keep | undefined, fewest: number, most: number): [number, number] {
  if (!keep) return [fewest, most]
  const kept = (n: number): number =>
    keep.mode === 'kh' || keep.mode === 'kl' ? Math.min(keep.count, n) : Math.max(0, n - keep.count)
  return [kept(fewest), kept(most)]
}

function groupRange(n: GroupNode, entries: DiceRange[]): DiceRange {
  const [, kept] = keptCounts(n.mods.keep, entries.length, entries.length)
  if (n.mods.success) return { min: n.mods.failure ? -kept : 0, max: kept }
  // Whichever entries are kept, their sum lies between the k smallest minimums and the k largest maximums.
  const mins = entries.map((e) => e.min).sort((a, b) => a - b)
  const maxs = entries.map((e) => e.max).sort((a, b) => b - a)
  const sum = (xs: number[]): number => xs.slice(0, kept).reduce((a, b) => a + b, 0)
  return { min: sum(mins), max: sum(maxs) }
}

function callRange(fn: string, args: DiceRange[]): DiceRange {
  const a = args[0] ?? { min: 0, max: 0 }
  switch (fn) {
    case 'floor':
      return { min: Math.floor(a.min), max: Math.floor(a.max) }
    case 'ceil':
      return { min: Math.ceil(a.min), max: Math.ceil(a.max) }
    case 'round':
      return { min: Math.round(a.min), max: Math.round(a.max) }
    case 'abs':
      if (a.min >= 0) return a
      if (a.max <= 0) return { min: -a.max + 0, max: -a.min + 0 }
      return { min: 0, max: Math.max(-a.min, a.max) }
    case 'min':
      return { min: Math.min(...args.map((r) => r.min)), max: Math.min(...args.map((r) => r.max)) }
    default:
      return { min: Math.max(...args.map((r) => r.min)), max: Math.max(...args.map((r) => r.max)) }
  }
}

function binaryRange(op: string, a: DiceRange, b: DiceRange): DiceRange {
  if (op === '+') return { min: a.min + b.min, max: a.max + b.max }
  if (op === '-') return { min: a.min - b.max, max: a.max - b.min }
  if (op === '/' && b.min <= 0 && b.max >= 0) return { min: -Infinity, max: Infinity }
  const f = op === '*' ? (x: number, y: number) => x * y : (x: number, y: number) => x / y
  const corners = [f(a.min, b.min), f(a.min, b.max), f(a.max, b.min), f(a.max, b.max)].map((v) =>
    Number.isNaN(v) ? 0 : v,
  )
  return { min: Math.min(...corners), max: Math.max(...corners) }
}
