/**
 * The baseline: a bare `ws` server doing the same work as Tavern's gateway in the gateway benchmark — decode
 * msgpack, answer requests by id, fan out a room message (encoded once) to every member — and nothing else.
 */
import { Packr } from 'msgpackr'
import { type WebSocket, WebSocketServer } from 'ws'

const packr = new Packr({ useRecords: false, variableMapSize: true })
const rooms = new Map<string, Set<WebSocket>>()
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })

wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    let env: { type: string; id?: number; payload?: { room?: string; t?: number } }
    try {
      env = packr.unpack(data)
    } catch {
      return
    }
    if (env.type === 'bench.join' && env.payload?.room) {
      let room = rooms.get(env.payload.room)
      if (!room) rooms.set(env.payload.room, (room = new Set()))
      room.add(ws)
    } else if (env.type === 'bench.shout' && env.payload?.room) {
      const frame = packr.pack({ type: 'bench.heard', payload: env.payload })
      for (const m of rooms.get(env.payload.room) ?? []) m.send(frame)
    }
    ws.send(packr.pack({ type: 'ok', id: env.id, payload: env.type === 'bench.echo' ? env.payload : {} }))
  })
  ws.on('close', () => {
    for (const r of rooms.values()) r.delete(ws)
  })
})
wss.on('listening', () => {
  const addr = wss.address()
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` })}\n`,
  )
})
