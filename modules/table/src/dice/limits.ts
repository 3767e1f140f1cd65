/** Bounds that keep a roll cheap and its output readable. Every field is optional when passed in. */
export interface DiceLimits {
  /** Dice in one term (`100d6`). */
  maxDicePerTerm: number
  /** Dice written in the whole expression (explosions and rerolls not counted; see `maxRolls`). */
  maxDiceTotal: number
  /** Largest die; d1 is allowed, d0 never. */
  maxSides: number
  /** Rerolls of one die, and explosions of one die, each stop after this many. */
  maxDepth: number
  /** Random draws for one expression, explosions and rerolls included; more is an error. */
  maxRolls: number
  /** Characters in one expression. */
  maxLength: number
  /** Parentheses, groups, function calls and unary signs nested in one another. */
  maxNesting: number
  /** Inline rolls (`[[...]]`) in one message. */
  maxInlineRolls: number
}

export const defaultDiceLimits: Readonly<DiceLimits> = Object.freeze({
  maxDicePerTerm: 100,
  maxDiceTotal: 1000,
  maxSides: 1000,
  maxDepth: 100,
  maxRolls: 10_000,
  maxLength: 500,
  maxNesting: 20,
  maxInlineRolls: 20,
})

/** Fills in defaults for any limit not given. */
export function resolveLimits(limits?: Partial<DiceLimits>): DiceLimits {
  return limits ? { ...defaultDiceLimits, ...limits } : defaultDiceLimits
}
