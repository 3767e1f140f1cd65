import { RestClient } from '@tavern/client'
import type { TestServer } from '@tavern/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeOf, player, startTableServer, table, until } from './table-helpers.ts'

describe('tabletop rooms with two processes on one database and hot store', () => {
  let a: TestServer
  let b: TestServer
  beforeAll(async () => {
    a = await startTableServer()
    b = await startTableServer({}, a)
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('one process owns a room; the other refuses it until it is free, and REST changes reach the owner', async () => {
    const { gm, players, sessionId } = await table(a.url, ['player'])
    const p1 = players[0]!
    await gm.send('table.join', { sessionId })
    // The player connects to the other process: the room is owned by the first one (a lease).
    const elsewhere = await player(b.url, p1.name, { login: true })
    expect(await codeOf(elsewhere.send('table.join', { sessionId }))).toBe('table.room_busy')

    // An invite redeemed and a status changed through the other process reach the room over the bus.
    const members = gm.events('table.members')
    const sessions = gm.events('table.session')
    const newcomer = await player(b.url)
    const invite = await gm.rest<{ code: string }>('POST', `/api/table/sessions/${sessionId}/invites`, {})
    await newcomer.rest('POST', '/api/table/join', { code: invite.code })
    await until(
      () => members.some((m) => m.members.some((x) => x.userId === newcomer.userId)),
      3000,
      'members',
    )
    newcomer.client.close()
    // The GM calls REST on the other process without opening a socket there (which would replace theirs).
    const rest = new RestClient(b.url, fetch)
    const tokens = await rest.login(gm.name, 'correct horse battery')
    const patch = { status: 'in_progress', phase: 'exploration' }
    await rest.call('PATCH', `/api/table/sessions/${sessionId}`, patch, tokens.accessToken)
    await until(() => sessions.some((s) => s.status === 'in_progress'), 3000, 'status over the bus')
    expect(sessions.at(-1)).toMatchObject({ phase: 'exploration' })

    // Once everyone left, the room is released and the other process may load it.
    gm.client.close()
    await until(
      async () => (await codeOf(elsewhere.send('table.join', { sessionId }))) === 'ok',
      5000,
      'released',
    )
    elsewhere.client.close()
  }, 30_000)
})
