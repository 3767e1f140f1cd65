import type { TableEntry, TableRoll, TableSessionView } from '@tavern/protocol'
import { describe, expect, it } from 'vitest'
import { buildRecap, rollsOf, toMarkdown } from '../src/rules/report.ts'

const session: TableSessionView = {
  id: 's1',
  campaignId: 'c1',
  title: 'The Lost Mine',
  status: 'in_progress',
  phase: 'combat',
  scheduledAt: null,
  startedAt: 0,
  endedAt: null,
  createdAt: 0,
}
const ana = { userId: 'u1', username: 'ana', role: 'player' as const }
const d20 = (value: number, total: number): TableRoll => ({
  notation: '1d20 + 2',
  total,
  text: `1d20 + 2 = [${value}] + 2 = ${total}`,
  root: {
    type: 'binary',
    left: { type: 'dice', sides: 20, dice: [{ value }] },
    right: { type: 'number', value: 2 },
  },
  record: { epoch: 0, notation: '1d20 + 2', clientSeed: 'c', nonce: 0, total, draws: [value] },
})
const at = Date.UTC(2025, 0, 1, 20, 15, 0)
const entries: TableEntry[] = [
  { kind: 'narration', seq: 1, at, from: null, text: 'Goblins ambush you.', gmOnly: false },
  {
    kind: 'chat',
    seq: 2,
    at,
    from: ana,
    text: 'I dodge [[1d20+2]]',
    inline: [{ start: 8, end: 18, source: '1d20+2', roll: d20(20, 22) }],
  },
  { kind: 'roll', seq: 3, at, from: ana, mode: 'public', label: 'attack', roll: d20(1, 3) },
  { kind: 'roll', seq: 4, at, from: ana, mode: 'blind', label: null, roll: null },
  { kind: 'system', seq: 5, at, from: null, event: 'combat', text: 'Combat begins', rolls: [] },
  { kind: 'system', seq: 6, at, from: null, event: 'turn', text: 'Round 3: Ana’s turn', rolls: [] },
  { kind: 'system', seq: 7, at, from: null, event: 'combat', text: 'Goblin falls unconscious', rolls: [] },
  { kind: 'reaction', seq: 8, at, from: ana, target: 2, emoji: '🎉', on: true },
]

describe('session reports', () => {
  it('finds every roll an entry carries', () => {
    expect(entries.map((e) => rollsOf(e).length)).toEqual([0, 1, 1, 0, 0, 0, 0, 0])
  })

  it('renders the log as Markdown, inline rolls with their totals, blind rolls without results', () => {
    const md = toMarkdown(session, entries, at)
    expect(md).toContain('# The Lost Mine')
    expect(md).toContain('- `20:15:00` _Narration_: Goblins ambush you.')
    expect(md).toContain('**ana**: I dodge [[1d20+2]] → **22**')
    expect(md).toContain('**ana** rolled (attack) `1d20 + 2 = [1] + 2 = 3` → **3**')
    expect(md).toContain('**ana** rolled blind')
    expect(md).not.toContain('🎉')
  })

  it('builds a recap: participants, story, natural 20s and 1s, combat', () => {
    const r = buildRecap(session, entries)
    expect(r.participants).toEqual([{ userId: 'u1', username: 'ana', messages: 1, rolls: 2 }])
    expect(r.narration).toEqual(['Goblins ambush you.'])
    expect(r.rolls).toMatchObject({ count: 2, naturalTwenties: 1, naturalOnes: 1, highest: { total: 3 } })
    expect(r.combat).toEqual({ encounters: 1, rounds: 3, fallen: ['Goblin'] })
    expect(r.counts).toMatchObject({ roll: 2, system: 3, reaction: 1 })
    expect(r.markdown).toContain('> Goblins ambush you.')
  })
})
