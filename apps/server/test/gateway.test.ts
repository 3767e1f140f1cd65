import { chatModule } from '@tavern/chat'
import { RestClient } from '@tavern/client'
import { CloseCode } from '@tavern/protocol'
import { startTestServer, type TestServer } from '@tavern/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectedClient, uniqueName, until } from './helpers.ts'
import { RawSocket } from './raw.ts'

describe('gateway under hostile input', () => {
  let server: TestServer
  let rest: RestClient
  const token = async () => (await rest.register(uniqueName('h'), 'correct horse battery')).accessToken
  const authed = async (format: 'msgpack' | 'json' = 'msgpack', opts: { autoPong?: boolean } = {}) => {
    const s = await RawSocket.open(server.url, format, undefined, opts)
    const reply = await s.request('auth', { token: await token() })
    expect(reply.type).toBe('ok')
    return s
  }

  beforeAll(async () => {
    server = await startTestServer({
      modules: [chatModule],
      config: {
        gateway: {
          authTimeoutMs: 1000,
          maxFrameBytes: 16 * 1024,
          floodPerSec: 20,
          floodBurst: 40,
          maxBadFrames: 3,
          idleTimeoutMs: 800,
          heartbeatMs: 200,
        },
      },
    })
    rest = new RestClient(server.url, fetch)
  })
  afterAll(() => server?.close())

  it('closes sockets that never authenticate with 4002', async () => {
    const s = await RawSocket.open(server.url)
    expect((await s.closed).code).toBe(CloseCode.AUTH_TIMEOUT)
  })

  it('answers requests before auth with sys.not_authenticated', async () => {
    const s = await RawSocket.open(server.url)
    const r = await s.request('chat.send', { channel: 'global', text: 'hi' })
    expect(r).toMatchObject({
      type: 'error',
      payload: { code: 'sys.not_authenticated', category: 'permission' },
    })
    s.close()
  })

  it('closes with 4001 on an invalid token', async () => {
    const s = await RawSocket.open(server.url)
    const r = await s.request('auth', { token: 'not-a-jwt' })
    expect(r.payload).toMatchObject({ code: 'auth.token_invalid' })
    expect((await s.closed).code).toBe(CloseCode.INVALID_TOKEN)
  })

  it('answers malformed frames and invalid envelopes, then closes with 4000', async () => {
    const s = await authed()
    const isError = (e: { type: string }) => e.type === 'error'
    s.sendRaw(Buffer.from([0xdf, 0xff, 0xff, 0xff]))
    expect((await s.next(isError)).payload).toMatchObject({ code: 'sys.malformed_frame' })
    s.send({ type: '' } as never)
    expect((await s.next(isError)).payload).toMatchObject({ code: 'sys.invalid_envelope' })
    s.sendRaw(Buffer.from([0x01]))
    s.sendRaw(Buffer.from([0x02]))
    expect((await s.closed).code).toBe(CloseCode.PROTOCOL_ERROR)
  })

  it('rejects unknown types, client-sent events and payloads that fail their schema', async () => {
    const s = await authed('json')
    expect((await s.request('nope.nothing', {})).payload).toMatchObject({ code: 'sys.unknown_type' })
    expect((await s.request('chat.message', {})).payload).toMatchObject({ code: 'sys.not_event' })
    const bad = await s.request('chat.send', { channel: 'Global Chat!', text: 5 })
    expect(bad.payload).toMatchObject({ code: 'sys.invalid_payload', category: 'validation' })
    expect((bad.payload as { details: unknown[] }).details.length).toBe(2)
    s.close()
  })

  it('refuses a payload over its type limit, and closes on a frame over the frame limit with 1009', async () => {
    const s = await authed()
    const r = await s.request('ping', { clientTime: 1, pad: 'x'.repeat(500) })
    expect(r.payload).toMatchObject({ code: 'sys.payload_too_large' })
    s.sendRaw(Buffer.alloc(20 * 1024, 1))
    expect((await s.closed).code).toBe(1009)
  })

  it('rate-limits each type by name, with retry-after', async () => {
    const s = await authed()
    const replies = []
    for (let i = 0; i < 5; i++)
      replies.push(await s.request('chat.send', { channel: 'global', text: `m${i}` }))
    const limited = replies.find((r) => r.type === 'error')
    expect(limited?.payload).toMatchObject({ code: 'sys.rate_limited', operation: 'chat.send' })
    expect((limited!.payload as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0)
    // Another type is not affected.
    expect((await s.request('ping', {})).type).toBe('ok')
    s.close()
  })

  it('refuses a flood and then closes the socket with 4008', async () => {
    const s = await authed()
    for (let i = 0; i < 200; i++) s.send({ type: 'ping', id: i, payload: {} })
    const closed = await s.closed
    expect(closed.code).toBe(CloseCode.RATE_LIMITED)
    expect(s.frames.some((f) => (f.payload as { operation?: string })?.operation === 'connection')).toBe(true)
  })

  it('closes idle sockets that stop answering pings with 4011', async () => {
    const s = await authed('msgpack', { autoPong: false })
    expect((await s.closed).code).toBe(CloseCode.IDLE_TIMEOUT)
  })

  it('keeps events for a resume only until a pong shows the client has them', async () => {
    const listenerToken = await token()
    const listener = await RawSocket.open(server.url)
    const welcome = await listener.request('auth', { token: listenerToken })
    const { sessionId } = welcome.payload as { sessionId: string }
    const speaker = await authed('json')
    const said = async (text: string) => {
      expect((await speaker.request('chat.send', { channel: 'global', text })).type).toBe('ok')
      const heard = await listener.next(
        (e) => e.type === 'chat.message' && (e.payload as { text: string }).text === text,
      )
      return heard.seq!
    }
    // Heartbeats every 200 ms: a ping follows the event and the client's pong acknowledges it. A request after the
    // pong, on the same stream, comes back once the server has handled the pong.
    const acknowledged = async () => {
      await new Promise((r) => listener.ws.once('ping', r))
      expect((await listener.request('ping', {})).type).toBe('ok')
    }
    const first = await said('before the pong')
    await acknowledged()
    const last = await said('acknowledged next')
    await acknowledged()
    listener.ws.terminate()
    await listener.closed
    expect((await speaker.request('chat.send', { channel: 'global', text: 'missed' })).type).toBe('ok')
    // From what it last saw: exactly the missed event.
    const back = await RawSocket.open(server.url)
    const resumed = await back.request('auth', { token: listenerToken, resume: { sessionId, lastSeq: last } })
    expect(resumed.payload).toMatchObject({ resumed: true, replayed: 1 })
    expect(await back.next((e) => e.type === 'chat.message')).toMatchObject({ payload: { text: 'missed' } })
    // From before what the pongs acknowledged: those events are gone, so a fresh session and a resync.
    back.ws.terminate()
    await back.closed
    const again = await RawSocket.open(server.url)
    const stale = await again.request('auth', {
      token: listenerToken,
      resume: { sessionId, lastSeq: first - 1 },
    })
    expect(stale.payload).toMatchObject({ resumed: false })
    expect(await again.next((e) => e.type === 'session.resync')).toBeTruthy()
    again.close()
    speaker.close()
  })

  it('ignores a pong that acknowledges more than was pinged', async () => {
    const listenerToken = await token()
    const listener = await RawSocket.open(server.url, 'msgpack', undefined, { autoPong: false })
    const welcome = await listener.request('auth', { token: listenerToken })
    const { sessionId } = welcome.payload as { sessionId: string }
    const speaker = await authed('json')
    expect((await speaker.request('chat.send', { channel: 'global', text: 'keep me' })).type).toBe('ok')
    const heard = await listener.next((e) => e.type === 'chat.message')
    // Unsolicited pongs claiming far more than any ping carried acknowledge nothing.
    listener.ws.pong('999999')
    listener.ws.pong(String(heard.seq! + 1000))
    expect((await listener.request('ping', {})).type).toBe('ok')
    listener.ws.terminate()
    await listener.closed
    const back = await RawSocket.open(server.url)
    const resumed = await back.request('auth', {
      token: listenerToken,
      resume: { sessionId, lastSeq: heard.seq! - 1 },
    })
    expect(resumed.payload).toMatchObject({ resumed: true })
    expect(await back.next((e) => e.type === 'chat.message')).toMatchObject({ payload: { text: 'keep me' } })
    back.close()
    speaker.close()
  })

  it('replaces an older session of the same account cleanly (4009)', async () => {
    const name = uniqueName('r')
    const t = await rest.register(name, 'correct horse battery')
    const first = await RawSocket.open(server.url)
    expect((await first.request('auth', { token: t.accessToken })).type).toBe('ok')
    const second = await RawSocket.open(server.url)
    const welcome = await second.request('auth', { token: t.accessToken })
    expect(welcome.type).toBe('ok')
    expect((await first.closed).code).toBe(CloseCode.REPLACED)
    // The new session is fully alive: it is online and in the global channel.
    const list = await second.request('presence.list', { channel: 'global' })
    expect(
      (list.payload as { users: Array<{ username: string }> }).users.filter((u) => u.username === name),
    ).toHaveLength(1)
    second.close()
  })

  it('survives a reconnect storm', async () => {
    const clients = []
    for (let i = 0; i < 20; i++) clients.push(await connectedClient(server.url))
    // Count how often each client comes back: a drop is only over when the client is open again.
    const opens = clients.map(() => 0)
    let resyncs = 0
    for (const c of clients) c.client.on('session.resync', () => resyncs++)
    for (const [i, c] of clients.entries()) c.client.onState((st) => void (st === 'open' && opens[i]!++))
    for (let round = 1; round <= 3; round++) {
      for (const c of clients) c.client.dropConnection()
      await until(() => opens.every((n) => n === round), 10_000, `round ${round}`)
    }
    expect(resyncs).toBe(0) // every reconnect resumed its session
    const pings = await Promise.all(clients.map((c) => c.client.ping()))
    expect(pings.every((p) => p >= 0)).toBe(true)
    expect(await fetch(`${server.url}/healthz`).then((r) => r.status)).toBe(200)
    for (const c of clients) c.client.close()
  }, 30_000)
})
