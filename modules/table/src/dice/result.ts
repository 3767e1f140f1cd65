import type { BinaryOp, FunctionName, Sides } from './ast.ts'

/** Randomness the roller needs: a uniform integer in [min, max], both inclusive. */
export interface DiceRng {
  int(min: number, max: number): number
}

/**
 * One die as rolled. Flags are present only when true, so the JSON stays small. `value` is what counts;
 * `rolls` holds the natural rolls behind it when they differ (compounded, penetrating or clamped dice).
 */
export interface DieResult {
  value: number
  rolls?: number[]
  /** Values this die showed before being rerolled, oldest first. */
  rerolled?: number[]
  /** Not counted: removed by keep/drop. */
  dropped?: true
  /** Triggered an explosion: the next die in the list was added by it (compounding: folded into `value`). */
  exploded?: true
  /** Added by an explosion of the die before it. */
  fromExplosion?: true
  /** Moved by a `min`/`max` clamp; the natural roll is in `rolls`. */
  clamped?: true
  criticalSuccess?: true
  criticalFailure?: true
  success?: true
  failure?: true
}

interface ResultBase {
  value: number
  label?: string
}

export interface NumberResult extends ResultBase {
  type: 'number'
}

export interface DiceResult extends ResultBase {
  type: 'dice'
  /** This term alone, e.g. `4d6kh3`. */
  notation: string
  count: number
  sides: Sides
  dice: DieResult[]
  /** Present when the term counts successes; then `value` is successes − failures. */
  successes?: number
  failures?: number
}

export interface GroupEntryResult {
  value: number
  roll: RollNode
  dropped?: true
  success?: true
  failure?: true
}

export interface GroupResult extends ResultBase {
  type: 'group'
  notation: string
  entries: GroupEntryResult[]
  successes?: number
  failures?: number
}

export interface BinaryResult extends ResultBase {
  type: 'binary'
  op: BinaryOp
  left: RollNode
  right: RollNode
}

export interface NegateResult extends ResultBase {
  type: 'negate'
  operand: RollNode
}

export interface CallResult extends ResultBase {
  type: 'call'
  fn: FunctionName
  args: RollNode[]
}

/** The rolled tree: the parsed expression with every node's value and every die. */
export type RollNode = NumberResult | DiceResult | GroupResult | BinaryResult | NegateResult | CallResult

/** What a roll produces: plain data, ready to send to a client. */
export interface RollResult {
  /** Canonical notation of what was rolled. */
  notation: string
  total: number
  /** One line for chat logs, e.g. `4d6kh3 = [6, 5, 3, ~~1~~] = 14`. */
  text: string
  root: RollNode
}
