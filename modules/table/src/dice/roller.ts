import type { DiceExpression, GroupNode, Node } from './ast.ts'
import { applyKeep, countSuccesses, rollDiceTerm } from './dice-term.ts'
import { boundsError, DiceError, type DiceErrorInfo } from './errors.ts'
import { renderText } from './format.ts'
import { type DiceLimits, resolveLimits } from './limits.ts'
import { parse } from './parser.ts'
import { groupModifiersText, printNotation } from './print.ts'
import type { DiceRng, GroupEntryResult, GroupResult, RollNode, RollResult } from './result.ts'

/**
 * Rolls a parsed expression. Dice are drawn left to right, each die's rerolls and explosions right after it.
 * Throws a {@link DiceError} on division by zero, a non-finite result or more than `maxRolls` draws.
 */
export function roll(expression: DiceExpression, rng: DiceRng, limits?: Partial<DiceLimits>): RollResult {
  const root = new Roller(rng, resolveLimits(limits)).eval(expression.root)
  const notation = printNotation(expression.root)
  return { notation, total: root.value, text: renderText(notation, root), root }
}

export type DiceOutcome = { ok: true; result: RollResult } | { ok: false; error: DiceErrorInfo }

/** Parses and rolls, returning a bad notation as a value instead of throwing it. */
export function tryRoll(text: string, rng: DiceRng, limits?: Partial<DiceLimits>): DiceOutcome {
  try {
    return { ok: true, result: roll(parse(text, limits), rng, limits) }
  } catch (err) {
    if (err instanceof DiceError) return { ok: false, error: err.info() }
    throw err
  }
}

class Roller {
  private draws = 0

  constructor(
    private readonly rng: DiceRng,
    private readonly limits: DiceLimits,
  ) {}

  eval(node: Node): RollNode {
    const out = this.evalNode(node)
    if (node.label !== undefined) out.label = node.label
    return out
  }

  private evalNode(node: Node): RollNode {
    switch (node.type) {
      case 'number':
        return { type: 'number', value: node.value }
      case 'dice':
        return rollDiceTerm(node, (min, max) => this.draw(min, max, node.pos), this.limits.maxDepth)
      case 'group':
        return this.group(node)
      case 'negate': {
        const operand = this.eval(node.operand)
        return { type: 'negate', operand, value: clean(-operand.value) }
      }
      case 'call': {
        const args = node.args.map((a) => this.eval(a))
        const values = args.map((a) => a.value)
        const first = values[0] ?? 0
        const fns = { floor: Math.floor, ceil: Math.ceil, round: Math.round, abs: Math.abs }
        const value =
          node.fn === 'min'
            ? Math.min(...values)
            : node.fn === 'max'
              ? Math.max(...values)
              : fns[node.fn](first)
        return { type: 'call', fn: node.fn, args, value: clean(value) }
      }
      case 'binary': {
        const left = this.eval(node.left)
        const right = this.eval(node.right)
        if (node.op === '/' && right.value === 0) {
          throw new DiceError({
            code: 'table.dice_division_by_zero',
            message: `division by zero at position ${node.opPos}`,
            position: node.opPos,
          })
        }
        const value = arithmetic(node.op, left.value, right.value)
        if (!Number.isFinite(value)) throw boundsError('the result is too large', node.opPos)
        return { type: 'binary', op: node.op, left, right, value: clean(value) }
      }
    }
  }

  private group(node: GroupNode): GroupResult {
    const entries: GroupEntryResult[] = node.entries.map((e) => {
      const r = this.eval(e)
      return { value: r.value, roll: r }
    })
    const m = node.mods
    if (m.keep) applyKeep(entries, m.keep)
    const notation = `{${node.entries.map(printNotation).join(', ')}}${groupModifiersText(m)}`
    const result: GroupResult = { type: 'group', notation, entries, value: 0 }
    if (m.success) {
      const { successes, failures } = countSuccesses(entries, m.success, m.failure?.compare)
      result.successes = successes
      result.failures = failures
      result.value = successes - failures
    } else {
      result.value = clean(entries.reduce((sum, e) => (e.dropped ? sum : sum + e.value), 0))
    }
    return result
  }

  private draw(min: number, max: number, at: number): number {
    if (++this.draws > this.limits.maxRolls) {
      throw boundsError(`the roll needed more than ${this.limits.maxRolls} dice rolls`, at)
    }
    const v = this.rng.int(min, max)
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`random source returned ${v} for [${min}, ${max}]`)
    return v
  }
}

function arithmetic(op: '+' | '-' | '*' | '/', a: number, b: number): number {
  if (op === '+') return a + b
  if (op === '-') return a - b
  if (op === '*') return a * b
  return a / b
}

/** Turns −0 into 0 so it never shows as "-0". */
function clean(v: number): number {
  return v + 0
}
