import { createRandom } from '@tavern/server'
import {
  type Compare,
  commit,
  DiceError,
  type DiceModifiers,
  type DiceResult,
  diceRange,
  expandInline,
  faceRange,
  fairRoll,
  type Node,
  parse,
  printNotation,
  roll,
  type Sides,
  verify,
} from '@tavern/table/dice'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stripPositions } from './dice-helpers.ts'

const ops = ['=', '>', '>=', '<', '<='] as const
const compareIn = (lo: number, hi: number): fc.Arbitrary<Compare> =>
  fc.record({ op: fc.constantFrom(...ops), value: fc.integer({ min: lo - 1, max: hi + 1 }) })
/** Present one time in four, so most terms carry a few modifiers rather than all of them. */
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb })
const keepArb = fc.record({
  mode: fc.constantFrom('kh', 'kl', 'dh', 'dl' as const),
  count: fc.integer({ min: 0, max: 6 }),
})
const labelArb = opt(fc.constantFrom('fire', 'to hit', 'cold damage', 'x'))

const matchesEvery = (c: Compare, lo: number, hi: number): boolean => {
  for (let v = lo; v <= hi; v++) {
    const ok = {
      '=': v === c.value,
      '>': v > c.value,
      '>=': v >= c.value,
      '<': v < c.value,
      '<=': v <= c.value,
    }[c.op]
    if (!ok) return false
  }
  return true
}

const modifiersFor = (sides: Sides): fc.Arbitrary<DiceModifiers> => {
  const [lo, hi] = faceRange(sides)
  const cmp = compareIn(lo, hi)
  const optionalCmp = fc.option(cmp, { nil: undefined }).map((compare) => (compare ? { compare } : {}))
  return fc
    .record({
      min: opt(fc.integer({ min: 0, max: hi + 1 })),
      max: opt(fc.integer({ min: 0, max: hi + 1 })),
      reroll: opt(fc.record({ once: fc.boolean() }).chain((r) => optionalCmp.map((c) => ({ ...r, ...c })))),
      explode: opt(
        fc
          .constantFrom('explode', 'compound', 'penetrate' as const)
          .chain((mode) => optionalCmp.map((c) => ({ mode, ...c }))),
      ),
      keep: opt(keepArb),
      success: opt(cmp),
      failure: opt(optionalCmp),
      critSuccess: opt(optionalCmp),
      critFailure: opt(optionalCmp),
      sort: opt(fc.constantFrom('asc', 'desc' as const)),
    })
    .map((m) => JSON.parse(JSON.stringify(m)) as DiceModifiers)
    .filter((m) => {
      if (m.failure && !m.success) return false
      if (m.min !== undefined && m.max !== undefined && m.min > m.max) return false
      if (m.reroll && !m.reroll.once && matchesEvery(m.reroll.compare ?? { op: '=', value: lo }, lo, hi))
        return false
      return !(m.explode && matchesEvery(m.explode.compare ?? { op: '=', value: hi }, lo, hi))
    })
}

const sidesArb: fc.Arbitrary<Sides> = fc.oneof(
  fc.integer({ min: 1, max: 20 }),
  fc.constantFrom<Sides>('F', '%', 100),
)
const withLabel = <T extends object>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.tuple(arb, labelArb).map(([n, label]) => (label === undefined ? n : { ...n, label }))
const at = { pos: 0, end: 0 }

/** Random expression trees in the shape the parser builds (positions zeroed). */
const { node: nodeArb } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'expr' },
    withLabel(
      fc
        .oneof(
          fc.integer({ min: 0, max: 1000 }),
          fc.integer({ min: 0, max: 99_999 }).map((n) => n / 100),
        )
        .map((value): Node => ({ type: 'number', value, ...at })),
    ),
    withLabel(
      fc
        .tuple(fc.integer({ min: 1, max: 5 }), sidesArb)
        .chain(([count, sides]) =>
          modifiersFor(sides).map((mods): Node => ({ type: 'dice', count, sides, mods, ...at })),
        ),
    ),
    withLabel(
      fc
        .record({
          op: fc.constantFrom('+', '-', '*', '/' as const),
          left: tie('node'),
          right: tie('node'),
        })
        .map((b): Node => ({ type: 'binary', ...b, opPos: 0, ...at })),
    ),
    withLabel(tie('node').map((operand): Node => ({ type: 'negate', operand, ...at }))),
    withLabel(
      fc.oneof(
        fc
          .tuple(fc.constantFrom('floor', 'ceil', 'round', 'abs' as const), tie('node'))
          .map(([fn, arg]): Node => ({ type: 'call', fn, args: [arg], ...at })),
        fc
          .tuple(
            fc.constantFrom('min', 'max' as const),
            fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
          )
          .map(([fn, args]): Node => ({ type: 'call', fn, args, ...at })),
      ),
    ),
    withLabel(
      fc
        .tuple(
          fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
          opt(keepArb),
          opt(compareIn(0, 20)),
          opt(compareIn(0, 20)),
        )
        .map(([entries, keep, success, failure]): Node => {
          const mods = JSON.parse(
            JSON.stringify({ keep, success, failure: success && failure ? { compare: failure } : undefined }),
          )
          return { type: 'group', entries, mods, ...at }
        }),
    ),
  ),
}))

/** A printed tree that stays inside the default limits. */
const notationArb = nodeArb
  .map((node) => ({ node, text: printNotation(node) }))
  .filter(({ text }) => text.length <= 500)

const isDiceError = (err: unknown): err is DiceError => err instanceof DiceError

describe('dice properties', () => {
  it('printing then parsing gives back the same tree, and printing again the same text', () => {
    fc.assert(
      fc.property(notationArb, ({ node, text }) => {
        const again = parse(text)
        expect(stripPositions(again.root)).toEqual(stripPositions(node))
        expect(printNotation(again.root)).toBe(text)
      }),
      { numRuns: 500 },
    )
  })

  it('every total lies within the range computed from the tree', () => {
    fc.assert(
      fc.property(notationArb, fc.integer(), ({ text }, seed) => {
        const expression = parse(text)
        const { min, max } = diceRange(expression.root)
        let total: number
        try {
          total = roll(expression, createRandom(seed)).total
        } catch (err) {
          if (isDiceError(err) && err.code !== 'table.dice_syntax') return
          throw err
        }
        const slack = 1e-9 * Math.max(1, Math.abs(min), Math.abs(max))
        expect(Number.isFinite(total)).toBe(true)
        expect(total).toBeGreaterThanOrEqual(min - slack)
        expect(total).toBeLessThanOrEqual(max + slack)
      }),
      { numRuns: 500 },
    )
  })

  it('keep/drop keeps exactly the number of dice asked for', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 1000 }),
        keepArb.map((k) => ({ ...k, count: k.count * 4 })),
        fc.integer(),
        (n, sides, keep, seed) => {
          const r = roll(parse(`${n}d${sides}${keep.mode}${keep.count}`), createRandom(seed))
          const dice = (r.root as DiceResult).dice
          const kept = dice.filter((d) => !d.dropped)
          const k = Math.min(keep.count, n)
          expect(kept).toHaveLength(keep.mode === 'kh' || keep.mode === 'kl' ? k : n - k)
          const keptValues = kept.map((d) => d.value)
          const droppedValues = dice.filter((d) => d.dropped).map((d) => d.value)
          const keepsHigh = keep.mode === 'kh' || keep.mode === 'dl'
          if (keptValues.length > 0 && droppedValues.length > 0) {
            if (keepsHigh) expect(Math.min(...keptValues)).toBeGreaterThanOrEqual(Math.max(...droppedValues))
            else expect(Math.max(...keptValues)).toBeLessThanOrEqual(Math.min(...droppedValues))
          }
          expect(r.total).toBe(keptValues.reduce((a, b) => a + b, 0))
        },
      ),
      { numRuns: 300 },
    )
  })

  const tokens = [
    'd',
    '4',
    '6',
    '20',
    '1',
    '0',
    'k',
    'h',
    'l',
    'r',
    'o',
    '!',
    'p',
    '>',
    '<',
    '=',
    'f',
    'F',
    'c',
    's',
    'a',
  ]
  const symbols = [
    'min',
    'max',
    'floor',
    'abs',
    '(',
    ')',
    '{',
    '}',
    '[',
    ']',
    ',',
    '+',
    '-',
    '*',
    '/',
    '×',
    '÷',
    '%',
    ' ',
    '.',
  ]
  const diceSoup = fc.array(fc.constantFrom(...tokens, ...symbols), { maxLength: 30 }).map((t) => t.join(''))
  // Valid notation with one character deleted, inserted or replaced: errors right next to valid input.
  const mutated = notationArb.chain(({ text }) =>
    fc
      .tuple(fc.nat(text.length), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...tokens, ...symbols))
      .map(
        ([i, kind, piece]) =>
          text.slice(0, i) + (kind === 1 ? '' : piece) + text.slice(kind === 0 ? i : i + 1),
      ),
  )

  it('the parser throws nothing but the structured error, at a position inside the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), diceSoup, mutated),
        fc.integer(),
        (text, seed) => {
          let printed: string
          try {
            printed = printNotation(parse(text).root)
          } catch (err) {
            expect(isDiceError(err)).toBe(true)
            const e = err as DiceError
            expect(['table.dice_syntax', 'table.dice_bounds']).toContain(e.code)
            expect(e.position).toBeGreaterThanOrEqual(0)
            expect(e.position).toBeLessThanOrEqual(text.length)
            expect(e.message).toMatch(new RegExp(`at position ${e.position}$`))
            return
          }
          expect(printNotation(parse(printed).root)).toBe(printed)
          try {
            expect(Number.isFinite(roll(parse(printed), createRandom(seed)).total)).toBe(true)
          } catch (err) {
            expect(isDiceError(err)).toBe(true)
          }
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('an inline error points at the same character in the whole message', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }).filter((s) => !s.includes('[')),
        diceSoup,
        (prefix, inner) => {
          fc.pre(!inner.includes(']') && !inner.includes('['))
          let innerError: DiceError | undefined
          try {
            roll(parse(inner), createRandom(1))
          } catch (err) {
            if (!isDiceError(err)) throw err
            innerError = err
          }
          fc.pre(innerError !== undefined)
          const out = expandInline(`${prefix}[[${inner}]] tail`, createRandom(1))
          expect(out).toMatchObject({
            ok: false,
            error: { position: prefix.length + 2 + innerError!.position },
          })
        },
      ),
      { numRuns: 300 },
    )
  })

  it('the same seeds and nonce always give the same roll, and it verifies', () => {
    fc.assert(
      fc.property(notationArb, fc.string({ maxLength: 12 }), fc.nat(), ({ text }, clientSeed, nonce) => {
        const seeds = { serverSeed: 'property-seed', clientSeed, nonce }
        const a = fairRoll(text, seeds)
        const b = fairRoll(text, seeds)
        expect(b).toEqual(a)
        if (!a.ok) return
        expect(verify('property-seed', commit('property-seed'), [a.record]).ok).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})
