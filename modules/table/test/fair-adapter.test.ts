import { verify } from '@tavern/table/dice'
import { describe, expect, it } from 'vitest'
import { FairDice, freshSeed } from '../src/fair-dice.ts'
import { checkRole, checkText, checkTransition } from '../src/rules/session.ts'

describe('the room’s fair dice', () => {
  it('gives every roll the next nonce and a record that verifies against the revealed seed', () => {
    const dice = new FairDice(freshSeed(0))
    const records = []
    for (const f of ['1d20+5', '4d6kh3', '2d20kl1', '{4d6kh3, 3d6}kh1', '3d6!', 'd%']) {
      const r = dice.roll(f, 'table:s1')
      if (!r.ok) throw new Error(r.error.message)
      records.push(r.value.record)
    }
    expect(records.map((r) => r.nonce)).toEqual([0, 1, 2, 3, 4, 5])
    expect(records.every((r) => r.epoch === 0 && r.clientSeed === 'table:s1')).toBe(true)
    const check = verify(dice.seed.serverSeed, dice.seed.commitment, records)
    expect(check).toMatchObject({ ok: true, checked: 6, mismatches: [] })
    // A tampered total is caught.
    const forged = records.map((r, i) => (i === 2 ? { ...r, total: r.total + 1 } : r))
    expect(verify(dice.seed.serverSeed, dice.seed.commitment, forged).ok).toBe(false)
  })

  it('rejects bad notation with the dice engine’s error and position, and spends no nonce', () => {
    const dice = new FairDice(freshSeed(3))
    const bad = dice.roll('1d20+', 'c')
    expect(bad).toMatchObject({ ok: false, error: { code: 'table.dice_syntax', details: { position: 5 } } })
    expect(dice.roll('1000d1000', 'c')).toMatchObject({ ok: false, error: { code: 'table.dice_bounds' } })
    expect(dice.roll('1d6/0', 'c')).toMatchObject({
      ok: false,
      error: { code: 'table.dice_division_by_zero' },
    })
    expect(dice.seed.nonce).toBe(0)
  })

  it('rolls inline rolls each with its own nonce; a bad one fails the message with its position in it', () => {
    const dice = new FairDice(freshSeed(0))
    const ok = dice.inline('I hit [[1d20+5]] for [[2d6+3[slashing]]] damage', 'c')
    if (!ok.ok) throw new Error(ok.error.message)
    expect(ok.value.map((i) => [i.source, i.start, i.roll.record.nonce])).toEqual([
      ['1d20+5', 6, 0],
      ['2d6+3[slashing]', 21, 1],
    ])
    const text = 'ok [[1d4]] then [[2d6+]]'
    const bad = dice.inline(text, 'c')
    expect(bad).toMatchObject({ ok: false, error: { code: 'table.dice_syntax' } })
    const at = (bad as { error: { details: { position: number } } }).error.details.position
    expect(at).toBe(text.length - 2)
    expect(dice.seed.nonce).toBe(2)
    expect(dice.inline('never [[closed', 'c')).toMatchObject({
      ok: false,
      error: { details: { position: 6 } },
    })
    expect(dice.inline('[[1]]'.repeat(21), 'c')).toMatchObject({
      ok: false,
      error: { code: 'table.dice_bounds' },
    })
    expect(dice.inline('no rolls here', 'c')).toEqual({ ok: true, value: [] })
  })
})

describe('session rules', () => {
  it('checks roles against what an action needs', () => {
    expect(checkRole(undefined, 'read')?.body.code).toBe('table.not_member')
    expect(checkRole('spectator', 'read')).toBeNull()
    expect(checkRole('spectator', 'act')?.body.code).toBe('table.spectator_read_only')
    expect(checkRole('spectator', 'gm')?.body.code).toBe('table.gm_only')
    expect(checkRole('player', 'act')).toBeNull()
    expect(checkRole('player', 'gm')?.body.code).toBe('table.gm_only')
    expect(checkRole('gm', 'gm')).toBeNull()
  })

  it('allows scheduled → in progress ⇄ paused → completed, and nothing after completed', () => {
    expect(checkTransition('scheduled', 'in_progress')).toBeNull()
    expect(checkTransition('in_progress', 'paused')).toBeNull()
    expect(checkTransition('paused', 'in_progress')).toBeNull()
    expect(checkTransition('paused', 'completed')).toBeNull()
    expect(checkTransition('scheduled', 'completed')).toBeNull()
    expect(checkTransition('scheduled', 'paused')?.body.code).toBe('table.invalid_transition')
    expect(checkTransition('completed', 'in_progress')?.body.code).toBe('table.invalid_transition')
    expect(checkTransition('completed', 'completed')).toBeNull()
  })

  it('trims texts and counts characters, not UTF-16 units', () => {
    expect(checkText('  hi  ', 10)).toBe('hi')
    expect(checkText('   ', 10)).toMatchObject({ body: { code: 'table.text_empty' } })
    expect(checkText('🎲'.repeat(10), 10)).toBe('🎲'.repeat(10))
    expect(checkText('x'.repeat(11), 10)).toMatchObject({ body: { code: 'table.text_too_long' } })
  })
})
