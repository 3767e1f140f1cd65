import {
  type DiceLimits,
  type DiceResult,
  type GroupResult,
  parse,
  type RollResult,
  roll,
  tryRoll,
} from '@tavern/table/dice'
import { describe, expect, it } from 'vitest'
import { scripted } from './dice-helpers.ts'

/** Rolls with the given dice values and checks every value was used. */
const rollWith = (text: string, values: number[], limits?: Partial<DiceLimits>): RollResult => {
  const rng = scripted(...values)
  const result = roll(parse(text, limits), rng, limits)
  expect(rng.left()).toBe(0)
  return result
}
const term = (r: RollResult): DiceResult => r.root as DiceResult

describe('rolling: basics and keep/drop', () => {
  it('renders the example from the notation table', () => {
    const r = rollWith('4d6kh3', [6, 5, 3, 1])
    expect(r.total).toBe(14)
    expect(r.text).toBe('4d6kh3 = [6, 5, 3, ~~1~~] = 14')
    expect(term(r).dice).toEqual([{ value: 6 }, { value: 5 }, { value: 3 }, { value: 1, dropped: true }])
  })

  it.each([
    ['2d20kh1', [5, 17], 17],
    ['2d20kl1', [5, 17], 5],
    ['4d6dh1', [6, 5, 3, 1], 9],
    ['4d6dl1', [6, 5, 3, 1], 14],
    ['4d6d2', [6, 5, 3, 1], 11],
    ['2d6kh5', [2, 3], 5],
    ['2d6dl5', [2, 3], 0],
    ['d%', [73], 73],
    ['4dF', [-1, 0, 1, 1], 1],
    ['1d1', [1], 1],
  ])('%s with %j totals %i', (text, values, total) => {
    expect(rollWith(text, values).total).toBe(total)
  })

  it('asks the random source for the right faces', () => {
    const rng = scripted(50, 0, 3)
    roll(parse('d% + 1dF + 1d4'), rng)
    expect(rng.asked).toEqual([
      [1, 100],
      [-1, 1],
      [1, 4],
    ])
  })

  it('keeps the earlier die on a tie', () => {
    expect(term(rollWith('2d20kh1', [12, 12])).dice).toEqual([{ value: 12 }, { value: 12, dropped: true }])
    expect(term(rollWith('3d6kl1', [4, 2, 2])).dice.map((d) => d.dropped ?? false)).toEqual([
      true,
      false,
      true,
    ])
  })

  it('prints the canonical notation', () => {
    expect(rollWith('d20+5', [10]).notation).toBe('1d20 + 5')
  })
})

describe('rolling: arithmetic', () => {
  it.each([
    ['(1d6 + 2) × 3 ÷ 2', [4], 9],
    ['7 / 2', [], 3.5],
    ['floor(7/2)', [], 3],
    ['ceil(7/2)', [], 4],
    ['round(2.5)', [], 3],
    ['round(-2.5)', [], -2],
    ['abs(2 - 1d6)', [6], 4],
    ['min(1d6, 1d8, 4)', [5, 2], 2],
    ['max(1d6, 1d8)', [5, 2], 5],
    ['-1d4 - -2', [3], -1],
    ['2 * 3 + 4 * 5', [], 26],
    ['10 - 4 - 3', [], 3],
  ])('%s = %d', (text, values, total) => {
    expect(rollWith(text, values).total).toBe(total)
  })

  it('never shows -0', () => {
    const r = rollWith('-0 * 5', [])
    expect(Object.is(r.total, 0)).toBe(true)
    expect(r.text).toBe('-0 * 5 = 0')
  })

  it('rejects division by zero at the operator instead of producing Infinity or NaN', () => {
    const out = tryRoll('1d6 / (1d4 - 1)', scripted(3, 1))
    expect(out).toEqual({
      ok: false,
      error: { code: 'table.dice_division_by_zero', message: 'division by zero at position 4', position: 4 },
    })
    expect(tryRoll('0/0', scripted())).toMatchObject({
      ok: false,
      error: { code: 'table.dice_division_by_zero' },
    })
  })

  it('rejects a result too large to be a number', () => {
    const huge = Array.from({ length: 22 }, () => '999999999999999').join('*')
    expect(tryRoll(huge, scripted())).toMatchObject({ ok: false, error: { code: 'table.dice_bounds' } })
  })
})

describe('rolling: rerolls and explosions', () => {
  it('rerolls recursively and records the replaced values', () => {
    const r = rollWith('1d6r<2', [1, 1, 4])
    expect(term(r).dice).toEqual([{ value: 4, rerolled: [1, 1] }])
    expect(r.text).toBe('1d6r<2 = [1→1→4] = 4')
  })

  it('rerolls once with ro, even if the new roll matches again', () => {
    expect(term(rollWith('1d6ro<3', [1, 2])).dice).toEqual([{ value: 2, rerolled: [1] }])
  })

  it('rerolls the lowest face when no compare point is given', () => {
    expect(term(rollWith('2d6r', [1, 5, 2])).dice).toEqual([{ value: 5, rerolled: [1] }, { value: 2 }])
    expect(rollWith('1dFr', [-1, 0]).total).toBe(0)
  })

  it('stops rerolling at the depth cap', () => {
    const r = rollWith('1d1000r<1000', [1, 2, 3, 4], { maxDepth: 3 })
    expect(term(r).dice).toEqual([{ value: 4, rerolled: [1, 2, 3] }])
  })

  it('explodes into extra dice, in draw order', () => {
    const r = rollWith('2d6!', [6, 6, 2, 3])
    expect(term(r).dice).toEqual([
      { value: 6, exploded: true },
      { value: 6, exploded: true, fromExplosion: true },
      { value: 2, fromExplosion: true },
      { value: 3 },
    ])
    expect(r.text).toBe('2d6! = [6!, 6!, 2, 3] = 17')
  })

  it('explodes on a compare point', () => {
    expect(rollWith('1d6!>4', [5, 6, 1]).total).toBe(12)
  })

  it('compounds explosions into one die', () => {
    const r = rollWith('1d6!!', [6, 6, 3])
    expect(term(r).dice).toEqual([{ value: 15, rolls: [6, 6, 3], exploded: true }])
    expect(r.text).toBe('1d6!! = [15!!] = 15')
  })

  it('penetrates: each added die counts one less but explodes on its natural roll', () => {
    const r = rollWith('1d6!p', [6, 6, 3])
    expect(term(r).dice.map((d) => d.value)).toEqual([6, 5, 2])
    expect(r.total).toBe(13)
  })

  it('stops exploding at the depth cap', () => {
    expect(term(rollWith('1d6!', [6, 6, 6], { maxDepth: 2 })).dice).toHaveLength(3)
  })

  it('lets explosions take part in keep/drop', () => {
    expect(rollWith('2d6!kh1', [6, 4, 2]).total).toBe(6)
  })

  it('fails cleanly when a roll needs too many draws', () => {
    expect(tryRoll('10d6', scripted(1, 2, 3, 4, 5, 6), { maxRolls: 5 })).toMatchObject({
      ok: false,
      error: { code: 'table.dice_bounds', position: 0, message: /more than 5 dice rolls/ },
    })
  })
})

describe('rolling: successes, criticals, sort, clamps', () => {
  it('counts successes', () => {
    const r = rollWith('5d10>=7', [7, 2, 10, 6, 8])
    expect(r.total).toBe(3)
    expect(term(r)).toMatchObject({ successes: 3, failures: 0 })
    expect(r.text).toBe('5d10>=7 = [7✓, 2, 10✓, 6, 8✓] = 3')
  })

  it('subtracts failures', () => {
    const r = rollWith('5d10>=7f1', [7, 1, 10, 1, 8])
    expect(r.total).toBe(1)
    expect(r.text).toBe('5d10>=7f1 = [7✓, 1✗, 10✓, 1✗, 8✓] = 1')
  })

  it('counts successes only on kept dice', () => {
    expect(rollWith('3d6kh2>=5', [6, 5, 5]).total).toBe(2)
  })

  it('marks critical thresholds', () => {
    const r = rollWith('3d20cs>19cf<2', [20, 1, 10])
    expect(term(r).dice).toEqual([
      { value: 20, criticalSuccess: true },
      { value: 1, criticalFailure: true },
      { value: 10 },
    ])
    expect(r.text).toBe('3d20cs>19cf<2 = [**20**, _1_, 10] = 31')
    expect(term(rollWith('1d20cs', [20])).dice[0]).toEqual({ value: 20, criticalSuccess: true })
  })

  it('sorts the shown dice', () => {
    expect(rollWith('4d6sd', [2, 6, 1, 4]).text).toBe('4d6sd = [6, 4, 2, 1] = 13')
    expect(rollWith('4d6s', [2, 6, 1, 4]).text).toBe('4d6sa = [1, 2, 4, 6] = 13')
    expect(rollWith('4d6kh2sd', [2, 6, 1, 4]).text).toBe('4d6kh2sd = [6, 4, ~~2~~, ~~1~~] = 10')
  })

  it('clamps dice with min and max', () => {
    const r = rollWith('4d6min3', [1, 2, 5, 6])
    expect(r.total).toBe(17)
    expect(term(r).dice[0]).toEqual({ value: 3, rolls: [1], clamped: true })
    expect(rollWith('2d6max4', [6, 2]).total).toBe(6)
  })
})

describe('rolling: groups and labels', () => {
  it('keeps the best entry of a group', () => {
    const r = rollWith('{4d6kh3, 3d6}kh1', [6, 5, 3, 1, 2, 2, 2])
    expect(r.total).toBe(14)
    const g = r.root as GroupResult
    expect(g.entries.map((e) => [e.value, e.dropped ?? false])).toEqual([
      [14, false],
      [6, true],
    ])
    expect(r.text).toBe('{4d6kh3, 3d6}kh1 = {[6, 5, 3, ~~1~~] = 14, ~~[2, 2, 2] = 6~~} = 14')
  })

  it('counts group entries as successes', () => {
    const r = rollWith('{1d20+5, 1d20+5, 1d20+5}>=15f<8', [12, 9, 1])
    expect(r.total).toBe(0)
    expect(r.root).toMatchObject({ successes: 1, failures: 1 })
  })

  it('shows labels in the breakdown and the JSON', () => {
    const r = rollWith('1d20+5[fire]', [17])
    expect(r.text).toBe('1d20 + 5[fire] = [17] + 5[fire] = 22')
    expect(r.root).toEqual({
      type: 'binary',
      op: '+',
      value: 22,
      left: { type: 'dice', notation: '1d20', count: 1, sides: 20, value: 17, dice: [{ value: 17 }] },
      right: { type: 'number', value: 5, label: 'fire' },
    })
    expect(rollWith('2d6[slashing] + 1d8[fire]', [3, 4, 8]).text).toBe(
      '2d6[slashing] + 1d8[fire] = [3, 4][slashing] + [8][fire] = 15',
    )
  })

  it('draws dice left to right, each die with its rerolls and explosions first', () => {
    const rng = scripted(1, 3, 6, 2, 4)
    const r = roll(parse('1d6r<2 + 1d6! + 1d4'), rng)
    expect(r.text).toBe('1d6r<2 + 1d6! + 1d4 = [1→3] + [6!, 2] + [4] = 15')
  })

  it('refuses a random source that breaks its contract', () => {
    expect(() => roll(parse('1d6'), { int: () => 7 })).toThrow(/returned 7/)
  })
})
