import {
  type DiceErrorInfo,
  type DiceNode,
  type Node,
  parse,
  printNotation,
  tryParse,
} from '@tavern/table/dice'
import { describe, expect, it } from 'vitest'

const canonical = (text: string): string => printNotation(parse(text).root)
const dice = (text: string): DiceNode => {
  const root = parse(text).root
  if (root.type !== 'dice') throw new Error(`${text} is not a single dice term`)
  return root
}
const failure = (text: string): DiceErrorInfo => {
  const out = tryParse(text)
  if (out.ok) throw new Error(`${text} should not parse`)
  return out.error
}

describe('dice notation: terms', () => {
  it.each([
    ['4d6', '4d6'],
    ['d20', '1d20'],
    ['1d1', '1d1'],
    ['d%', '1d%'],
    ['4dF', '4dF'],
    ['4df', '4dF'],
    ['4D6KH3', '4d6kh3'],
    ['100d1000', '100d1000'],
  ])('%s reads as %s', (text, printed) => {
    expect(canonical(text)).toBe(printed)
  })

  it('keeps the count and sides', () => {
    expect(dice('3d8')).toMatchObject({ count: 3, sides: 8, mods: {} })
    expect(dice('d%').sides).toBe('%')
    expect(dice('2dF').sides).toBe('F')
  })
})

describe('dice notation: arithmetic', () => {
  it.each([
    ['1+2*3', '1 + 2 * 3'],
    ['(1+2)*3', '(1 + 2) * 3'],
    ['2 × 3 ÷ 4', '2 * 3 / 4'],
    ['5 − 2', '5 - 2'],
    ['1 - (2 - 3)', '1 - (2 - 3)'],
    ['1 - 2 - 3', '1 - 2 - 3'],
    ['8 / (4 / 2)', '8 / (4 / 2)'],
    ['((1d6))', '1d6'],
    ['-1d4', '-1d4'],
    ['--3', '--3'],
    ['+3', '3'],
    ['2 * -3', '2 * -3'],
    ['-(1 + 2)', '-(1 + 2)'],
    ['1.5 * 2', '1.5 * 2'],
    ['floor(7/2)', 'floor(7 / 2)'],
    ['CEIL(1d6/2)', 'ceil(1d6 / 2)'],
    ['round(2.5)', 'round(2.5)'],
    ['abs(-3)', 'abs(-3)'],
    ['min(1d6, 1d8, 4)', 'min(1d6, 1d8, 4)'],
    ['max(1d6,3)', 'max(1d6, 3)'],
  ])('%s reads as %s', (text, printed) => {
    expect(canonical(text)).toBe(printed)
  })

  it('gives * and / precedence over + and -, left to right', () => {
    const root = parse('1 + 2 * 3 - 4').root as Extract<Node, { type: 'binary' }>
    expect(root.op).toBe('-')
    expect(root.left).toMatchObject({ type: 'binary', op: '+', right: { type: 'binary', op: '*' } })
  })
})

describe('dice notation: modifiers', () => {
  it.each([
    ['4d6kh3', { keep: { mode: 'kh', count: 3 } }, '4d6kh3'],
    ['4d6k3', { keep: { mode: 'kh', count: 3 } }, '4d6kh3'],
    ['2d20kh', { keep: { mode: 'kh', count: 1 } }, '2d20kh1'],
    ['2d20kl1', { keep: { mode: 'kl', count: 1 } }, '2d20kl1'],
    ['4d6dh1', { keep: { mode: 'dh', count: 1 } }, '4d6dh1'],
    ['4d6dl1', { keep: { mode: 'dl', count: 1 } }, '4d6dl1'],
    ['4d6d1', { keep: { mode: 'dl', count: 1 } }, '4d6dl1'],
    ['2d6r<2', { reroll: { once: false, compare: { op: '<', value: 2 } } }, '2d6r<2'],
    ['2d6r2', { reroll: { once: false, compare: { op: '=', value: 2 } } }, '2d6r2'],
    ['2d6r>=5', { reroll: { once: false, compare: { op: '>=', value: 5 } } }, '2d6r>=5'],
    ['2d6r', { reroll: { once: false } }, '2d6r'],
    ['2d6ro<2', { reroll: { once: true, compare: { op: '<', value: 2 } } }, '2d6ro<2'],
    ['4dFr=-1', { reroll: { once: false, compare: { op: '=', value: -1 } } }, '4dFr=-1'],
    ['3d6!', { explode: { mode: 'explode' } }, '3d6!'],
    ['3d6!>4', { explode: { mode: 'explode', compare: { op: '>', value: 4 } } }, '3d6!>4'],
    ['3d6!5', { explode: { mode: 'explode', compare: { op: '=', value: 5 } } }, '3d6!5'],
    ['3d6!!', { explode: { mode: 'compound' } }, '3d6!!'],
    ['3d6!p', { explode: { mode: 'penetrate' } }, '3d6!p'],
    ['3d6!p>5', { explode: { mode: 'penetrate', compare: { op: '>', value: 5 } } }, '3d6!p>5'],
    ['6d10>7', { success: { op: '>', value: 7 } }, '6d10>7'],
    ['6d10>=7', { success: { op: '>=', value: 7 } }, '6d10>=7'],
    ['6d10<3', { success: { op: '<', value: 3 } }, '6d10<3'],
    ['6d10<=3', { success: { op: '<=', value: 3 } }, '6d10<=3'],
    ['6d10=10', { success: { op: '=', value: 10 } }, '6d10=10'],
    [
      '6d10>=7f<2',
      { success: { op: '>=', value: 7 }, failure: { compare: { op: '<', value: 2 } } },
      '6d10>=7f<2',
    ],
    [
      '6d10>=7f1',
      { success: { op: '>=', value: 7 }, failure: { compare: { op: '=', value: 1 } } },
      '6d10>=7f1',
    ],
    ['1d20cs>19', { critSuccess: { compare: { op: '>', value: 19 } } }, '1d20cs>19'],
    ['1d20cf<2', { critFailure: { compare: { op: '<', value: 2 } } }, '1d20cf<2'],
    ['1d20cs', { critSuccess: {} }, '1d20cs'],
    ['5d6s', { sort: 'asc' }, '5d6sa'],
    ['5d6sa', { sort: 'asc' }, '5d6sa'],
    ['5d6sd', { sort: 'desc' }, '5d6sd'],
    ['4d6min3', { min: 3 }, '4d6min3'],
    ['4d6max5', { max: 5 }, '4d6max5'],
    ['4d6max5min2', { min: 2, max: 5 }, '4d6min2max5'],
  ])('%s', (text, mods, printed) => {
    expect(dice(text).mods).toEqual(mods)
    expect(canonical(text)).toBe(printed)
  })

  it('reads modifiers in any order and prints them in the order they apply', () => {
    expect(canonical('4d6sd kh3 r<2 !')).toBe('4d6r<2!kh3sd')
    expect(canonical('10d10cs>9 >=7 f1')).toBe('10d10>=7f1cs>9')
  })

  it('keeps a bare reroll apart from a success target that follows it', () => {
    const text = canonical('1d6r >3')
    expect(text).toBe('1d6r >3')
    expect(dice(text).mods).toEqual({ reroll: { once: false }, success: { op: '>', value: 3 } })
    expect(canonical('1d6! >3')).toBe('1d6! >3')
  })
})

describe('dice notation: groups and labels', () => {
  it('reads groups with keep/drop and success targets', () => {
    const root = parse('{4d6kh3, 3d6}kh1').root
    expect(root).toMatchObject({ type: 'group', mods: { keep: { mode: 'kh', count: 1 } } })
    expect(canonical('{ 4d6kh3 , 3d6 } kh1')).toBe('{4d6kh3, 3d6}kh1')
    expect(canonical('{1d20, 1d20}kl1')).toBe('{1d20, 1d20}kl1')
    expect(canonical('{3d6, 3d6, 3d6}>10f<4')).toBe('{3d6, 3d6, 3d6}>10f<4')
    expect(canonical('{1d20+5}>=15')).toBe('{1d20 + 5}>=15')
  })

  it('attaches a label to the term it follows', () => {
    const root = parse('1d20+5[fire]').root
    expect(root).toMatchObject({
      type: 'binary',
      left: { type: 'dice' },
      right: { type: 'number', label: 'fire' },
    })
    expect(canonical('2d6[fire] + 1d8 [ cold damage ]')).toBe('2d6[fire] + 1d8[cold damage]')
    expect(canonical('(1d6 + 1)[sneak]')).toBe('(1d6 + 1)[sneak]')
    expect(canonical('{2d6, 1d12}kh1[best]')).toBe('{2d6, 1d12}kh1[best]')
    expect(canonical('((-2) * 3)[x] + (-(4))[y]')).toBe('(-2 * 3)[x] + (-4)[y]')
  })

  it('tolerates whitespace between tokens', () => {
    expect(canonical('  4d6 kh3\t+\n2  ')).toBe('4d6kh3 + 2')
    expect(canonical('floor( 7 / 2 )')).toBe('floor(7 / 2)')
    expect(canonical('1d20 >= 15')).toBe('1d20>=15')
  })
})

describe('dice notation: errors name the position and what was expected', () => {
  it.each([
    ['', 'table.dice_syntax', 0, /expected a dice expression/],
    ['1d', 'table.dice_syntax', 2, /expected a number of sides after 'd' at position 2$/],
    ['10d+5', 'table.dice_syntax', 3, /expected a number of sides after 'd' at position 3$/],
    ['1d20+', 'table.dice_syntax', 5, /found the end/],
    ['1d20 + * 2', 'table.dice_syntax', 7, /found '\*'/],
    ['(1d6', 'table.dice_syntax', 4, /expected '\)'/],
    ['1d6)', 'table.dice_syntax', 3, /without a matching '\('/],
    ['1d6 2', 'table.dice_syntax', 4, /expected an operator or the end, found '2'/],
    ['1d6 🎲', 'table.dice_syntax', 4, /found '🎲'/],
    ['1.5d6', 'table.dice_syntax', 0, /whole number/],
    ['1d6khkh', 'table.dice_syntax', 5, /only one keep\/drop/],
    ['1d6r<2ro1', 'table.dice_syntax', 6, /only one reroll/],
    ['1d6f1', 'table.dice_syntax', 3, /needs a success target/],
    ['1d20 >', 'table.dice_syntax', 6, /expected a number after '>'/],
    ['foo(1)', 'table.dice_syntax', 0, /unknown function 'foo'/],
    ['floor 3', 'table.dice_syntax', 6, /expected '\(' after 'floor'/],
    ['floor(1, 2)', 'table.dice_syntax', 7, /takes exactly one argument/],
    ['1d6[', 'table.dice_syntax', 4, /expected '\]' to close the label/],
    ['1d6[a[b]]', 'table.dice_syntax', 5, /expected '\]'/],
    ['1d6[ ]', 'table.dice_syntax', 3, /label cannot be empty/],
    ['1d6[a][b]', 'table.dice_syntax', 6, /only one label/],
    ['{}', 'table.dice_syntax', 1, /found '\}'/],
    ['{1d6', 'table.dice_syntax', 4, /expected ',' or '\}'/],
    ['{1d6}!', 'table.dice_syntax', 5, /cannot modify a group/],
    ['{1d6, 2}>3f', 'table.dice_syntax', 11, /compare point after 'f'/],
    ['1d0', 'table.dice_bounds', 2, /at least one side/],
    ['0d6', 'table.dice_bounds', 0, /at least one die/],
    ['101d6', 'table.dice_bounds', 0, /at most 100 dice/],
    ['1d1001', 'table.dice_bounds', 2, /at most 1000 sides/],
    ['1d6r<7', 'table.dice_bounds', 3, /reroll condition matches every face/],
    ['1d1r', 'table.dice_bounds', 3, /reroll condition matches every face/],
    ['1d6!>0', 'table.dice_bounds', 3, /explode condition matches every face/],
    ['1d1!', 'table.dice_bounds', 3, /explode condition matches every face/],
    ['4d6min4max3', 'table.dice_bounds', 7, /'min' must not be greater than 'max'/],
    ['1234567890123456', 'table.dice_bounds', 0, /at most 15 digits/],
    ['0.1234567', 'table.dice_bounds', 2, /at most 6 decimals/],
  ])('%j → %s at %i', (text, code, position, message) => {
    const err = failure(text)
    expect(err).toMatchObject({ code, position })
    expect(err.message).toMatch(message)
  })

  it('reports the expected thing as a field too', () => {
    expect(failure('10d+5')).toEqual({
      code: 'table.dice_syntax',
      message: "expected a number of sides after 'd' at position 3",
      position: 3,
      expected: 'a number of sides',
    })
  })

  it('bounds the total number of dice, the length and the nesting', () => {
    const many = Array.from({ length: 11 }, () => '100d6').join('+')
    expect(failure(many)).toMatchObject({
      code: 'table.dice_bounds',
      position: 60,
      message: /at most 1000 dice/,
    })
    expect(failure(`1${'+1'.repeat(250)}`)).toMatchObject({ code: 'table.dice_bounds', position: 500 })
    expect(tryParse(`${'('.repeat(20)}1${')'.repeat(20)}`).ok).toBe(true)
    expect(failure(`${'('.repeat(21)}1${')'.repeat(21)}`)).toMatchObject({
      code: 'table.dice_bounds',
      position: 20,
    })
    expect(failure(`${'-'.repeat(21)}1`)).toMatchObject({ code: 'table.dice_bounds', position: 20 })
  })

  it('takes limits from the caller', () => {
    expect(tryParse('20d6', { maxDicePerTerm: 10 }).ok).toBe(false)
    expect(tryParse('1d2000', { maxSides: 2000 }).ok).toBe(true)
  })

  it('throws a DiceError that carries the catalog code, the position and details', () => {
    try {
      parse('2d')
      expect.unreachable()
    } catch (err) {
      expect(err).toMatchObject({
        name: 'DiceError',
        code: 'table.dice_syntax',
        category: 'validation',
        position: 2,
      })
      expect((err as { details: unknown }).details).toEqual({ position: 2, expected: 'a number of sides' })
    }
  })
})
