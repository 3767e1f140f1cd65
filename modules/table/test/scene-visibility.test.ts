import type { SceneAction, TableEntry } from '@tavern/protocol'
import { Rejection } from '@tavern/server'
import { describe, expect, it } from 'vitest'
import { applyCombat, type CombatState, emptyCombat } from '../src/rules/combat.ts'
import {
  applyScene,
  emptyScene,
  moveToken,
  type SceneState,
  tokenVisible,
  underFog,
} from '../src/rules/scene.ts'
import {
  canRead,
  EVERYONE,
  GMS_ONLY,
  projectCombat,
  projectEntry,
  projectScene,
  rollAudience,
} from '../src/rules/visibility.ts'

const gm = { userId: 'gm', gm: true }
const alice = { userId: 'alice', gm: false }
const bob = { userId: 'bob', gm: false }

function ids() {
  let n = 0
  return () => `id${++n}`
}

function scene(actions: SceneAction[]): SceneState {
  const newId = ids()
  return actions.reduce((s, a) => {
    const next = applyScene(s, a, newId)
    if (next instanceof Rejection) throw new Error(next.body.code)
    return next
  }, emptyScene())
}

const token = (
  name: string,
  x: number,
  y: number,
  extra: Partial<Extract<SceneAction, { type: 'add_token' }>> = {},
) => ({ type: 'add_token', name, owner: null, x, y, hidden: false, image: null, ...extra }) as SceneAction

describe('scene', () => {
  it('hides hidden tokens and tokens under fog from players, not from GMs or the owner', () => {
    const s = scene([
      token('Goblin', 1, 1),
      token('Ghost', 2, 2, { hidden: true }),
      token('Alice', 5, 5, { owner: 'alice' }),
      { type: 'fog_add', x: 4, y: 4, w: 3, h: 3 },
    ])
    expect(underFog(s.fog, 5, 5)).toBe(true)
    expect(underFog(s.fog, 7, 5)).toBe(false)
    expect(projectScene(s, gm).tokens.map((t) => t.name)).toEqual(['Goblin', 'Ghost', 'Alice'])
    expect(projectScene(s, alice).tokens.map((t) => t.name)).toEqual(['Goblin', 'Alice'])
    expect(projectScene(s, bob).tokens.map((t) => t.name)).toEqual(['Goblin'])
    // Players receive the fog rectangles (to draw them), never what is under them.
    expect(projectScene(s, bob).fog).toHaveLength(1)
  })

  it('lets GMs move any token and players only their own, inside the grid', () => {
    const s = scene([
      token('Goblin', 1, 1),
      token('Alice', 3, 3, { owner: 'alice' }),
      token('Ghost', 0, 0, { hidden: true }),
    ])
    expect(moveToken(s, 'id1', 2, 2, alice)).toMatchObject({ body: { code: 'table.not_token_owner' } })
    // A token the mover cannot see does not exist for them.
    expect(moveToken(s, 'id3', 2, 2, alice)).toMatchObject({ body: { code: 'table.token_not_found' } })
    expect(moveToken(s, 'id2', 20, 0, alice)).toMatchObject({ body: { code: 'table.scene_out_of_bounds' } })
    const m = moveToken(s, 'id2', 4, 3, alice)
    if (m instanceof Rejection) throw new Error(m.body.code)
    expect(m.after).toMatchObject({ x: 4, y: 3 })
    expect(s.tokens[1]).toMatchObject({ x: 3, y: 3 })
    expect(moveToken(s, 'id3', 9, 9, gm)).not.toBeInstanceOf(Rejection)
  })

  it('a token moving under fog leaves the players’ view and one moving out enters it', () => {
    const s = scene([token('Goblin', 1, 1), { type: 'fog_add', x: 5, y: 0, w: 5, h: 20 }])
    const into = moveToken(s, 'id1', 6, 1, gm) as Exclude<ReturnType<typeof moveToken>, Rejection>
    expect(tokenVisible(s, into.before, bob)).toBe(true)
    expect(tokenVisible(into.scene, into.after, bob)).toBe(false)
    expect(tokenVisible(into.scene, into.after, gm)).toBe(true)
  })

  it('validates GM actions and keeps tokens on a smaller grid', () => {
    const s = scene([token('Far', 19, 19)])
    const smaller = applyScene(
      s,
      { type: 'set_map', url: 'https://maps.example/cave.png', grid: { w: 10, h: 8, cell: 70 } },
      ids(),
    )
    expect(smaller).toMatchObject({ mapUrl: 'https://maps.example/cave.png', tokens: [{ x: 9, y: 7 }] })
    expect(applyScene(s, token('Out', 25, 0), ids())).toMatchObject({
      body: { code: 'table.scene_out_of_bounds' },
    })
    expect(applyScene(s, { type: 'remove_token', id: 'nope' }, ids())).toMatchObject({
      body: { code: 'table.token_not_found' },
    })
    expect(applyScene(s, { type: 'fog_remove', id: 'nope' }, ids())).toMatchObject({
      body: { code: 'table.fog_not_found' },
    })
    const fogged = scene([
      { type: 'fog_add', x: 0, y: 0, w: 2, h: 2 },
      { type: 'fog_add', x: 5, y: 5, w: 2, h: 2 },
    ])
    expect(applyScene(fogged, { type: 'fog_remove', id: 'id1' }, ids())).toMatchObject({
      fog: [{ id: 'id2' }],
    })
    expect(applyScene(fogged, { type: 'fog_clear' }, ids())).toMatchObject({ fog: [] })
    const hidden = applyScene(s, { type: 'hide_token', id: 'id1', hidden: true }, ids()) as SceneState
    expect(projectScene(hidden, bob).tokens).toEqual([])
  })
})

describe('visibility of log entries', () => {
  const roll: TableEntry = {
    kind: 'roll',
    seq: 1,
    at: 0,
    from: { userId: 'alice', username: 'alice', role: 'player' },
    mode: 'blind',
    label: null,
    roll: {
      notation: '1d20',
      total: 7,
      text: '1d20 = [7] = 7',
      root: {},
      record: { epoch: 0, notation: '1d20', clientSeed: 'x', nonce: 0, total: 7, draws: [7] },
    },
  }

  it('follows Foundry’s roll modes', () => {
    const see = (mode: 'public' | 'gm' | 'blind' | 'self') =>
      [gm, alice, bob].map((v) => {
        const e = projectEntry(roll, rollAudience(mode, 'alice'), v)
        return e === null ? 'none' : e.kind === 'roll' && e.roll ? 'full' : 'stub'
      })
    expect(see('public')).toEqual(['full', 'full', 'full'])
    expect(see('gm')).toEqual(['full', 'full', 'none'])
    expect(see('blind')).toEqual(['full', 'stub', 'none'])
    expect(see('self')).toEqual(['none', 'full', 'none'])
  })

  it('whispers reach only the addressed, GMs included only when addressed', () => {
    const whisper = { all: false as const, users: ['alice', 'bob'], gms: false }
    expect([gm, alice, bob].map((v) => canRead(whisper, v))).toEqual([false, true, true])
    expect(canRead(GMS_ONLY, gm) && !canRead(GMS_ONLY, alice)).toBe(true)
    expect(canRead(EVERYONE, bob)).toBe(true)
  })

  it('players never see hidden combatants, nor whose turn it is when it is one of them', () => {
    let n = 0
    const ctx = { now: 0, newId: () => `c${++n}`, roll: () => 10 }
    let s: CombatState = emptyCombat()
    for (const a of [
      { type: 'add', name: 'Orc', owner: null, hp: 10, tempHp: 0, initBonus: 5, hidden: true },
      { type: 'add', name: 'Alice', owner: 'alice', hp: 10, tempHp: 0, initBonus: 1, hidden: false },
      { type: 'roll_initiative' },
      { type: 'start' },
    ] as const) {
      const r = applyCombat(s, a, ctx)
      if (r instanceof Rejection) throw new Error(r.body.code)
      s = r.state
    }
    expect(s.turnId).toBe('c1')
    expect(projectCombat(s, gm)).toMatchObject({
      turnId: 'c1',
      combatants: [{ name: 'Orc' }, { name: 'Alice' }],
    })
    const seen = projectCombat(s, alice)
    expect(seen).toMatchObject({ turnId: null, turnEndsAt: null, combatants: [{ name: 'Alice' }] })
    expect(JSON.stringify(seen)).not.toContain('Orc')
    expect(JSON.stringify(seen)).not.toContain('tiebreak')
  })
})
