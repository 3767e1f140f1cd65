import {
  type Compare,
  type CompareOp,
  type DiceModifiers,
  faceRange,
  type GroupModifiers,
  type Keep,
  type KeepMode,
  matches,
  type Sides,
} from './ast.ts'
import { boundsError, syntaxError } from './errors.ts'
import type { Scanner } from './lexer.ts'

const keepWords: ReadonlyArray<[string, KeepMode]> = [
  ['kh', 'kh'],
  ['kl', 'kl'],
  ['k', 'kh'],
  ['dh', 'dh'],
  ['dl', 'dl'],
  ['d', 'dl'],
]

const kindNames: Record<string, string> = {
  min: "'min'",
  max: "'max'",
  reroll: "reroll ('r' or 'ro')",
  explode: "exploding ('!', '!!' or '!p')",
  keep: "keep/drop ('k', 'kh', 'kl', 'd', 'dh' or 'dl')",
  success: 'success target',
  failure: "failure ('f')",
  critSuccess: "critical success ('cs')",
  critFailure: "critical failure ('cf')",
  sort: "sort ('s', 'sa' or 'sd')",
}

/** Reads the modifiers glued after `NdX`, stopping (and rewinding over spaces) at the first thing that is not one. */
export function parseDiceModifiers(s: Scanner, sides: Sides): DiceModifiers {
  const mods: DiceModifiers = {}
  const seen = new Map<string, number>()
  const claim = (kind: string, at: number): void => {
    if (seen.has(kind)) throw syntaxError(`only one ${kindNames[kind]} modifier is allowed per dice term`, at)
    seen.set(kind, at)
  }
  for (;;) {
    const save = s.pos
    s.skipSpace()
    const at = s.pos
    if ((s.sees('min') || s.sees('max')) && s.isDigit(3)) {
      const kind = s.sees('min') ? 'min' : 'max'
      claim(kind, at)
      s.pos += 3
      mods[kind] = s.integer(`a number after '${kind}'`)
    } else if (s.eat('ro') || s.eat('r')) {
      claim('reroll', at)
      const once = s.text.charAt(at + 1).toLowerCase() === 'o'
      const compare = compareAfter(s)
      mods.reroll = compare ? { once, compare } : { once }
    } else if (s.eat('!')) {
      claim('explode', at)
      const mode = s.eat('!') ? 'compound' : s.eat('p') ? 'penetrate' : 'explode'
      const compare = compareAfter(s)
      mods.explode = compare ? { mode, compare } : { mode }
    } else if (s.sees('cs') || s.sees('cf')) {
      const kind = s.sees('cs') ? 'critSuccess' : 'critFailure'
      claim(kind, at)
      s.pos += 2
      mods[kind] = optionalCompare(s)
    } else if (s.eat('sa') || s.eat('sd') || s.eat('s')) {
      claim('sort', at)
      mods.sort = s.text.charAt(at + 1).toLowerCase() === 'd' ? 'desc' : 'asc'
    } else if (!readShared(s, mods, claim, at)) {
      s.pos = save
      break
    }
  }
  checkDice(mods, sides, seen)
  return mods
}

/** Reads the modifiers a group accepts: keep/drop, a success target and failures. */
export function parseGroupModifiers(s: Scanner): GroupModifiers {
  const mods: GroupModifiers = {}
  const seen = new Map<string, number>()
  const claim = (kind: string, at: number): void => {
    if (seen.has(kind)) throw syntaxError(`only one ${kindNames[kind]} modifier is allowed per group`, at)
    seen.set(kind, at)
  }
  for (;;) {
    const save = s.pos
    s.skipSpace()
    const at = s.pos
    if (readShared(s, mods, claim, at)) continue
    // Nothing that may follow a group starts with a letter or '!', so name the mistake precisely.
    if (s.peek() === '!' || s.isLetter()) {
      throw syntaxError(
        `${s.describe()} cannot modify a group; groups take keep/drop, a success target and 'f'`,
        at,
        'keep/drop, a success target or f',
      )
    }
    s.pos = save
    break
  }
  const failureAt = seen.get('failure') ?? 0
  if (mods.failure && !mods.success) throw failureFirst(failureAt)
  // A group has no faces, so there is no "lowest face" to default to.
  if (mods.failure && !mods.failure.compare) {
    throw syntaxError(
      "expected a compare point after 'f' on a group, e.g. f<3",
      failureAt + 1,
      'a compare point',
    )
  }
  return mods
}

/** Keep/drop, success and failure: the modifiers dice terms and groups share. */
function readShared(
  s: Scanner,
  mods: { keep?: Keep; success?: Compare; failure?: { compare?: Compare } },
  claim: (kind: string, at: number) => void,
  at: number,
): boolean {
  for (const [word, mode] of keepWords) {
    if (!s.eat(word)) continue
    claim('keep', at)
    mods.keep = { mode, count: s.isDigit() ? s.integer('a number') : 1 }
    return true
  }
  if (s.eat('f')) {
    claim('failure', at)
    mods.failure = optionalCompare(s)
    return true
  }
  const op = readOp(s)
  if (op) {
    claim('success', at)
    mods.success = { op, value: signedInteger(s, op) }
    return true
  }
  return false
}

function optionalCompare(s: Scanner): { compare?: Compare } {
  const compare = compareAfter(s)
  return compare ? { compare } : {}
}

/** A compare point glued to a modifier: `<2`, `>=5`, `=-1` or a bare `2` (meaning `=2`); none is fine. */
function compareAfter(s: Scanner): Compare | undefined {
  const op = readOp(s)
  if (op) return { op, value: signedInteger(s, op) }
  if (s.isDigit()) return { op: '=', value: s.integer('a number') }
  return undefined
}

function readOp(s: Scanner): CompareOp | undefined {
  for (const op of ['>=', '<=', '>', '<', '='] as const) if (s.eat(op)) return op
  return undefined
}

function signedInteger(s: Scanner, op: string): number {
  s.skipSpace()
  const negative = s.peek() === '-' || s.peek() === '\u2212'
  if (negative) s.pos++
  const value = s.integer(`a number after '${op}'`)
  return negative ? -value : value
}

function failureFirst(at: number): Error {
  return syntaxError("failure counting 'f' needs a success target too, e.g. 3d6>4f1", at, 'a success target')
}

function checkDice(mods: DiceModifiers, sides: Sides, seen: Map<string, number>): void {
  if (mods.failure && !mods.success) throw failureFirst(seen.get('failure') ?? 0)
  if (mods.min !== undefined && mods.max !== undefined && mods.min > mods.max) {
    throw boundsError("'min' must not be greater than 'max'", seen.get('max') ?? 0)
  }
  const [lo, hi] = faceRange(sides)
  const everyFace = (c: Compare): boolean => {
    for (let v = lo; v <= hi; v++) if (!matches(c, v)) return false
    return true
  }
  const reroll = mods.reroll
  if (reroll && !reroll.once && everyFace(reroll.compare ?? { op: '=', value: lo })) {
    throw boundsError(
      'the reroll condition matches every face, so the roll could never end',
      seen.get('reroll') ?? 0,
    )
  }
  if (mods.explode && everyFace(mods.explode.compare ?? { op: '=', value: hi })) {
    throw boundsError(
      'the explode condition matches every face, so the roll could never end',
      seen.get('explode') ?? 0,
    )
  }
}
