import type { DiceRng, Node } from '@tavern/table/dice'

/** A random source that hands out the given values in order and checks each fits the die asked for. */
export function scripted(...values: number[]): DiceRng & { left(): number; asked: Array<[number, number]> } {
  const queue = [...values]
  const asked: Array<[number, number]> = []
  return {
    asked,
    left: () => queue.length,
    int(min, max) {
      asked.push([min, max])
      const v = queue.shift()
      if (v === undefined) throw new Error(`scripted rng ran out (asked for [${min}, ${max}])`)
      if (v < min || v > max) throw new Error(`scripted value ${v} outside [${min}, ${max}]`)
      return v
    },
  }
}

/** The tree without source offsets, for comparing the structure of two parses. */
export function stripPositions(node: Node): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value) =>
      key === 'pos' || key === 'end' || key === 'opPos' ? undefined : value,
    ),
  )
}
