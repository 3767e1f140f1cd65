import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { TavernClient } from '@tavern/client'
import { CloseCode, SUBPROTOCOL_JSON } from '@tavern/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { until } from './helpers.ts'

/**
 * The SDK's reconnect logic against a scripted server: the frames arrive exactly as a test needs them to, which a
 * real server under load does only now and then.
 */
type Script = (ws: WebSocket, auth: { id: number; payload: Record<string, unknown> }, n: number) => void

const user = { userId: 'u1', username: 'ann', role: 'player' as const }
const welcome = (sessionId: string, resumed: boolean) => ({
  sessionId,
  resumed,
  replayed: 0,
  user,
  serverTime: Date.now(),
  heartbeatMs: 60_000,
  protocolVersion: 1,
})

/** Writes several frames in one go, so the client reads them in one chunk. */
function together(ws: WebSocket, frames: object[]): void {
  const socket = (ws as unknown as { _socket: Socket })._socket
  socket.cork()
  for (const f of frames) ws.send(JSON.stringify(f))
  socket.uncork()
}

async function scriptedServer(script: Script) {
  const http: Server = createServer()
  const wss = new WebSocketServer({ server: http, path: '/ws', handleProtocols: () => SUBPROTOCOL_JSON })
  const auths: Array<Record<string, unknown>> = []
  /** When each auth arrived (ms). */
  const at: number[] = []
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const env = JSON.parse(String(data)) as { type: string; id: number; payload: Record<string, unknown> }
      if (env.type !== 'auth') return
      auths.push(env.payload)
      at.push(performance.now())
      script(ws, env, auths.length)
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const close = () =>
    new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate()
      wss.close()
      http.close(() => resolve())
    })
  return { url, auths, at, close }
}

function clientOf(url: string): TavernClient {
  const client = new TavernClient({
    url,
    WebSocket: WebSocket as never,
    format: 'json',
    reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
  })
  client.tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3_600_000, user }
  return client
}

describe('client reconnects', () => {
  const cleanup: Array<() => unknown> = []
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c()
  })

  it("adopts a fresh session's welcome before the events read in the same chunk", async () => {
    const server = await scriptedServer((ws, auth, n) => {
      if (n === 1) {
        // A new session whose first events leave right behind its welcome.
        together(ws, [
          { type: 'ok', id: auth.id, payload: welcome('s1', false) },
          { type: 'chat.message', seq: 1, payload: { text: 'one' } },
          { type: 'chat.message', seq: 2, payload: { text: 'two' } },
        ])
        setTimeout(() => ws.close(1012, 'restart'), 20)
      } else {
        ws.send(JSON.stringify({ type: 'ok', id: auth.id, payload: welcome('s1', true) }))
      }
    })
    const client = clientOf(server.url)
    cleanup.push(() => client.close(), server.close)
    const heard: unknown[] = []
    client.on('chat.message', (p) => heard.push(p))
    await client.connect()
    await until(() => server.auths.length === 2 && client.state === 'open', 5000, 'resumed')
    // The resume asks for what came after seq 2: the events read with the welcome counted.
    expect(server.auths[1]).toMatchObject({ resume: { sessionId: 's1', lastSeq: 2 } })
    expect(heard).toEqual([{ text: 'one' }, { text: 'two' }])
  })

  it('makes one next attempt, not two, when a reconnect closes before its welcome', async () => {
    const server = await scriptedServer((ws, auth, n) => {
      if (n === 2) return void ws.close(1012, 'restart') // the first reconnect dies mid-auth
      ws.send(JSON.stringify({ type: 'ok', id: auth.id, payload: welcome('s1', n > 1) }))
      if (n === 1) setTimeout(() => ws.close(1012, 'restart'), 20)
    })
    const client = clientOf(server.url)
    cleanup.push(() => client.close(), server.close)
    await client.connect()
    await until(() => server.auths.length >= 3 && client.state === 'open', 5000, 'back')
    await new Promise((r) => setTimeout(r, 200))
    // Two attempts at once would resume the same session twice, the second replacing the first.
    expect(server.auths).toHaveLength(3)
    expect(client.state).toBe('open')
  })

  it('waits as long as server.shutdown asks before reconnecting', async () => {
    let closedAt = 0
    const server = await scriptedServer((ws, auth, n) => {
      ws.send(JSON.stringify({ type: 'ok', id: auth.id, payload: welcome('s1', n > 1) }))
      if (n > 1) return
      setTimeout(() => {
        ws.send(
          JSON.stringify({
            type: 'server.shutdown',
            seq: 1,
            payload: { reason: 'shutdown', reconnectAfterMs: 400 },
          }),
        )
        closedAt = performance.now()
        ws.close(CloseCode.SERVER_SHUTDOWN, 'server shutdown')
      }, 20)
    })
    const client = clientOf(server.url)
    cleanup.push(() => client.close(), server.close)
    await client.connect()
    await until(() => server.auths.length === 2 && client.state === 'open', 5000, 'back')
    // The backoff alone would have come back after ~10 ms.
    expect(server.at[1]! - closedAt).toBeGreaterThanOrEqual(400)
  })

  it('holds the next attempt back for the retryAfterMs of an over-capacity refusal', async () => {
    const server = await scriptedServer((ws, auth, n) => {
      if (n === 2) {
        const payload = { code: 'sys.over_capacity', category: 'system', message: 'full', retryAfterMs: 400 }
        ws.send(JSON.stringify({ type: 'error', id: auth.id, payload }))
        return void ws.close(CloseCode.OVER_CAPACITY, 'over capacity')
      }
      ws.send(JSON.stringify({ type: 'ok', id: auth.id, payload: welcome('s1', n > 1) }))
      if (n === 1) setTimeout(() => ws.close(1012, 'restart'), 20)
    })
    const client = clientOf(server.url)
    cleanup.push(() => client.close(), server.close)
    await client.connect()
    await until(() => server.auths.length === 3 && client.state === 'open', 5000, 'back')
    expect(server.at[2]! - server.at[1]!).toBeGreaterThanOrEqual(400)
  })

  it('connect() during a reconnect attempt joins it instead of opening a second socket', async () => {
    const server = await scriptedServer((ws, auth, n) => {
      const ok = () => ws.send(JSON.stringify({ type: 'ok', id: auth.id, payload: welcome('s1', n > 1) }))
      if (n === 2) return void setTimeout(ok, 300) // a slow welcome: the attempt is still running
      ok()
      if (n === 1) setTimeout(() => ws.close(1012, 'restart'), 20)
    })
    const client = clientOf(server.url)
    cleanup.push(() => client.close(), server.close)
    await client.connect()
    await until(() => server.auths.length === 2, 5000, 'the reconnect attempt is waiting for its welcome')
    const joined = await client.connect()
    expect(joined).toMatchObject({ sessionId: 's1', resumed: true })
    await new Promise((r) => setTimeout(r, 200))
    expect(server.auths).toHaveLength(2)
    expect(client.state).toBe('open')
  })
})
