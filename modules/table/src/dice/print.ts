import type {
  BinaryOp,
  Compare,
  DiceModifiers,
  FunctionName,
  GroupModifiers,
  Keep,
  Node,
  Sides,
} from './ast.ts'

/** The tree shape shared by parsed expressions and roll results, so both print with the same parentheses. */
export type TreeNode<T> =
  | { type: 'binary'; op: BinaryOp; left: T; right: T; label?: string }
  | { type: 'negate'; operand: T; label?: string }
  | { type: 'call'; fn: FunctionName; args: T[]; label?: string }
  | { type: 'number' | 'dice' | 'group'; label?: string }

const ATOM = 4

/**
 * Prints a tree with the fewest parentheses that re-parse to the same tree; `leaf` prints numbers, dice and
 * groups. A right operand of equal precedence is always wrapped, because `a - (b - c)` is not `a - b - c`.
 */
export function printTree<T extends TreeNode<T>>(node: T, leaf: (n: T) => string): string {
  const show = (n: T): string => {
    let text: string
    if (n.type === 'binary') {
      const p = operatorPrecedence(n)
      text = `${wrap(n.left, p, false)} ${n.op} ${wrap(n.right, p, true)}`
    } else if (n.type === 'negate') {
      text = `-${wrap(n.operand, 3, false)}`
    } else if (n.type === 'call') {
      text = `${n.fn}(${n.args.map(show).join(', ')})`
    } else {
      text = leaf(n)
    }
    if (n.label === undefined) return text
    return n.type === 'binary' || n.type === 'negate' ? `(${text})[${n.label}]` : `${text}[${n.label}]`
  }
  const wrap = (child: T, parent: number, right: boolean): string => {
    const p = precedence(child)
    return p < parent || (right && p === parent && p < ATOM) ? `(${show(child)})` : show(child)
  }
  return show(node)
}

/** How tightly a node binds as a child: a label wraps it in parentheses, making it an atom. */
function precedence(n: TreeNode<unknown>): number {
  return n.label !== undefined ? ATOM : operatorPrecedence(n)
}

function operatorPrecedence(n: TreeNode<unknown>): number {
  if (n.type === 'binary') return n.op === '+' || n.op === '-' ? 1 : 2
  if (n.type === 'negate') return 3
  return ATOM
}

/** Canonical notation of an expression: lower case, modifiers in the order they apply, spaces around operators. */
export function printNotation(node: Node): string {
  return printTree(node, (n) => {
    if (n.type === 'number') return String(n.value)
    if (n.type === 'dice') return `${n.count}d${sidesText(n.sides)}${diceModifiersText(n.mods)}`
    if (n.type === 'group') return `{${n.entries.map(printNotation).join(', ')}}${groupModifiersText(n.mods)}`
    return ''
  })
}

export function sidesText(sides: Sides): string {
  return typeof sides === 'number' ? String(sides) : sides
}

/** Modifiers in canonical order; a space keeps a bare `r`/`!` from swallowing the success target after it. */
export function diceModifiersText(m: DiceModifiers): string {
  const parts: Array<[text: string, openCompare: boolean]> = []
  if (m.min !== undefined) parts.push([`min${m.min}`, false])
  if (m.max !== undefined) parts.push([`max${m.max}`, false])
  if (m.reroll) parts.push([(m.reroll.once ? 'ro' : 'r') + attached(m.reroll.compare), !m.reroll.compare])
  if (m.explode) {
    const word = { explode: '!', compound: '!!', penetrate: '!p' }[m.explode.mode]
    parts.push([word + attached(m.explode.compare), !m.explode.compare])
  }
  if (m.keep) parts.push([keepText(m.keep), false])
  if (m.success) parts.push([m.success.op + m.success.value, false])
  if (m.failure) parts.push(['f' + attached(m.failure.compare), !m.failure.compare])
  if (m.critSuccess) parts.push(['cs' + attached(m.critSuccess.compare), !m.critSuccess.compare])
  if (m.critFailure) parts.push(['cf' + attached(m.critFailure.compare), !m.critFailure.compare])
  if (m.sort) parts.push([m.sort === 'asc' ? 'sa' : 'sd', false])
  return joinParts(parts)
}

export function groupModifiersText(m: GroupModifiers): string {
  const parts: Array<[string, boolean]> = []
  if (m.keep) parts.push([keepText(m.keep), false])
  if (m.success) parts.push([m.success.op + m.success.value, false])
  if (m.failure) parts.push(['f' + attached(m.failure.compare), !m.failure.compare])
  return joinParts(parts)
}

function joinParts(parts: Array<[string, boolean]>): string {
  let out = ''
  let open = false
  for (const [text, openCompare] of parts) {
    out += open && /^[<>=]/.test(text) ? ` ${text}` : text
    open = openCompare
  }
  return out
}

function keepText(k: Keep): string {
  return `${k.mode}${k.count}`
}

/** A compare point glued to a modifier: a bare number for `=` (when not negative), else operator and value. */
function attached(c: Compare | undefined): string {
  if (!c) return ''
  return c.op === '=' && c.value >= 0 ? String(c.value) : c.op + c.value
}
