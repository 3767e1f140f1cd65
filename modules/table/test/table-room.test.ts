import type { TableEntry } from '@tavern/protocol'
import type { TestServer } from '@tavern/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf, player, sleep, startTableServer, table, until } from './table-helpers.ts'

type Entries = Array<{ sessionId: string; entry: TableEntry }>
const kinds = (es: Entries) => es.map((e) => e.entry.kind)

describe('a tabletop room in real time', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTableServer()
  })
  afterAll(() => server?.close())

  it('joins with the room state and the player list; announces joins, leaves, drops and comebacks', async () => {
    const { gm, players, sessionId } = await table(server.url)
    const [p1, p2] = players as [(typeof players)[0], (typeof players)[0]]
    const joined = gm.events('table.joined')
    const left = gm.events('table.left')
    const presence = gm.events('table.presence')
    const room = await gm.send('table.join', { sessionId })
    expect(room.you).toMatchObject({ userId: gm.userId, role: 'gm' })
    expect(room.members.map((m) => [m.username, m.role, m.online])).toEqual([
      [gm.name, 'gm', true],
      [p1.name, 'player', false],
      [p2.name, 'player', false],
    ])
    expect(room.fairness.commitment).toMatch(/^[0-9a-f]{64}$/)
    expect(room.combat).toMatchObject({ active: false, combatants: [] })
    expect(room.scene.grid).toEqual({ w: 20, h: 20, cell: 50 })

    const p1Room = await p1.send('table.join', { sessionId })
    expect(p1Room.members.filter((m) => m.online).map((m) => m.username)).toEqual([gm.name, p1.name])
    await until(() => joined.length === 1, 3000, 'joined')
    expect(joined[0]).toMatchObject({
      sessionId,
      member: { username: p1.name, role: 'player', online: true },
    })

    await p1.send('table.leave', { sessionId })
    await until(() => left.length === 1, 3000, 'left')
    expect(left[0]).toMatchObject({ userId: p1.userId, reason: 'left' })
    expect(await codeOf(p1.send('table.say', { sessionId, text: 'still here?' }))).toBe('table.not_joined')

    await p2.send('table.join', { sessionId })
    p2.client.close()
    await until(() => left.length === 2, 3000, 'left on close')
    expect(left[1]).toMatchObject({ userId: p2.userId, reason: 'disconnected' })

    await p1.send('table.join', { sessionId })
    p1.client.dropConnection()
    await until(() => presence.some((p) => p.status === 'away'), 3000, 'away')
    await until(() => p1.client.state === 'open', 5000, 'p1 resumes')
    await until(() => presence.some((p) => p.status === 'online'), 3000, 'online again')
    const info = await gm.rest<{ players: Array<{ username: string }> }>(
      'GET',
      `/api/table/sessions/${sessionId}/room`,
    )
    expect(info.players.map((p) => p.username)).toEqual([gm.name, p1.name])

    const stranger = await player(server.url)
    expect(await codeOf(stranger.send('table.join', { sessionId }))).toBe('table.not_member')
    expect(await codeOf(stranger.send('table.join', { sessionId: 'nosuchsession' }))).toBe(
      'table.session_not_found',
    )
    expect(await codeOf(stranger.send('table.say', { sessionId, text: 'hi' }))).toBe('table.not_member')
    for (const p of [gm, p1, stranger]) p.client.close()
  })

  it('chats with inline rolls, whispers to the addressed only, types, reacts, narrates and acts', async () => {
    const { gm, players, sessionId } = await table(server.url, ['player', 'player', 'spectator'])
    const [p1, p2, spec] = players as [(typeof players)[0], (typeof players)[0], (typeof players)[0]]
    const seen = {
      gm: gm.events('table.entry'),
      p1: p1.events('table.entry'),
      p2: p2.events('table.entry'),
      spec: spec.events('table.entry'),
    }
    const typing = { gm: gm.events('table.typing_changed'), p1: p1.events('table.typing_changed') }
    for (const p of [gm, p1, p2, spec]) await p.send('table.join', { sessionId })

    const said = await p1.send('table.say', {
      sessionId,
      text: '  I swing [[1d20+5]] and hit for [[2d6+3]]  ',
    })
    expect(said.entry).toMatchObject({ kind: 'chat', text: 'I swing [[1d20+5]] and hit for [[2d6+3]]' })
    const chat = said.entry as Extract<TableEntry, { kind: 'chat' }>
    expect(chat.inline.map((i) => i.source)).toEqual(['1d20+5', '2d6+3'])
    expect(chat.inline[0]!.roll.total).toBeGreaterThanOrEqual(6)
    const bad = await p1.client.request('table.say', { sessionId, text: 'oops [[1d20+]]' }).catch((e) => e)
    expect(bad).toMatchObject({ code: 'table.dice_syntax', details: { position: 12 } })

    await p1.send('table.whisper', { sessionId, to: [p2.userId], text: 'psst, the GM cheats' })
    await p1.send('table.whisper', { sessionId, to: [gm.userId], text: 'I pick the lock' })
    expect(await codeOf(p1.send('table.whisper', { sessionId, to: ['nobody'], text: 'x' }))).toBe(
      'table.member_not_found',
    )

    await p1.send('table.typing', { sessionId, typing: true })
    await until(() => typing.gm.length === 1, 3000, 'typing')
    expect(typing.gm[0]).toEqual({ sessionId, userId: p1.userId, typing: true })

    await p2.send('table.react', { sessionId, seq: chat.seq, emoji: '🔥', on: true })
    const whisperSeq = chat.seq + 1
    expect(await codeOf(gm.send('table.react', { sessionId, seq: whisperSeq, emoji: '👀', on: true }))).toBe(
      'table.entry_not_found',
    )
    // A seq never written (the room's recent rows are looked up by seq) is not found either.
    expect(await codeOf(p2.send('table.react', { sessionId, seq: 1_000_000, emoji: '👀', on: true }))).toBe(
      'table.entry_not_found',
    )

    expect(await codeOf(p1.send('table.narrate', { sessionId, text: 'I am the GM now' }))).toBe(
      'table.gm_only',
    )
    await gm.send('table.narrate', { sessionId, text: 'The torches gutter.' })
    await gm.send('table.narrate', { sessionId, text: 'The mimic is the chest.', gmOnly: true })
    await p2.send('table.action', { sessionId, action: 'search', details: { target: 'chest' } })

    expect(await codeOf(spec.send('table.say', { sessionId, text: 'boo' }))).toBe('table.spectator_read_only')
    expect(await codeOf(spec.send('table.roll', { sessionId, formula: '1d20' }))).toBe(
      'table.spectator_read_only',
    )
    expect(await codeOf(spec.send('table.typing', { sessionId, typing: true }))).toBe(
      'table.spectator_read_only',
    )
    expect(await codeOf(spec.send('table.narrate', { sessionId, text: 'x' }))).toBe('table.gm_only')
    expect(await codeOf(gm.send('table.say', { sessionId, text: '   ' }))).toBe('table.text_empty')
    expect(await codeOf(gm.send('table.say', { sessionId, text: 'x'.repeat(2001) }))).toBe(
      'table.text_too_long',
    )

    await until(
      () => seen.gm.length === 6 && seen.p1.length === 6 && seen.p2.length === 5 && seen.spec.length === 4,
      3000,
      'entries',
    )
    expect(kinds(seen.gm)).toEqual(['chat', 'whisper', 'reaction', 'narration', 'narration', 'action'])
    expect(kinds(seen.p1)).toEqual(['chat', 'whisper', 'whisper', 'reaction', 'narration', 'action'])
    expect(kinds(seen.p2)).toEqual(['chat', 'whisper', 'reaction', 'narration', 'action'])
    expect(kinds(seen.spec)).toEqual(['chat', 'reaction', 'narration', 'action'])
    const gmWhisper = seen.gm.find((e) => e.entry.kind === 'whisper')!.entry
    expect(gmWhisper).toMatchObject({ text: 'I pick the lock', to: [{ userId: gm.userId }] })
    expect(JSON.stringify(seen.p2)).not.toContain('I pick the lock')
    expect(JSON.stringify(seen.p2)).not.toContain('mimic')
    expect(JSON.stringify(seen.gm)).not.toContain('the GM cheats')
    expect(typing.p1).toEqual([])
    for (const p of [gm, p1, p2, spec]) p.client.close()
  })

  it('rolls on the server in the four modes, each member seeing what Foundry would show them', async () => {
    const { gm, players, sessionId } = await table(server.url)
    const [p1, p2] = players as [(typeof players)[0], (typeof players)[0]]
    const seen = { gm: gm.events('table.entry'), p1: p1.events('table.entry'), p2: p2.events('table.entry') }
    for (const p of [gm, p1, p2]) await p.send('table.join', { sessionId })

    const pub = await p1.send('table.roll', { sessionId, formula: '4d6kh3', label: 'strength' })
    expect(pub.entry).toMatchObject({ kind: 'roll', mode: 'public', label: 'strength' })
    const shown = (pub.entry as Extract<TableEntry, { kind: 'roll' }>).roll!
    // Every die is shown, the dropped one marked.
    const dice = (shown.root as { dice: Array<{ value: number; dropped?: true }> }).dice
    expect(dice).toHaveLength(4)
    expect(dice.filter((d) => d.dropped)).toHaveLength(1)
    expect(shown.record).toMatchObject({ epoch: 0, nonce: 0, clientSeed: `table:${sessionId}` })

    await p1.send('table.roll', { sessionId, formula: '1d20', mode: 'gm' })
    const blind = await p1.send('table.roll', {
      sessionId,
      formula: '1d20',
      mode: 'blind',
      clientSeed: 'lucky',
    })
    expect(blind.entry).toMatchObject({ kind: 'roll', mode: 'blind', roll: null })
    await p1.send('table.roll', { sessionId, formula: '1d20', mode: 'self' })
    await gm.send('table.roll', { sessionId, formula: '1d100', mode: 'blind' })

    await until(() => seen.gm.length === 4 && seen.p1.length === 4 && seen.p2.length === 1, 3000, 'rolls')
    const modes = (es: Entries) =>
      es.map((e) => {
        const r = e.entry as Extract<TableEntry, { kind: 'roll' }>
        return `${r.from?.username === gm.name ? 'gm' : 'p1'}:${r.mode}:${r.roll ? 'full' : 'stub'}`
      })
    expect(modes(seen.gm)).toEqual(['p1:public:full', 'p1:gm:full', 'p1:blind:full', 'gm:blind:full'])
    expect(modes(seen.p1)).toEqual(['p1:public:full', 'p1:gm:full', 'p1:blind:stub', 'p1:self:full'])
    expect(modes(seen.p2)).toEqual(['p1:public:full'])
    const gmBlind = seen.gm[2]!.entry as Extract<TableEntry, { kind: 'roll' }>
    expect(gmBlind.roll!.record.clientSeed).toBe('lucky')

    const bad = await p1.client.request('table.roll', { sessionId, formula: '2d6+(3' }).catch((e) => e)
    expect(bad).toMatchObject({ code: 'table.dice_syntax', details: { position: expect.any(Number) } })
    expect(await codeOf(p1.send('table.roll', { sessionId, formula: '1000d1000' }))).toBe('table.dice_bounds')
    expect(await codeOf(p1.send('table.roll', { sessionId, formula: '1'.repeat(600) }))).toBe(
      'sys.invalid_payload',
    )
    expect(await codeOf(p1.send('table.roll', { sessionId, formula: 'd6'.repeat(600) }))).toBe(
      'sys.payload_too_large',
    )
    expect(await codeOf(p2.send('table.roll', { sessionId, formula: '1d6', mode: 'cheat' as never }))).toBe(
      'sys.invalid_payload',
    )
    expect(await codeOf(p1.send('table.combat', { sessionId, action: { type: 'start' } }))).toBe(
      'table.gm_only',
    )

    // Floods are cut by the per-type limit, with a retry-after naming the type.
    const burst = await Promise.all(
      Array.from({ length: 12 }, () =>
        p2.client.request('table.roll', { sessionId, formula: '1d4' }).catch((e) => e),
      ),
    )
    const limited = burst.filter((r) => r?.code === 'sys.rate_limited')
    expect(limited.length).toBeGreaterThan(0)
    expect(limited[0]).toMatchObject({ operation: 'table.roll', retryAfterMs: expect.any(Number) })
    for (const p of [gm, p1, p2]) p.client.close()
  })

  it('runs combat: initiative with server dice, turns and rounds, damage, hidden combatants for the GM only', async () => {
    const { gm, players, sessionId } = await table(server.url, ['player'])
    const p1 = players[0]!
    const gmCombat = gm.events('table.combat_updated')
    const p1Combat = p1.events('table.combat_updated')
    const p1Entries = p1.events('table.entry')
    const gmEntries = gm.events('table.entry')
    for (const p of [gm, p1]) await p.send('table.join', { sessionId })
    const add = (name: string, extra: Record<string, unknown> = {}) =>
      gm.send('table.combat', { sessionId, action: { type: 'add', name, hp: 12, ...extra } as never })
    await add('Aria', { owner: p1.userId, initBonus: 3, tempHp: 4 })
    await add('Orc Chief', { hidden: true, initBonus: 1, hp: 30 })
    const last = await add('Goblin', { hp: 7 })
    expect(last.combat.combatants).toHaveLength(3)
    expect(await codeOf(add('Ghost', { owner: 'not-a-member' }))).toBe('table.member_not_found')

    const rolled = await gm.send('table.combat', { sessionId, action: { type: 'roll_initiative' } })
    expect(rolled.combat.combatants.every((c) => c.initiative !== null)).toBe(true)
    const started = await gm.send('table.combat', { sessionId, action: { type: 'start' } })
    expect(started.combat).toMatchObject({ active: true, round: 1, turnId: started.combat.combatants[0]!.id })
    for (let i = 0; i < 3; i++) await gm.send('table.combat', { sessionId, action: { type: 'next' } })
    const aria = started.combat.combatants.find((c) => c.name === 'Aria')!
    await gm.send('table.combat', { sessionId, action: { type: 'damage', id: aria.id, amount: 10 } })
    const after = await gm.send('table.combat', {
      sessionId,
      action: { type: 'damage', id: aria.id, amount: 6 },
    })
    expect(after.combat.round).toBe(2)
    expect(after.combat.combatants.find((c) => c.id === aria.id)).toMatchObject({
      hp: 0,
      tempHp: 0,
      conditions: ['unconscious'],
    })

    await until(() => p1Combat.length >= 9 && gmCombat.length >= 9, 3000, 'combat updates')
    expect(p1Combat.every((u) => !JSON.stringify(u).includes('Orc Chief'))).toBe(true)
    expect(gmCombat.at(-1)!.combat.combatants).toHaveLength(3)
    expect(
      p1Combat
        .at(-1)!
        .combat.combatants.map((c) => c.name)
        .sort(),
    ).toEqual(['Aria', 'Goblin'])
    await until(
      () => p1Entries.some((e) => e.entry.kind === 'system' && e.entry.text.includes('unconscious')),
      3000,
    )
    const p1Text = p1Entries.map((e) => (e.entry.kind === 'system' ? e.entry.text : '')).join('\n')
    const gmText = gmEntries.map((e) => (e.entry.kind === 'system' ? e.entry.text : '')).join('\n')
    expect(gmText).toContain('Orc Chief')
    expect(p1Text).not.toContain('Orc Chief')
    expect(p1Text).toMatch(/Initiative: .*Aria/)
    expect(gmText).toMatch(/Round 2: /)
    expect(p1Text).toContain('Aria falls unconscious')
    for (const p of [gm, p1]) p.client.close()
  })

  it('advances the turn when the turn timer runs out', async () => {
    const { gm, sessionId } = await table(server.url, [])
    const updates = gm.events('table.combat_updated')
    await gm.send('table.join', { sessionId })
    for (const name of ['A', 'B']) {
      await gm.send('table.combat', { sessionId, action: { type: 'add', name, hp: 5 } as never })
    }
    await gm.send('table.combat', { sessionId, action: { type: 'timer', seconds: 5 } })
    const started = await gm.send('table.combat', { sessionId, action: { type: 'start' } })
    const first = started.combat.turnId
    await until(() => updates.some((u) => u.combat.turnId !== first && u.combat.active), 8000, 'timer fired')
    expect(updates.at(-1)!.combat.turnEndsAt).toBeGreaterThan(started.combat.turnEndsAt!)
    gm.client.close()
  }, 20_000)

  it('moves tokens in real time, never showing players hidden tokens or what is under fog', async () => {
    const { gm, players, sessionId } = await table(server.url)
    const [p1, p2] = players as [(typeof players)[0], (typeof players)[0]]
    const p2Moves = p2.events('table.token_moved')
    const p2Shown = p2.events('table.token_shown')
    const p2Hidden = p2.events('table.token_hidden')
    const p2Scenes = p2.events('table.scene_updated')
    const p1Moves = p1.events('table.token_moved')
    for (const p of [gm, p1, p2]) await p.send('table.join', { sessionId })
    const scene = (action: Record<string, unknown>) =>
      gm.send('table.scene', { sessionId, action: action as never })
    await scene({ type: 'set_map', url: 'https://maps.example/crypt.webp', grid: { w: 10, h: 10, cell: 64 } })
    await scene({ type: 'add_token', name: 'Aria', owner: p1.userId, x: 1, y: 1 })
    await scene({ type: 'add_token', name: 'Goblin', x: 3, y: 3 })
    await scene({ type: 'add_token', name: 'Ghost', x: 4, y: 4, hidden: true })
    const fogged = await scene({ type: 'fog_add', x: 6, y: 0, w: 4, h: 10 })
    const [aria, goblin, ghost] = fogged.scene.tokens
    expect(fogged.scene.tokens).toHaveLength(3)
    await until(() => p2Scenes.length === 5, 3000, 'scene updates')
    expect(p2Scenes.at(-1)!.scene.tokens.map((t) => t.name)).toEqual(['Aria', 'Goblin'])
    expect(JSON.stringify(p2Scenes)).not.toContain('Ghost')

    await p1.send('table.move', { sessionId, tokenId: aria!.id, x: 2, y: 1 })
    expect(await codeOf(p1.send('table.move', { sessionId, tokenId: goblin!.id, x: 0, y: 0 }))).toBe(
      'table.not_token_owner',
    )
    expect(await codeOf(p1.send('table.move', { sessionId, tokenId: ghost!.id, x: 0, y: 0 }))).toBe(
      'table.token_not_found',
    )
    expect(await codeOf(p1.send('table.move', { sessionId, tokenId: aria!.id, x: 10, y: 0 }))).toBe(
      'table.scene_out_of_bounds',
    )
    expect(await codeOf(p1.send('table.scene', { sessionId, action: { type: 'fog_clear' } }))).toBe(
      'table.gm_only',
    )

    await gm.send('table.move', { sessionId, tokenId: goblin!.id, x: 7, y: 3 })
    await gm.send('table.move', { sessionId, tokenId: goblin!.id, x: 8, y: 3 })
    await gm.send('table.move', { sessionId, tokenId: goblin!.id, x: 5, y: 3 })
    await gm.send('table.move', { sessionId, tokenId: ghost!.id, x: 1, y: 5 })
    await p1.send('table.move', { sessionId, tokenId: aria!.id, x: 7, y: 1 })
    await until(() => p2Shown.length === 1 && p2Hidden.length === 2 && p1Moves.length >= 2, 3000, 'moves')
    expect(p2Moves.map((m) => [m.tokenId, m.x, m.y])).toEqual([[aria!.id, 2, 1]])
    expect(p2Hidden.map((h) => h.tokenId)).toEqual([goblin!.id, aria!.id])
    expect(p2Shown[0]!.token).toMatchObject({ id: goblin!.id, x: 5, y: 3 })
    // The owner keeps seeing their own token under fog.
    expect(p1Moves.at(-1)).toMatchObject({ tokenId: aria!.id, x: 7, y: 1 })
    expect(JSON.stringify([p2Moves, p2Shown, p2Hidden])).not.toContain(ghost!.id)

    const flood = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        p1.client.request('table.move', { sessionId, tokenId: aria!.id, x: i % 10, y: 2 }).catch((e) => e),
      ),
    )
    expect(flood.some((r) => r?.code === 'sys.rate_limited')).toBe(true)
    for (const p of [gm, p1, p2]) p.client.close()
  })

  it('survives the GM leaving; removed members are told and taken out of the room', async () => {
    const { gm, players, sessionId } = await table(server.url)
    const [p1, p2] = players as [(typeof players)[0], (typeof players)[0]]
    const p2Entries = p2.events('table.entry')
    const p1Left = p1.events('table.left')
    for (const p of [gm, p1, p2]) await p.send('table.join', { sessionId })
    await gm.send('table.leave', { sessionId })
    await p1.send('table.say', { sessionId, text: 'the GM stepped out' })
    await until(() => p2Entries.length === 1, 3000, 'chat without GM')
    const back = await gm.send('table.join', { sessionId })
    expect(back.recent.map((e) => (e.kind === 'chat' ? e.text : e.kind))).toEqual(['the GM stepped out'])

    await gm.rest('DELETE', `/api/table/sessions/${sessionId}/members/${p2.userId}`)
    await until(() => p1Left.some((l) => l.userId === p2.userId && l.reason === 'removed'), 3000, 'removed')
    expect(await codeOf(p2.send('table.say', { sessionId, text: 'let me in' }))).toBe('table.not_member')
    await sleep(50)
    for (const p of [gm, p1, p2]) p.client.close()
  })
})
