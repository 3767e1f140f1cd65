import { expandInline, findInlineRolls, inlineText } from '@tavern/table/dice'
import { describe, expect, it } from 'vitest'
import { scripted } from './dice-helpers.ts'

describe('inline rolls', () => {
  it('rolls each [[...]] in a chat message and keeps the text around it', () => {
    const out = expandInline('I attack [[1d20+5]] for [[2d6[fire]]] damage', scripted(14, 3, 4))
    if (!out.ok) throw new Error(out.error.message)
    expect(
      out.segments.map((s) => (s.type === 'text' ? s.text : [s.source, s.start, s.end, s.result.total])),
    ).toEqual(['I attack ', ['1d20+5', 9, 19, 19], ' for ', ['2d6[fire]', 24, 37, 7], ' damage'])
    expect(out.rolls.map((r) => r.text)).toEqual(['1d20 + 5 = [14] + 5 = 19', '2d6[fire] = [3, 4][fire] = 7'])
    expect(inlineText(out.segments)).toBe('I attack 19 for 7 damage')
  })

  it('matches labels inside a roll before closing it', () => {
    expect(findInlineRolls('[[1d20[to hit]]] and [[1d6 + 2[bonus]]]')).toEqual([
      { start: 0, end: 16, source: '1d20[to hit]' },
      { start: 21, end: 39, source: '1d6 + 2[bonus]' },
    ])
  })

  it('leaves messages without inline rolls alone', () => {
    expect(expandInline('no rolls [here] or [ [there] ]', scripted())).toEqual({
      ok: true,
      segments: [{ type: 'text', text: 'no rolls [here] or [ [there] ]' }],
      rolls: [],
    })
    expect(expandInline('', scripted())).toEqual({ ok: true, segments: [], rolls: [] })
  })

  it('handles adjacent rolls and rolls at both ends', () => {
    const out = expandInline('[[1]][[2]]', scripted())
    expect(out.ok && inlineText(out.segments)).toBe('12')
  })

  it('reports a bad inline roll at its position in the whole message', () => {
    const out = expandInline('ok [[1d6]] bad [[1d20+]] here', scripted(3))
    expect(out).toEqual({
      ok: false,
      error: {
        code: 'table.dice_syntax',
        message: "expected a number, dice, '(', '{' or a function, found the end at position 22",
        position: 22,
        expected: "a number, dice, '(', '{' or a function",
      },
    })
  })

  it('reports bounds errors at their position too', () => {
    expect(expandInline('roll [[1d0]]', scripted())).toMatchObject({
      ok: false,
      error: { code: 'table.dice_bounds', position: 9, message: /at position 9$/ },
    })
    expect(expandInline('x [[1/0]]', scripted())).toMatchObject({
      ok: false,
      error: { code: 'table.dice_division_by_zero', position: 5 },
    })
  })

  it('reports an unclosed [[ and an empty one', () => {
    expect(expandInline('hello [[1d20 world', scripted())).toMatchObject({
      ok: false,
      error: { code: 'table.dice_syntax', position: 6, message: /never closed/ },
    })
    expect(expandInline('a [[ ]] b', scripted())).toMatchObject({ ok: false, error: { position: 5 } })
  })

  it('limits the number of inline rolls in one message', () => {
    const text = Array.from({ length: 4 }, () => '[[1]]').join(' ')
    expect(expandInline(text, scripted(), { maxInlineRolls: 3 })).toMatchObject({
      ok: false,
      error: { code: 'table.dice_bounds', position: 18 },
    })
  })
})
