import { chatModule } from '@tavern/chat'
import { startTestServer, type TestServer } from '@tavern/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, connectedClient, until } from './helpers.ts'

describe('a newcomer’s first session (SDK over a real WebSocket)', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({
      modules: [chatModule],
      config: { state: { flushIntervalMs: 200 }, gateway: { resumeGraceMs: 3000 } },
    })
  })
  afterAll(() => server?.close())

  it('registers, connects, chats, sees presence, drops, resumes with exactly the missed events', async () => {
    const alice = await connectedClient(server.url)
    const aliceJoins = collect(alice.client, 'presence.joined')
    const bob = await connectedClient(server.url)
    await until(
      () => aliceJoins.some((j) => j.channel === 'global' && j.user.username === bob.name),
      3000,
      'bob online',
    )

    const online = await alice.client.request('presence.list', { channel: 'global' })
    expect(online.users.map((u) => u.username)).toEqual(expect.arrayContaining([alice.name, bob.name]))

    const bobSees = collect(bob.client, 'chat.message')
    const sent = await alice.client.request('chat.send', { channel: 'global', text: '  hello tavern  ' })
    await until(() => bobSees.length === 1, 3000, 'bob receives')
    expect(bobSees[0]).toMatchObject({ id: sent.id, text: 'hello tavern', from: { username: alice.name } })

    // Bob's connection drops; Alice keeps talking.
    const seqBefore = bob.client.lastSeq
    bob.client.dropConnection()
    await until(() => bob.client.state === 'reconnecting' || bob.client.state === 'open', 2000)
    for (let i = 0; i < 5; i++)
      await alice.client.request('chat.send', { channel: 'global', text: `missed ${i}` }).catch(async () => {
        await new Promise((r) => setTimeout(r, 1100))
        await alice.client.request('chat.send', { channel: 'global', text: `missed ${i}` })
      })
    await until(() => bob.client.state === 'open', 5000, 'bob resumes')
    await until(() => bobSees.length === 6, 5000, 'bob gets the missed messages')
    expect(bobSees.map((m) => m.text)).toEqual([
      'hello tavern',
      'missed 0',
      'missed 1',
      'missed 2',
      'missed 3',
      'missed 4',
    ])
    expect(bob.client.lastSeq).toBeGreaterThan(seqBefore)
    // Nothing twice: the ids are unique.
    expect(new Set(bobSees.map((m) => m.id)).size).toBe(6)

    // History pages newest first and includes messages not yet flushed.
    const page1 = await bob.client.request('chat.history', { channel: 'global', limit: 4 })
    expect(page1.messages.map((m) => m.text)).toEqual(['missed 4', 'missed 3', 'missed 2', 'missed 1'])
    const page2 = await bob.client.request('chat.history', {
      channel: 'global',
      limit: 4,
      before: page1.nextBefore!,
    })
    expect(page2.messages.map((m) => m.text)).toEqual(['missed 0', 'hello tavern'])
    expect(page2.nextBefore).toBeNull()

    alice.client.close()
    bob.client.close()
  })

  it('sends direct messages to online users only and announces departures', async () => {
    const a = await connectedClient(server.url)
    const b = await connectedClient(server.url)
    const dms = collect(b.client, 'chat.direct')
    const lefts = collect(a.client, 'presence.left')
    await a.client.request('chat.dm', { to: b.name, text: 'psst' })
    await until(() => dms.length === 1)
    expect(dms[0]).toMatchObject({ text: 'psst', from: { username: a.name }, to: { username: b.name } })
    await expect(a.client.request('chat.dm', { to: a.name, text: 'me' })).rejects.toMatchObject({
      code: 'chat.recipient_self',
    })
    await expect(a.client.request('chat.dm', { to: 'nobody_here_42', text: 'x' })).rejects.toMatchObject({
      code: 'auth.user_not_found',
    })
    // A clean close ends the session at once; a dropped one ends when the grace window runs out.
    b.client.close()
    await until(() => lefts.some((l) => l.user.username === b.name), 3000, 'presence.left on close')
    const c = await connectedClient(server.url)
    c.client.dropConnection()
    c.client.close()
    await until(() => lefts.some((l) => l.user.username === c.name), 6000, 'presence.left after grace')
    await expect(a.client.request('chat.dm', { to: b.name, text: 'still there?' })).rejects.toMatchObject({
      code: 'chat.recipient_offline',
    })
    a.client.close()
  }, 20_000)
})
