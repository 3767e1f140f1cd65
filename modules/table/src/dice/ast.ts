/**
 * The dice expression tree the parser produces and the roller walks. Plain data: it can be stored, sent and
 * compared. `pos`/`end` are 0-based character offsets into the source, used for error positions.
 */

export type CompareOp = '=' | '>' | '>=' | '<' | '<='

/** A compare point such as `>=5`; a bare number means `=`. */
export interface Compare {
  op: CompareOp
  value: number
}

/** Sides of a die: a number, `F` (fate: −1, 0, +1) or `%` (1–100). */
export type Sides = number | 'F' | '%'

export type KeepMode = 'kh' | 'kl' | 'dh' | 'dl'

export interface Keep {
  mode: KeepMode
  count: number
}

export type ExplodeMode = 'explode' | 'compound' | 'penetrate'

/** Modifiers of a dice term; each kind appears at most once and they apply in a fixed order (see README). */
export interface DiceModifiers {
  min?: number
  max?: number
  /** Without `compare` the lowest face is rerolled. */
  reroll?: { once: boolean; compare?: Compare }
  /** Without `compare` the highest face explodes. */
  explode?: { mode: ExplodeMode; compare?: Compare }
  keep?: Keep
  success?: Compare
  /** Without `compare` the lowest face counts as a failure. */
  failure?: { compare?: Compare }
  /** Without `compare` the highest face is critical. */
  critSuccess?: { compare?: Compare }
  /** Without `compare` the lowest face is critical. */
  critFailure?: { compare?: Compare }
  sort?: 'asc' | 'desc'
}

export interface GroupModifiers {
  keep?: Keep
  success?: Compare
  failure?: { compare?: Compare }
}

interface NodeBase {
  /** Offset of the node's first character. */
  pos: number
  /** Offset just past the node's last character. */
  end: number
  /** A label written after the term, like `5[fire]`. */
  label?: string
}

export interface NumberNode extends NodeBase {
  type: 'number'
  value: number
}

export interface DiceNode extends NodeBase {
  type: 'dice'
  count: number
  sides: Sides
  mods: DiceModifiers
}

export interface GroupNode extends NodeBase {
  type: 'group'
  entries: Node[]
  mods: GroupModifiers
}

export type BinaryOp = '+' | '-' | '*' | '/'

export interface BinaryNode extends NodeBase {
  type: 'binary'
  op: BinaryOp
  /** Offset of the operator, where a division by zero is reported. */
  opPos: number
  left: Node
  right: Node
}

export interface NegateNode extends NodeBase {
  type: 'negate'
  operand: Node
}

export const functionNames = ['floor', 'ceil', 'round', 'abs', 'min', 'max'] as const
export type FunctionName = (typeof functionNames)[number]

export interface CallNode extends NodeBase {
  type: 'call'
  fn: FunctionName
  args: Node[]
}

export type Node = NumberNode | DiceNode | GroupNode | BinaryNode | NegateNode | CallNode

/** A parsed expression with the text it came from. */
export interface DiceExpression {
  source: string
  root: Node
}

/** Lowest and highest face of a die. */
export function faceRange(sides: Sides): [number, number] {
  if (sides === 'F') return [-1, 1]
  if (sides === '%') return [1, 100]
  return [1, sides]
}

/** Whether a value meets a compare point. */
export function matches(c: Compare, v: number): boolean {
  switch (c.op) {
    case '=':
      return v === c.value
    case '>':
      return v > c.value
    case '>=':
      return v >= c.value
    case '<':
      return v < c.value
    case '<=':
      return v <= c.value
  }
}
