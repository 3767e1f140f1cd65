/**
 * The world benchmark's floor: a bare `ws` server that speaks just enough of Tavern's protocol for the RawBot
 * (auth, world.enter and world.move are answered ok, a move is never refused) and, as a naive server would, sends
 * every entered client one update frame every 100 ms in one synchronous loop. No accounts, no game logic: what it
 * costs is the transport work of Tavern's world at the same load, mostly the kernel's per-write cost.
 *
 * `POST /floor?updateBytes=N` (204) sets the size of the update frame; the benchmark sets it per step to the average
 * size Tavern sent at that step.
 */
import { createServer } from 'node:http'
import { Packr } from 'msgpackr'
import { type WebSocket, WebSocketServer } from 'ws'
import { profileOnSignal } from '../lib/profile.ts'

// The benchmark toggles a profile window with SIGUSR2 on either server (BENCH_PROFILE).
profileOnSignal()

const PROTOCOL = 'tavern.v1.msgpack'
const SEND_PERIOD_MS = 100

const packr = new Packr({ useRecords: false, variableMapSize: true })

interface Position {
  x: number
  y: number
  facing: string
}
const STEPS: Record<string, [number, number]> = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] }

/** Entered clients and where each stands. */
const entered = new Map<WebSocket, Position>()
let update = updateFrame(0)

/** An update envelope of about `bytes` bytes (the payload is filler: the bots do not decode updates). */
function updateFrame(bytes: number): Buffer {
  const overhead = packr.pack({ type: 'world.update', payload: Buffer.alloc(0) }).length
  return packr.pack({ type: 'world.update', payload: Buffer.alloc(Math.max(0, bytes - overhead)) })
}

/** Steps a position one tile in `dir` (no map: every step is allowed). */
function move(pos: Position, dir: unknown): void {
  if (typeof dir !== 'string') return
  const step = STEPS[dir]
  if (!step) return
  pos.x += step[0]
  pos.y += step[1]
  pos.facing = dir
}

/** The ok payload for a request; `auth` and anything else get `{}`. */
function answer(ws: WebSocket, type: string, payload: { dir?: unknown } | undefined): unknown {
  if (type === 'world.enter') entered.set(ws, { x: 0, y: 0, facing: 'down' })
  const pos = entered.get(ws)
  if (type !== 'world.move' || !pos) return {}
  move(pos, payload?.dir)
  return { map: 'town', x: pos.x, y: pos.y, facing: pos.facing }
}

const http = createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://localhost')
  const bytes = Number(u.searchParams.get('updateBytes'))
  if (req.method !== 'POST' || u.pathname !== '/floor' || !Number.isFinite(bytes) || bytes < 0) {
    res.writeHead(400).end()
    return
  }
  update = updateFrame(bytes)
  res.writeHead(204).end()
})
const wss = new WebSocketServer({
  server: http,
  path: '/ws',
  perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
})

wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    let env: { type: string; id?: number; payload?: { dir?: unknown } }
    try {
      env = packr.unpack(data)
    } catch {
      return
    }
    // Keys in the order type, id, payload: the RawBot recognises a reply from its first bytes.
    ws.send(packr.pack({ type: 'ok', id: env.id, payload: answer(ws, env.type, env.payload) }))
  })
  ws.on('close', () => entered.delete(ws))
})

setInterval(() => {
  for (const ws of entered.keys()) ws.send(update)
}, SEND_PERIOD_MS)

http.listen(0, '127.0.0.1', () => {
  const addr = http.address()
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` })}\n`,
  )
})
