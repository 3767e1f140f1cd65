import {
  type BinaryOp,
  type CallNode,
  type DiceExpression,
  type DiceNode,
  type FunctionName,
  functionNames,
  type GroupNode,
  type Node,
  type Sides,
} from './ast.ts'
import { boundsError, DiceError, type DiceErrorInfo, syntaxError } from './errors.ts'
import { Scanner } from './lexer.ts'
import { type DiceLimits, resolveLimits } from './limits.ts'
import { parseDiceModifiers, parseGroupModifiers } from './modifiers.ts'

const termExpected = "a number, dice, '(', '{' or a function"

/** Parses dice notation. Throws a {@link DiceError} (and nothing else) when the text is not valid notation. */
export function parse(text: string, limits?: Partial<DiceLimits>): DiceExpression {
  return { source: text, root: new Parser(text, resolveLimits(limits)).all() }
}

/** Parses dice notation, returning the error as a value instead of throwing it. */
export function tryParse(
  text: string,
  limits?: Partial<DiceLimits>,
): { ok: true; expression: DiceExpression } | { ok: false; error: DiceErrorInfo } {
  try {
    return { ok: true, expression: parse(text, limits) }
  } catch (err) {
    if (err instanceof DiceError) return { ok: false, error: err.info() }
    throw err
  }
}

class Parser {
  private readonly s: Scanner
  private depth = 0
  private dice = 0

  constructor(
    text: string,
    private readonly limits: DiceLimits,
  ) {
    this.s = new Scanner(text)
  }

  all(): Node {
    const { s, limits } = this
    if (s.text.length > limits.maxLength) {
      throw boundsError(`the notation is longer than ${limits.maxLength} characters`, limits.maxLength)
    }
    s.skipSpace()
    if (s.atEnd()) throw syntaxError('expected a dice expression', s.pos, 'a dice expression')
    const root = this.additive()
    s.skipSpace()
    if (s.peek() === ')') throw syntaxError("unexpected ')' without a matching '('", s.pos)
    if (!s.atEnd()) {
      throw syntaxError(
        `expected an operator or the end, found ${s.describe()}`,
        s.pos,
        'an operator or the end',
      )
    }
    return root
  }

  private additive(): Node {
    let left = this.multiplicative()
    for (;;) {
      this.s.skipSpace()
      const c = this.s.peek()
      const op: BinaryOp | undefined = c === '+' ? '+' : c === '-' || c === '\u2212' ? '-' : undefined
      if (!op) return left
      left = this.binary(left, op)
    }
  }

  private multiplicative(): Node {
    let left = this.unary()
    for (;;) {
      this.s.skipSpace()
      const c = this.s.peek()
      const op: BinaryOp | undefined =
        c === '*' || c === '\u00d7' ? '*' : c === '/' || c === '\u00f7' ? '/' : undefined
      if (!op) return left
      left = this.binary(left, op)
    }
  }

  private binary(left: Node, op: BinaryOp): Node {
    const opPos = this.s.pos
    this.s.pos++
    const right = op === '+' || op === '-' ? this.multiplicative() : this.unary()
    return { type: 'binary', op, opPos, left, right, pos: left.pos, end: right.end }
  }

  private unary(): Node {
    const { s } = this
    s.skipSpace()
    const c = s.peek()
    if (c !== '-' && c !== '\u2212' && c !== '+') return this.postfix()
    const start = s.pos
    s.pos++
    this.enter(start)
    const operand = this.unary()
    this.depth--
    // Unary plus changes nothing, so it leaves no trace in the tree.
    return c === '+' ? operand : { type: 'negate', operand, pos: start, end: operand.end }
  }

  private postfix(): Node {
    const { s } = this
    const node = this.primary()
    const save = s.pos
    s.skipSpace()
    if (s.peek() !== '[') {
      s.pos = save
      return node
    }
    if (node.label !== undefined) throw syntaxError('a term can carry only one label', s.pos)
    const open = s.pos
    const close = s.text.indexOf(']', open + 1)
    const nested = s.text.indexOf('[', open + 1)
    if (close < 0 || (nested >= 0 && nested < close)) {
      throw syntaxError("expected ']' to close the label", nested >= 0 ? nested : s.text.length, "']'")
    }
    const label = s.text.slice(open + 1, close).trim()
    if (label === '') throw syntaxError('a label cannot be empty', open)
    s.pos = close + 1
    node.label = label
    node.end = s.pos
    const after = s.pos
    s.skipSpace()
    if (s.peek() === '[') throw syntaxError('a term can carry only one label', s.pos)
    s.pos = after
    return node
  }

  private primary(): Node {
    const { s } = this
    s.skipSpace()
    const start = s.pos
    const c = s.peek()
    if (s.isDigit()) {
      const value = s.number()
      if (!s.sees('d')) return { type: 'number', value, pos: start, end: s.pos }
      if (!Number.isInteger(value) || s.text.slice(start, s.pos).includes('.')) {
        throw syntaxError('the number of dice must be a whole number', start, 'a whole number')
      }
      return this.diceTerm(start, value)
    }
    if (s.sees('d')) return this.diceTerm(start, 1)
    if (c === '(') {
      s.pos++
      this.enter(start)
      const inner = this.additive()
      this.close(')')
      this.depth--
      inner.pos = start
      inner.end = s.pos
      return inner
    }
    if (c === '{') return this.group(start)
    if (s.isLetter()) return this.call(start)
    const found = s.atEnd() ? 'the end' : s.describe()
    throw syntaxError(`expected ${termExpected}, found ${found}`, start, termExpected)
  }

  private diceTerm(start: number, count: number): DiceNode {
    const { s, limits } = this
    s.pos++
    const sidesPos = s.pos
    let sides: Sides
    if (s.eat('%')) sides = '%'
    else if (s.eat('f')) sides = 'F'
    else if (s.isDigit()) sides = s.integer('a number of sides')
    else throw syntaxError("expected a number of sides after 'd'", sidesPos, 'a number of sides')
    if (count < 1) throw boundsError('a dice term needs at least one die', start)
    if (count > limits.maxDicePerTerm) {
      throw boundsError(`a dice term may roll at most ${limits.maxDicePerTerm} dice`, start)
    }
    if (typeof sides === 'number' && sides < 1) throw boundsError('a die needs at least one side', sidesPos)
    if (typeof sides === 'number' && sides > limits.maxSides) {
      throw boundsError(`a die may have at most ${limits.maxSides} sides`, sidesPos)
    }
    this.dice += count
    if (this.dice > limits.maxDiceTotal) {
      throw boundsError(`an expression may roll at most ${limits.maxDiceTotal} dice`, start)
    }
    const mods = parseDiceModifiers(s, sides)
    return { type: 'dice', count, sides, mods, pos: start, end: s.pos }
  }

  private group(start: number): GroupNode {
    const { s } = this
    s.pos++
    this.enter(start)
    const entries: Node[] = []
    for (;;) {
      entries.push(this.additive())
      s.skipSpace()
      if (s.eat(',')) continue
      if (s.eat('}')) break
      throw syntaxError(`expected ',' or '}' in a group, found ${s.describe()}`, s.pos, "',' or '}'")
    }
    this.depth--
    const mods = parseGroupModifiers(s)
    return { type: 'group', entries, mods, pos: start, end: s.pos }
  }

  private call(start: number): CallNode {
    const { s } = this
    const name = s.word().toLowerCase()
    if (!(functionNames as readonly string[]).includes(name)) {
      throw syntaxError(
        `unknown function '${s.text.slice(start, s.pos)}'`,
        start,
        'floor, ceil, round, abs, min or max',
      )
    }
    const fn = name as FunctionName
    s.skipSpace()
    if (!s.eat('(')) throw syntaxError(`expected '(' after '${fn}'`, s.pos, "'('")
    this.enter(start)
    const args: Node[] = [this.additive()]
    s.skipSpace()
    while (s.eat(',')) {
      if (fn !== 'min' && fn !== 'max') throw syntaxError(`'${fn}' takes exactly one argument`, s.pos - 1)
      args.push(this.additive())
      s.skipSpace()
    }
    this.close(')')
    this.depth--
    return { type: 'call', fn, args, pos: start, end: s.pos }
  }

  private close(char: string): void {
    this.s.skipSpace()
    if (!this.s.eat(char))
      throw syntaxError(`expected '${char}', found ${this.s.describe()}`, this.s.pos, `'${char}'`)
  }

  private enter(at: number): void {
    if (++this.depth > this.limits.maxNesting) {
      throw boundsError(`expressions may nest at most ${this.limits.maxNesting} levels deep`, at)
    }
  }
}
