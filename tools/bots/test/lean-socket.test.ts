import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { type WebSocket, WebSocketServer } from 'ws'
import { LeanSocket } from '../src/lean-socket.ts'

describe('LeanSocket', () => {
  it('upgrades, exchanges messages of every length class, answers pings and closes', async () => {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (p) => [...p][0] ?? false,
    })
    await new Promise((r) => wss.once('listening', r))
    const accepted = new Promise<WebSocket>((r) => wss.once('connection', r))
    const got: Buffer[] = []
    const lean = new LeanSocket((m) => got.push(Buffer.from(m)))
    await lean.connect(`http://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`, 'tavern.v1.msgpack')
    const server = await accepted
    expect(server.protocol).toBe('tavern.v1.msgpack')

    // Client to server: short and 16-bit lengths, masked.
    const heard: Buffer[] = []
    server.on('message', (d: Buffer) => heard.push(d))
    const short = Buffer.from('hello')
    const medium = Buffer.alloc(3000, 7)
    lean.send(short)
    lean.send(medium)
    await until(() => heard.length === 2)
    expect(heard).toEqual([short, medium])

    // Server to client: 7-bit, 16-bit and 64-bit lengths, many at once so reads split frames anywhere.
    const sizes = [1, 125, 126, 4000, 65_535, 65_536, 200_000]
    const sent = Array.from({ length: 60 }, (_, i) => Buffer.alloc(sizes[i % sizes.length]!, i))
    for (const b of sent) server.send(b)
    await until(() => got.length === sent.length)
    expect(got).toEqual(sent)

    // A ping is answered with its payload.
    const pong = new Promise<Buffer>((r) => server.once('pong', r))
    server.ping(Buffer.from('42'))
    expect(String(await pong)).toBe('42')

    // Close from the client: the server sees a clean close.
    const closed = new Promise<number>((r) => server.once('close', r))
    lean.close()
    expect(await closed).toBe(1000)
    wss.close()
  })

  it('rejects when the server refuses the upgrade', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: () => false })
    await new Promise((r) => wss.once('listening', r))
    const lean = new LeanSocket(() => {})
    await expect(
      lean.connect(`http://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`, 'x'),
    ).rejects.toThrow(/upgrade refused/)
    wss.close()
  })
})

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}
