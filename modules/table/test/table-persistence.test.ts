import { CloseCode, type TableEntry } from '@tavern/protocol'
import type { TestServer } from '@tavern/server/testing'
import type { TableService } from '@tavern/table'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf, type Player, player, startTableServer, table, until } from './table-helpers.ts'

const text = (e: TableEntry) => ('text' in e ? e.text : e.kind === 'roll' ? `roll:${e.mode}` : e.kind)

describe('a tabletop session survives restarts and keeps its log', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTableServer()
  })
  afterAll(() => server?.close())

  const rooms = () => (server.kernel.api('table' as never) as TableService).rooms

  it('keeps chat, rolls, narration, actions, combat and scene across a restart; history pages', async () => {
    const { gm, players, sessionId } = await table(server.url, ['player'])
    const p1 = players[0]!
    for (const p of [gm, p1]) await p.send('table.join', { sessionId })
    await p1.send('table.say', { sessionId, text: 'We enter the crypt [[1d20]]' })
    const firstRoll = await p1.send('table.roll', { sessionId, formula: '1d20+2' })
    await gm.send('table.roll', { sessionId, formula: '1d20', mode: 'gm' })
    await gm.send('table.narrate', { sessionId, text: 'Bones rattle.' })
    await gm.send('table.narrate', { sessionId, text: 'A trap on the third step.', gmOnly: true })
    await p1.send('table.action', { sessionId, action: 'light torch' })
    await gm.send('table.combat', { sessionId, action: { type: 'add', name: 'Skeleton', hp: 13 } as never })
    await gm.send('table.combat', { sessionId, action: { type: 'roll_initiative' } })
    await gm.send('table.combat', { sessionId, action: { type: 'start' } })
    await gm.send('table.scene', {
      sessionId,
      action: { type: 'add_token', name: 'Skeleton', x: 4, y: 2 } as never,
    })
    await gm.send('table.scene', { sessionId, action: { type: 'fog_add', x: 10, y: 10, w: 5, h: 5 } })
    const before = await gm.send('table.history', { sessionId, limit: 100 })

    for (const p of [gm, p1]) p.client.close()
    server = await server.restart()
    const gm2 = await player(server.url, gm.name, { login: true })
    const p2 = await player(server.url, p1.name, { login: true })
    const room = await gm2.send('table.join', { sessionId })
    expect(room.recent.map(text)).toEqual(before.entries.map(text).reverse())
    expect(room.combat).toMatchObject({ active: true, round: 1, combatants: [{ name: 'Skeleton', hp: 13 }] })
    expect(room.scene.tokens.map((t) => [t.name, t.x, t.y])).toEqual([['Skeleton', 4, 2]])
    expect(room.scene.fog).toHaveLength(1)
    const theirs = await p2.send('table.join', { sessionId })
    expect(theirs.recent.map(text)).not.toContain('A trap on the third step.')
    expect(theirs.recent.map(text)).not.toContain('roll:gm')

    // Counters carry on: no seq and no nonce is ever used twice.
    const again = await p2.send('table.roll', { sessionId, formula: '1d20' })
    const nonce = (e: TableEntry) => (e.kind === 'roll' ? e.roll!.record.nonce : -1)
    expect(again.entry.seq).toBe(before.entries[0]!.seq + 1)
    expect(nonce(again.entry)).toBeGreaterThan(nonce(firstRoll.entry))

    // Paging, newest first, by `before`, only what the reader may see; REST agrees with the socket.
    const seen: number[] = []
    let page = await p2.send('table.history', { sessionId, limit: 3 })
    for (;;) {
      seen.push(...page.entries.map((e) => e.seq))
      if (page.nextBefore === null) break
      page = await p2.send('table.history', { sessionId, limit: 3, before: page.nextBefore })
    }
    expect(seen).toEqual([...seen].sort((a, b) => b - a))
    const all = await p2.rest<{ entries: TableEntry[] }>(
      'GET',
      `/api/table/sessions/${sessionId}/history?limit=100`,
    )
    expect(all.entries.map((e) => e.seq)).toEqual(seen)
    expect(all.entries.map(text)).not.toContain('A trap on the third step.')
    const gmAll = await gm2.rest<{ entries: TableEntry[] }>(
      'GET',
      `/api/table/sessions/${sessionId}/history?limit=100`,
    )
    expect(gmAll.entries.length).toBe(all.entries.length + 2)
    for (const p of [gm2, p2]) p.client.close()
  }, 30_000)

  it('publishes commitments, reveals on rotation and at the end, and every roll recomputes', async () => {
    const { verify } = await import('@tavern/table/dice')
    const { gm, players, sessionId } = await table(server.url, ['player', 'player'])
    const [p1, p2] = players as [Player, Player]
    const sessionSeen = p2.events('table.session')
    for (const p of [gm, p1, p2]) await p.send('table.join', { sessionId })
    const fairnessPath = `/api/table/sessions/${sessionId}/fairness`
    type Audit = {
      status: string
      current: { epoch: number; commitment: string }
      seeds: Array<{ epoch: number; commitment: string; serverSeed: string | null }>
      rolls: Array<{
        epoch: number
        notation: string
        clientSeed: string
        nonce: number
        total: number
        draws: number[]
      }>
    }
    const start = await p1.rest<Audit>('GET', fairnessPath)
    expect(start.seeds).toEqual([expect.objectContaining({ epoch: 0, serverSeed: null })])

    await p1.send('table.roll', { sessionId, formula: '4d6kh3' })
    await p1.send('table.roll', { sessionId, formula: '1d20', mode: 'self', clientSeed: 'p1-own-seed' })
    await p2.send('table.say', { sessionId, text: 'Both [[1d8]] and [[2d20kh1+3]]' })
    await gm.send('table.roll', { sessionId, formula: '3d6!', mode: 'blind' })
    await gm.send('table.combat', {
      sessionId,
      action: { type: 'add', name: 'Wolf', hp: 11, hidden: true } as never,
    })
    await gm.send('table.combat', { sessionId, action: { type: 'roll_initiative' } })
    const rotated = await gm.send('table.rotate_seed', { sessionId })
    expect(rotated.revealed).toMatchObject({ epoch: 0, commitment: start.current.commitment })
    expect(rotated.fairness.epoch).toBe(1)
    expect(await codeOf(p1.send('table.rotate_seed', { sessionId }))).toBe('table.gm_only')
    await until(() => sessionSeen.some((s) => s.revealed?.epoch === 0), 3000, 'rotation announced')

    const mid = await p2.rest<Audit>('GET', fairnessPath)
    // While the session runs, p2 only gets the records of rolls they could see.
    expect(mid.rolls.map((r) => r.notation)).toEqual(['4d6kh3', '1d8', '2d20kh1 + 3'])
    expect(mid.seeds.map((s) => s.serverSeed !== null)).toEqual([true, false])
    await p1.send('table.roll', { sessionId, formula: '1d100' })
    await gm.send('table.roll', { sessionId, formula: '1d20', mode: 'gm' })

    await gm.rest('PATCH', `/api/table/sessions/${sessionId}`, { status: 'completed' })
    await until(
      () => sessionSeen.some((s) => s.status === 'completed' && s.revealed?.epoch === 1),
      3000,
      'end',
    )
    expect(await codeOf(p1.send('table.roll', { sessionId, formula: '1d20' }))).toBe('table.session_closed')
    const end = await p2.rest<Audit>('GET', fairnessPath)
    expect(end.status).toBe('completed')
    expect(end.rolls.length).toBe(8)
    for (const seed of end.seeds) {
      expect(seed.serverSeed).not.toBeNull()
      const records = end.rolls.filter((r) => r.epoch === seed.epoch)
      const check = verify(seed.serverSeed!, seed.commitment, records)
      expect(check, `epoch ${seed.epoch}`).toMatchObject({ ok: true, checked: records.length })
    }
    // A forged total would not pass.
    const forged = end.rolls
      .filter((r) => r.epoch === 0)
      .map((r, i) => (i === 0 ? { ...r, total: r.total + 1 } : r))
    expect(verify(end.seeds[0]!.serverSeed!, end.seeds[0]!.commitment, forged).ok).toBe(false)
    // The room still opens, read-only.
    expect((await p2.send('table.join', { sessionId })).session.status).toBe('completed')
    for (const p of [gm, p1, p2]) p.client.close()
  }, 30_000)

  it('exports the log as JSON and Markdown and builds recaps without GM-only entries for players', async () => {
    const { gm, players, sessionId } = await table(server.url, ['player'])
    const p1 = players[0]!
    for (const p of [gm, p1]) await p.send('table.join', { sessionId })
    await gm.send('table.narrate', { sessionId, text: 'The dragon lands on the tower.' })
    await gm.send('table.narrate', { sessionId, text: 'It is an illusion.', gmOnly: true })
    await p1.send('table.say', { sessionId, text: 'I attack [[1d20+7]]' })
    await gm.send('table.roll', { sessionId, formula: '2d20kh1', mode: 'gm', label: 'secret check' })
    await gm.send('table.combat', { sessionId, action: { type: 'add', name: 'Dragon', hp: 5 } as never })
    await gm.send('table.combat', { sessionId, action: { type: 'start' } })
    const base = `/api/table/sessions/${sessionId}`

    const json = await p1.rest<{ entries: TableEntry[]; session: { id: string } }>(
      'GET',
      `${base}/export?format=json`,
    )
    expect(json.session.id).toBe(sessionId)
    expect(json.entries.map((e) => e.seq)).toEqual([...json.entries.map((e) => e.seq)].sort((a, b) => a - b))
    expect(JSON.stringify(json)).not.toContain('illusion')
    const res = await fetch(`${server.url}${base}/export?format=markdown`, {
      headers: { authorization: `Bearer ${gm.client.tokens!.accessToken}` },
    })
    expect(res.headers.get('content-type')).toMatch(/^text\/markdown/)
    const md = await res.text()
    expect(md).toMatch(/^# Session one/)
    expect(md).toContain('_Narration_: The dragon lands on the tower.')
    expect(md).toContain('_GM note_: It is an illusion.')
    expect(md).toMatch(/I attack \[\[1d20\+7\]\] → \*\*\d+\*\*/)
    expect(md).toContain('_Combat begins_')

    type Recap = {
      narration: string[]
      rolls: { count: number }
      markdown: string
      combat: { encounters: number }
    }
    const theirs = await p1.rest<Recap>('GET', `${base}/recap`)
    const mine = await gm.rest<Recap>('GET', `${base}/recap`)
    expect(theirs.narration).toEqual(['The dragon lands on the tower.'])
    expect(theirs.rolls.count).toBe(1)
    expect(mine.rolls.count).toBe(2)
    expect(theirs.combat.encounters).toBe(1)
    expect(theirs.markdown).toContain('The dragon lands on the tower.')
    expect(JSON.stringify(theirs)).not.toContain('secret check')
    for (const p of [gm, p1]) p.client.close()
  })

  it('replays missed table events on resume, in order, once; a second connection replaces the first', async () => {
    const { gm, players, sessionId } = await table(server.url, ['player'])
    const p1 = players[0]!
    const got = p1.events('table.entry')
    for (const p of [gm, p1]) await p.send('table.join', { sessionId })
    await gm.send('table.say', { sessionId, text: 'before' })
    await until(() => got.length === 1, 3000, 'first entry')
    p1.client.dropConnection()
    for (let i = 0; i < 4; i++) await gm.send('table.say', { sessionId, text: `missed ${i}` })
    await until(() => p1.client.state === 'open', 5000, 'resume')
    await until(() => got.length === 5, 3000, 'replayed entries')
    expect(got.map((g) => text(g.entry))).toEqual(['before', 'missed 0', 'missed 1', 'missed 2', 'missed 3'])
    await p1.send('table.say', { sessionId, text: 'back' })

    // A second connection of the same account takes over; it joins the room again and gets the events.
    const closed = new Promise<number | undefined>((resolve) =>
      p1.client.onState((s, d) => {
        if (s === 'closed') resolve(d?.code)
      }),
    )
    const gmLeft = gm.events('table.left')
    const again = await player(server.url, p1.name, { login: true })
    expect(await closed).toBe(CloseCode.REPLACED)
    await until(() => gmLeft.some((l) => l.userId === p1.userId && l.reason === 'replaced'), 3000, 'replaced')
    const fresh = again.events('table.entry')
    expect(await codeOf(again.send('table.say', { sessionId, text: 'x' }))).toBe('table.not_joined')
    const view = await again.send('table.join', { sessionId })
    expect(view.recent.map(text).at(-1)).toBe('back')
    await gm.send('table.say', { sessionId, text: 'welcome back' })
    await until(() => fresh.length === 1, 3000, 'new connection hears')
    expect(got.length).toBe(6)
    for (const p of [gm, again]) p.client.close()
  })

  it('unloads an empty room and reloads it from the durable store on demand', async () => {
    const { gm, players, sessionId } = await table(server.url, ['player'])
    const p1 = players[0]!
    for (const p of [gm, p1]) await p.send('table.join', { sessionId })
    await gm.send('table.scene', {
      sessionId,
      action: { type: 'add_token', name: 'Statue', x: 2, y: 2 } as never,
    })
    await p1.send('table.say', { sessionId, text: 'remember me' })
    expect(rooms().get(sessionId)).toBeDefined()
    await gm.send('table.leave', { sessionId })
    expect(rooms().get(sessionId)).toBeDefined()
    p1.client.close()
    await until(() => !rooms().busy(sessionId), 3000, 'unloaded')
    const [state] = await server.db.query<{ n: number | string }>(
      'SELECT count(*) AS n FROM table_rooms WHERE session_id = $1',
      [sessionId],
    )
    expect(Number(state!.n)).toBe(1)
    expect(await server.hot.get(`state:table.room:${sessionId}`)).toBeNull()
    const view = await gm.send('table.join', { sessionId })
    expect(view.scene.tokens.map((t) => t.name)).toEqual(['Statue'])
    expect(view.recent.map(text)).toEqual(['remember me'])
    gm.client.close()
  })
})
