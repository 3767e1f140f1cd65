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

  /** An admin action over REST; the admin registers in the first test below and logs in here. */
  const adminAct = async (userId: string, action: string, body: object) => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: adminName, password: 'correct horse battery' }),
    })
    const { accessToken } = (await login.json()) as { accessToken: string }
    return fetch(`${server.url}/api/admin/users/${userId}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  }

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
    const player = await connectedClient(server.url)
    const states: Array<{ state: string; code?: number }> = []
    player.client.onState((state, d) => states.push({ state, code: d?.code }))
    const res = await adminAct(player.welcome.user.userId, 'ban', { reason: 'cheating' })
    expect(res.status).toBeLessThan(300)
    await until(() => states.some((s) => s.state === 'closed'), 3000, 'banned socket closed')
    expect(states.find((s) => s.code !== undefined)?.code).toBe(CloseCode.FORBIDDEN)
    expect(states.some((s) => s.state === 'reconnecting')).toBe(false)
  })

  it('ends the session of a user whose role changed with 4014; the client comes back with the new role', async () => {
    const player = await connectedClient(server.url)
    const closes: number[] = []
    player.client.onState((st, d) => void (st === 'reconnecting' && d?.code && closes.push(d.code)))
    const resyncs = collect(player.client, 'session.resync')
    const setRole = (role: string) => adminAct(player.welcome.user.userId, 'role', { role })
    const announce = (text: string) =>
      player.client.request('chat.send', { channel: 'announcements', text }).catch((e) => e)
    expect(await announce('not yet')).toMatchObject({ code: 'chat.forbidden' })

    expect((await setRole('moderator')).status).toBe(200)
    await until(() => resyncs.length === 1 && player.client.state === 'open', 5000, 'back as a moderator')
    expect(closes).toEqual([CloseCode.REAUTHENTICATE])
    // The client refreshed its token: it carries the new role, and so does the new session.
    expect(player.client.tokens!.user.role).toBe('moderator')
    expect(await announce('now I may')).toMatchObject({ id: expect.any(String) })

    // A demotion takes effect on the live socket too, not at its next login.
    expect((await setRole('player')).status).toBe(200)
    await until(() => resyncs.length === 2 && player.client.state === 'open', 5000, 'back as a player')
    expect(await announce('still?')).toMatchObject({ code: 'chat.forbidden' })
    // Setting the role it already has ends nothing.
    expect((await setRole('player')).status).toBe(200)
    await new Promise((r) => setTimeout(r, 200))
    expect(closes).toHaveLength(2)
    player.client.close()
  })

  it('a reconnect with a token made stale meanwhile refreshes it instead of retrying it', async () => {
    const player = await connectedClient(server.url)
    player.client.tokens!.expiresAt = Date.now() + 3_600_000 // far from expiry: only a refusal makes it refresh
    const stale = player.client.tokens!.accessToken
    // The socket goes away first; the role change then ends the suspended session, and the old token is refused.
    player.client.dropConnection()
    await until(() => player.client.state === 'reconnecting' || player.client.state === 'open', 2000)
    const res = await adminAct(player.welcome.user.userId, 'role', { role: 'moderator' })
    expect(res.status).toBe(200)
    const refused = await fetch(`${server.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${stale}` },
    })
    expect(refused.status).toBe(401)
    await until(
      () => player.client.tokens!.accessToken !== stale && player.client.state === 'open',
      5000,
      'back',
    )
    expect(player.client.tokens!.user.role).toBe('moderator')
    player.client.close()
  })

  it('connect() refreshes a token refused as stale and tries once more (a reload after a role change)', async () => {
    const player = await connectedClient(server.url)
    player.client.tokens!.expiresAt = Date.now() + 3_600_000
    player.client.close()
    const stale = player.client.tokens!.accessToken
    expect((await adminAct(player.welcome.user.userId, 'role', { role: 'moderator' })).status).toBe(200)
    const states: string[] = []
    player.client.onState((s) => states.push(s))
    const welcome = await player.client.connect()
    expect(welcome.user.role).toBe('moderator')
    expect(player.client.tokens!.accessToken).not.toBe(stale)
    // The refused socket's close never showed: no 'closed' between the two tries.
    await new Promise((r) => setTimeout(r, 100))
    expect(states).toEqual(['connecting', 'connecting', 'open'])
    player.client.close()
  })

  it('connect() with a refresh token that no longer works rejects with why', async () => {
    const player = await connectedClient(server.url)
    player.client.tokens!.expiresAt = Date.now() + 3_600_000
    player.client.close()
    await player.client.rest.logout(player.client.tokens!.refreshToken) // the refresh token is revoked
    expect((await adminAct(player.welcome.user.userId, 'role', { role: 'moderator' })).status).toBe(200)
    await expect(player.client.connect()).rejects.toMatchObject({ code: 'auth.refresh_invalid' })
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
