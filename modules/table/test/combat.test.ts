import type { CombatAction } from '@tavern/protocol'
import { Rejection } from '@tavern/server'
import { describe, expect, it } from 'vitest'
import {
  applyCombat,
  type CombatCommand,
  type CombatContext,
  type CombatState,
  emptyCombat,
  initiativeNotation,
  turnOrder,
} from '../src/rules/combat.ts'

/** A context whose dice return scripted totals per combatant name (then per purpose), and counted ids. */
function context(totals: Record<string, number[]> = {}, now = 1000): CombatContext & { rolled: string[] } {
  let n = 0
  const rolled: string[] = []
  return {
    now,
    rolled,
    newId: () => `c${++n}`,
    roll(notation, who, purpose) {
      rolled.push(`${who.name}:${purpose}:${notation}`)
      const queue = totals[who.name] ?? []
      const v = queue.shift()
      if (v === undefined) throw new Error(`no scripted roll for ${who.name}`)
      return v
    },
  }
}

function ok(r: ReturnType<typeof applyCombat>) {
  if (r instanceof Rejection) throw new Error(`rejected: ${r.body.code}`)
  return r
}

function run(state: CombatState, actions: CombatCommand[], ctx = context()): CombatState {
  return actions.reduce((s, a) => ok(applyCombat(s, a, ctx)).state, state)
}

const add = (name: string, extra: Partial<Extract<CombatAction, { type: 'add' }>> = {}): CombatAction => ({
  type: 'add',
  name,
  owner: null,
  hp: 10,
  tempHp: 0,
  initBonus: 0,
  hidden: false,
  ...extra,
})

describe('combat tracker', () => {
  it('orders by initiative descending, ties by bonus, then by a roll-off that is kept', () => {
    const ctx = context({ Aria: [15, 40], Bram: [15, 90], Cole: [15], Dusk: [18] })
    let s = run(
      emptyCombat(),
      [
        add('Aria', { initBonus: 2 }),
        add('Bram', { initBonus: 2 }),
        add('Cole', { initBonus: 5 }),
        add('Dusk'),
      ],
      ctx,
    )
    s = ok(applyCombat(s, { type: 'roll_initiative' }, ctx)).state
    expect(s.combatants.map((c) => c.name)).toEqual(['Dusk', 'Cole', 'Bram', 'Aria'])
    expect(ctx.rolled).toContain('Aria:roll-off:1d100')
    expect(ctx.rolled).not.toContain('Cole:roll-off:1d100')
    // Re-sorting later never re-rolls the roll-off: the order between Aria and Bram stays.
    s = ok(applyCombat(s, { type: 'set_initiative', id: s.combatants[0]!.id, value: 1 }, ctx)).state
    expect(s.combatants.map((c) => c.name)).toEqual(['Cole', 'Bram', 'Aria', 'Dusk'])
  })

  it('rolls initiative with the bonus in the notation, for all without one or for some', () => {
    const ctx = context({ A: [12], B: [7], C: [3] })
    let s = run(emptyCombat(), [add('A', { initBonus: 3 }), add('B', { initBonus: -1 }), add('C')], ctx)
    s = ok(applyCombat(s, { type: 'roll_initiative', ids: ['c3'] }, ctx)).state
    expect(ctx.rolled).toEqual(['C:initiative:1d20'])
    s = ok(applyCombat(s, { type: 'roll_initiative' }, ctx)).state
    expect(ctx.rolled.slice(1)).toEqual(['A:initiative:1d20+3', 'B:initiative:1d20-1'])
    expect(s.combatants.map((c) => [c.name, c.initiative])).toEqual([
      ['A', 12],
      ['B', 7],
      ['C', 3],
    ])
    expect(initiativeNotation(0)).toBe('1d20')
    // Nobody left without initiative: nothing to roll.
    expect(ok(applyCombat(s, { type: 'roll_initiative' }, ctx)).events).toEqual([])
    expect(applyCombat(s, { type: 'roll_initiative', ids: ['nope'] }, ctx)).toBeInstanceOf(Rejection)
  })

  it('counts rounds: next wraps to the first and adds a round, previous goes back across rounds', () => {
    const ctx = context({ A: [20], B: [10] })
    let s = run(emptyCombat(), [add('A'), add('B'), { type: 'roll_initiative' }], ctx)
    expect(applyCombat(s, { type: 'next' }, ctx)).toMatchObject({ body: { code: 'table.combat_not_active' } })
    const started = ok(applyCombat(s, { type: 'start' }, ctx))
    s = started.state
    expect(started.events).toEqual([{ type: 'started' }, { type: 'turn', round: 1, combatantId: 'c1' }])
    expect(applyCombat(s, { type: 'previous' }, ctx)).toMatchObject({
      body: { code: 'table.combat_at_start' },
    })
    s = run(s, [{ type: 'next' }], ctx)
    expect([s.round, s.turnId]).toEqual([1, 'c2'])
    const wrapped = ok(applyCombat(s, { type: 'next' }, ctx))
    expect([wrapped.state.round, wrapped.state.turnId]).toEqual([2, 'c1'])
    expect(wrapped.events).toEqual([{ type: 'turn', round: 2, combatantId: 'c1' }])
    s = run(wrapped.state, [{ type: 'previous' }], ctx)
    expect([s.round, s.turnId]).toEqual([1, 'c2'])
    expect(applyCombat(s, { type: 'start' }, ctx)).toMatchObject({ body: { code: 'table.combat_active' } })
    const ended = ok(applyCombat(s, { type: 'end' }, ctx))
    expect(ended.state).toMatchObject({ active: false, round: 0, turnId: null })
    expect(ended.state.combatants.every((c) => c.initiative === null)).toBe(true)
  })

  it('refuses to start an empty combat and keeps the turn with the same combatant when the order changes', () => {
    const ctx = context({ A: [10], B: [5], C: [15] })
    expect(applyCombat(emptyCombat(), { type: 'start' }, ctx)).toMatchObject({
      body: { code: 'table.combat_empty' },
    })
    let s = run(emptyCombat(), [add('A'), add('B'), { type: 'roll_initiative' }, { type: 'start' }], ctx)
    expect(s.turnId).toBe('c1')
    s = run(s, [add('C'), { type: 'roll_initiative' }], ctx)
    expect(s.combatants.map((c) => c.name)).toEqual(['C', 'A', 'B'])
    expect(s.turnId).toBe('c1')
  })

  it('removing the current combatant passes the turn on (and wraps into the next round)', () => {
    const ctx = context({ A: [20], B: [10] })
    let s = run(
      emptyCombat(),
      [add('A'), add('B'), { type: 'roll_initiative' }, { type: 'start' }, { type: 'next' }],
      ctx,
    )
    expect(s.turnId).toBe('c2')
    s = run(s, [{ type: 'remove', id: 'c2' }], ctx)
    expect([s.round, s.turnId]).toEqual([2, 'c1'])
    s = run(s, [{ type: 'remove', id: 'c1' }], ctx)
    expect(s.turnId).toBeNull()
    expect(applyCombat(s, { type: 'remove', id: 'c1' }, ctx)).toMatchObject({
      body: { code: 'table.combatant_not_found' },
    })
  })

  it('temp HP absorbs damage first; 0 HP means unconscious; healing wakes up but never exceeds max', () => {
    const ctx = context()
    let s = run(emptyCombat(), [add('A', { hp: 12, maxHp: 20, tempHp: 5 })], ctx)
    s = run(s, [{ type: 'damage', id: 'c1', amount: 3 }], ctx)
    expect(s.combatants[0]).toMatchObject({ hp: 12, tempHp: 2 })
    const down = ok(applyCombat(s, { type: 'damage', id: 'c1', amount: 40 }, ctx))
    expect(down.state.combatants[0]).toMatchObject({ hp: 0, tempHp: 0, conditions: ['unconscious'] })
    expect(down.events).toEqual([{ type: 'down', combatantId: 'c1' }])
    // Already down: no second event, HP never negative.
    expect(ok(applyCombat(down.state, { type: 'damage', id: 'c1', amount: 5 }, ctx)).events).toEqual([])
    s = run(down.state, [{ type: 'heal', id: 'c1', amount: 100 }], ctx)
    expect(s.combatants[0]).toMatchObject({ hp: 20, conditions: [] })
    s = run(
      s,
      [
        { type: 'temp_hp', id: 'c1', amount: 4 },
        { type: 'temp_hp', id: 'c1', amount: 2 },
      ],
      ctx,
    )
    expect(s.combatants[0]!.tempHp).toBe(4)
  })

  it('conditions are a set (case-insensitive) and combatants can be hidden', () => {
    const ctx = context()
    let s = run(emptyCombat(), [add('A')], ctx)
    s = run(
      s,
      [
        { type: 'condition', id: 'c1', condition: 'Prone', on: true },
        { type: 'condition', id: 'c1', condition: 'prone', on: true },
        { type: 'condition', id: 'c1', condition: 'poisoned', on: true },
        { type: 'condition', id: 'c1', condition: 'PRONE', on: false },
        { type: 'hide', id: 'c1', hidden: true },
      ],
      ctx,
    )
    expect(s.combatants[0]).toMatchObject({ conditions: ['poisoned'], hidden: true })
  })

  it('a turn timer sets a deadline; a tick past it advances the turn, a tick before it does nothing', () => {
    const ctx = context({ A: [20], B: [10] }, 1000)
    let s = run(
      emptyCombat(),
      [add('A'), add('B'), { type: 'roll_initiative' }, { type: 'timer', seconds: 30 }],
      ctx,
    )
    expect(s.turnEndsAt).toBeNull()
    s = run(s, [{ type: 'start' }], ctx)
    expect(s.turnEndsAt).toBe(31_000)
    const early = ok(applyCombat(s, { type: 'tick' }, { ...ctx, now: 30_999 }))
    expect(early.events).toEqual([])
    expect(early.state.turnId).toBe('c1')
    const late = ok(applyCombat(s, { type: 'tick' }, { ...ctx, now: 31_000 }))
    expect(late.state.turnId).toBe('c2')
    expect(late.state.turnEndsAt).toBe(61_000)
    const off = run(late.state, [{ type: 'timer', seconds: null }], ctx)
    expect(off.turnEndsAt).toBeNull()
    expect(ok(applyCombat(off, { type: 'tick' }, { ...ctx, now: 1e12 })).events).toEqual([])
  })

  it('never mutates the state it was given', () => {
    const ctx = context({ A: [5] })
    const s = run(emptyCombat(), [add('A')], ctx)
    const frozen = JSON.stringify(s)
    run(
      s,
      [
        { type: 'damage', id: 'c1', amount: 3 },
        { type: 'roll_initiative' },
        { type: 'hide', id: 'c1', hidden: true },
      ],
      ctx,
    )
    expect(JSON.stringify(s)).toBe(frozen)
  })

  it('caps the tracker size', () => {
    const ctx = context()
    let s = emptyCombat()
    for (let i = 0; i < 100; i++) s = run(s, [add(`n${i}`)], ctx)
    expect(applyCombat(s, add('one too many'), ctx)).toMatchObject({ body: { code: 'table.combat_full' } })
  })

  it('puts combatants without initiative last (still by bonus)', () => {
    const list = [
      { id: 'a', initiative: null, initBonus: 9, tiebreak: null },
      { id: 'b', initiative: 3, initBonus: 0, tiebreak: null },
      { id: 'c', initiative: null, initBonus: 0, tiebreak: null },
    ].map((c) => ({
      ...c,
      name: c.id,
      owner: null,
      hp: 1,
      maxHp: 1,
      tempHp: 0,
      hidden: false,
      conditions: [],
    }))
    expect(turnOrder(list).map((c) => c.id)).toEqual(['b', 'a', 'c'])
  })
})
