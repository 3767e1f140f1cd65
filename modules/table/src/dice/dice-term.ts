import { type Compare, type DiceNode, faceRange, type Keep, matches } from './ast.ts'
import { diceModifiersText, sidesText } from './print.ts'
import type { DiceResult, DieResult } from './result.ts'

export type Draw = (min: number, max: number) => number

/**
 * Rolls one dice term. Per die: roll, reroll, explode; then for the whole term: clamp, critical marks,
 * keep/drop, success counting, sort. That order is fixed whatever order the modifiers were written in.
 */
export function rollDiceTerm(node: DiceNode, draw: Draw, maxDepth: number): DiceResult {
  const [lo, hi] = faceRange(node.sides)
  const m = node.mods
  const dice: DieResult[] = []
  for (let i = 0; i < node.count; i++) {
    let v = draw(lo, hi)
    const rerolled: number[] = []
    if (m.reroll) {
      const when = m.reroll.compare ?? { op: '=', value: lo }
      const limit = m.reroll.once ? 1 : maxDepth
      while (rerolled.length < limit && matches(when, v)) {
        rerolled.push(v)
        v = draw(lo, hi)
      }
    }
    const first: DieResult = { value: v }
    if (rerolled.length > 0) first.rerolled = rerolled
    dice.push(first)
    if (m.explode) explode(first, m.explode.mode, m.explode.compare ?? { op: '=', value: hi })
  }

  function explode(first: DieResult, mode: 'explode' | 'compound' | 'penetrate', when: Compare): void {
    let last = first.value
    let prev = first
    const compounded = [last]
    for (let depth = 0; depth < maxDepth && matches(when, last); depth++) {
      prev.exploded = true
      last = draw(lo, hi)
      if (mode === 'compound') {
        compounded.push(last)
        continue
      }
      const die: DieResult = { value: mode === 'penetrate' ? last - 1 : last, fromExplosion: true }
      if (mode === 'penetrate') die.rolls = [last]
      dice.push(die)
      prev = die
    }
    if (compounded.length > 1) {
      first.value = compounded.reduce((a, b) => a + b, 0)
      first.rolls = compounded
    }
  }

  for (const die of dice) {
    const clamped = Math.min(Math.max(die.value, m.min ?? -Infinity), m.max ?? Infinity)
    if (clamped === die.value) continue
    die.rolls ??= [die.value]
    die.value = clamped
    die.clamped = true
  }
  if (m.critSuccess) mark(dice, m.critSuccess.compare ?? { op: '=', value: hi }, 'criticalSuccess')
  if (m.critFailure) mark(dice, m.critFailure.compare ?? { op: '=', value: lo }, 'criticalFailure')
  if (m.keep) applyKeep(dice, m.keep)

  const result: DiceResult = {
    type: 'dice',
    notation: `${node.count}d${sidesText(node.sides)}${diceModifiersText(m)}`,
    count: node.count,
    sides: node.sides,
    value: 0,
    dice,
  }
  if (m.success) {
    const { successes, failures } = countSuccesses(
      dice,
      m.success,
      m.failure && (m.failure.compare ?? { op: '=', value: lo }),
    )
    result.successes = successes
    result.failures = failures
    result.value = successes - failures
  } else {
    result.value = dice.reduce((sum, d) => (d.dropped ? sum : sum + d.value), 0)
  }
  if (m.sort) dice.sort((a, b) => (m.sort === 'asc' ? a.value - b.value : b.value - a.value))
  if (node.label !== undefined) result.label = node.label
  return result
}

function mark(dice: DieResult[], when: Compare, flag: 'criticalSuccess' | 'criticalFailure'): void {
  for (const d of dice) if (matches(when, d.value)) d[flag] = true
}

/** Marks dropped items; ties keep the earlier item. Works for dice and for group entries. */
export function applyKeep(items: Array<{ value: number; dropped?: true }>, keep: Keep): void {
  const n = items.length
  const k = Math.min(keep.count, n)
  const lowestFirst = items.map((_, i) => i).sort((a, b) => items[a]!.value - items[b]!.value || b - a)
  const highestFirst = items.map((_, i) => i).sort((a, b) => items[b]!.value - items[a]!.value || b - a)
  const drop =
    keep.mode === 'kh'
      ? lowestFirst.slice(0, n - k)
      : keep.mode === 'kl'
        ? highestFirst.slice(0, n - k)
        : keep.mode === 'dh'
          ? highestFirst.slice(0, k)
          : lowestFirst.slice(0, k)
  for (const i of drop) items[i]!.dropped = true
}

/** Flags kept items meeting the success target (and the failure one), and counts them. */
export function countSuccesses(
  items: Array<{ value: number; dropped?: true; success?: true; failure?: true }>,
  success: Compare,
  failure: Compare | undefined,
): { successes: number; failures: number } {
  let successes = 0
  let failures = 0
  for (const it of items) {
    if (it.dropped) continue
    if (matches(success, it.value)) {
      it.success = true
      successes++
    }
    if (failure && matches(failure, it.value)) {
      it.failure = true
      failures++
    }
  }
  return { successes, failures }
}
