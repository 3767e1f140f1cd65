import { chatModule } from '@tavern/chat'
import { TavernClient } from '@tavern/client'
import { CloseCode } from '@tavern/protocol'
import { startTestServer, type TestServer } from '@tavern/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { collect, connectedClient, uniqueName, until } from './helpers.ts'

describe('chat rules', () => {
  let server: TestServer
  const adminName = uniqueName('admin')
  beforeAll(async () => {
    server = await startTestServer({
      modules: [chatModule],
      config: {
        modules: { settings: { accounts: { adminUsernames: [adminName] }, chat: { globalMaxLength: 20 } } },
      },
    })
  })
  afterAll(() => server?.close())

  it('checks membership, roles, length and emptiness, each with its own code', async () => {
    const { client } = await connectedClient(server.url)
    const channels = await client.request('chat.channels', {})
    expect(channels.channels).toEqual(
      expect.arrayContaining([
        { name: 'global', canPost: true, maxLength: 20 },
        { name: 'announcements', canPost: false, maxLength: 2000 },
      ]),
    )
    await expect(client.request('chat.send', { channel: 'announcements', text: 'hi' })).rejects.toMatchObject(
      { code: 'chat.forbidden' },
    )
    await expect(
      client.request('chat.send', { channel: 'global', text: 'x'.repeat(21) }),
    ).rejects.toMatchObject({
      code: 'chat.too_long',
      details: { maxLength: 20 },
    })
    await expect(client.request('chat.send', { channel: 'global', text: ' \n\t ' })).rejects.toMatchObject({
      code: 'chat.empty',
    })
    await new Promise((r) => setTimeout(r, 1100)) // chat.send allows 3 at once, then one a second
    await expect(client.request('chat.send', { channel: 'nowhere', text: 'hi' })).rejects.toMatchObject({
      code: 'chat.channel_not_found',
    })
    await expect(client.request('chat.history', { channel: 'dm:a:b' })).rejects.toMatchObject({
      code: 'chat.not_member',
    })
    client.close()
  })

  it('lets admins announce, and muted players wait', async () => {
    const admin = await connectedClient(server.url, adminName)
    const player = await connectedClient(server.url)
    const heard = collect(player.client, 'chat.message')
    await admin.client.request('chat.send', { channel: 'announcements', text: 'The inn opens at dusk' })
    await until(() => heard.some((m) => m.channel === 'announcements'))

    const res = await fetch(`${server.url}/api/admin/users/${player.welcome.user.userId}/mute`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin.client.tokens!.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ until: Date.now() + 60_000, reason: 'spam' }),
    })
    expect(res.status).toBeLessThan(300)
    const err = await player.client
      .request('chat.send', { channel: 'global', text: 'let me talk' })
      .catch((e) => e)
    expect(err).toMatchObject({ code: 'chat.muted' })
    expect(err.retryAfterMs).toBeGreaterThan(50_000)
    admin.client.close()
    player.client.close()
  })

  it('closes a banned user’s socket with 4003 and does not let the client reconnect', async () => {
    // The admin registered in the test above.
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: adminName, password: 'correct horse battery' }),
    })
    const adminToken = ((await login.json()) as { accessToken: string }).accessToken
    const player = await connectedClient(server.url)
    const states: Array<{ state: string; code?: number }> = []
    player.client.onState((state, d) => states.push({ state, code: d?.code }))
    const res = await fetch(`${server.url}/api/admin/users/${player.welcome.user.userId}/ban`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'cheating' }),
    })
    expect(res.status).toBeLessThan(300)
    await until(() => states.some((s) => s.state === 'closed'), 3000, 'banned socket closed')
    expect(states.find((s) => s.code !== undefined)?.code).toBe(CloseCode.FORBIDDEN)
    expect(states.some((s) => s.state === 'reconnecting')).toBe(false)
  })

  it('delivers room channels across two processes sharing the stores', async () => {
    const other = await startTestServer({
      modules: [chatModule],
      shared: { db: server.db, hot: server.hot, bus: server.bus },
    })
    try {
      const a = await connectedClient(server.url)
      const b = await connectedClient(other.url)
      const seenByA = collect(a.client, 'chat.message')
      const dmsToA = collect(a.client, 'chat.direct')
      await b.client.request('chat.send', { channel: 'global', text: 'from the other process' })
      await until(() => seenByA.some((m) => m.text === 'from the other process'), 3000, 'cross-process chat')
      await b.client.request('chat.dm', { to: a.name, text: 'psst, other process' })
      await until(() => dmsToA.length === 1, 3000, 'cross-process dm')
      // A login on the other process replaces the first session.
      let code: number | undefined
      a.client.onState((_s, d) => {
        code ??= d?.code
      })
      const a2 = new TavernClient({ url: other.url, WebSocket: WebSocket as never })
      await a2.login(a.name, 'correct horse battery')
      await a2.connect()
      await until(() => code === 4009, 3000, 'replaced across processes')
      a2.close()
      b.client.close()
    } finally {
      await other.stop()
    }
  })
})
