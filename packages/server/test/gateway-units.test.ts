import type { AddressInfo } from 'node:net'
import { jsonCodec, msgpackCodec } from '@tavern/protocol'
import { Packr } from 'msgpackr'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { z } from 'zod'
import { Connection, inRequestOf, VOLATILE_SLICE } from '../src/gateway/connection.ts'
import { PreparedEvent } from '../src/gateway/frames.ts'
import { TokenBucket } from '../src/gateway/rate-limit.ts'
import { SessionDirectory } from '../src/gateway/registry.ts'
import { LiveSession, type SessionSocket } from '../src/gateway/session.ts'
import { createMemoryBroker, MemoryBus } from '../src/hot/bus-memory.ts'
import { MemoryHotStore } from '../src/hot/memory.ts'
import type { Session, SessionEndReason } from '../src/module.ts'
import { defineModule } from '../src/module.ts'
import { orderModules, validateModuleConfig } from '../src/modules.ts'

const user = { userId: 'u1', username: 'ann', role: 'player' as const }

function socket(codec = msgpackCodec) {
  const frames: Array<Buffer | string> = []
  const closes: number[] = []
  const s: SessionSocket = {
    codec,
    sendFrame: (f) => frames.push(f),
    sendVolatile: (f) => frames.push(f),
    close: (c) => closes.push(c),
  }
  return { s, frames, closes, decoded: () => frames.map((f) => codec.decode(f as Buffer)) }
}

describe('PreparedEvent', () => {
  it.each([
    ['msgpack', msgpackCodec],
    ['json', jsonCodec],
  ])('splices the seq into a %s frame encoded once', (_n, codec) => {
    const ev = new PreparedEvent('chat.message', { text: 'hi', n: [1, 2] })
    expect(codec.decode(ev.frame(codec, 1) as Buffer)).toEqual({
      type: 'chat.message',
      payload: { text: 'hi', n: [1, 2] },
      seq: 1,
    })
    expect(codec.decode(ev.frame(codec, 70_000) as Buffer)).toEqual({
      type: 'chat.message',
      payload: { text: 'hi', n: [1, 2] },
      seq: 70_000,
    })
  })

  it('gives a one-recipient event its seq in place, lets the payload go, and still writes JSON for a resume', () => {
    const ev = new PreparedEvent('chat.message', { text: 'hi' }, false)
    const a = ev.frame(msgpackCodec, 7) as Buffer
    expect(msgpackCodec.decode(a)).toEqual({ type: 'chat.message', payload: { text: 'hi' }, seq: 7 })
    // Replaying the same seq gives the same bytes; the payload is decoded back for a JSON socket.
    expect(ev.frame(msgpackCodec, 7)).toBe(a)
    expect(jsonCodec.decode(ev.frame(jsonCodec, 7) as string)).toEqual({
      type: 'chat.message',
      payload: { text: 'hi' },
      seq: 7,
    })
    // Frames come from Tavern's frame slabs, not Node's shared pool; each is a region of its own.
    const b = new PreparedEvent('chat.message', { text: 'there' }, false).frame(msgpackCodec, 8) as Buffer
    expect(a.buffer.byteLength).toBe(64 * 1024)
    expect(b.buffer === a.buffer ? b.byteOffset >= a.byteOffset + a.length : true).toBe(true)
    expect(msgpackCodec.decode(a)).toMatchObject({ payload: { text: 'hi' }, seq: 7 })
    const big = new PreparedEvent('chat.message', { text: 'x'.repeat(20_000) }, false).frame(msgpackCodec, 1)
    expect((big as Buffer).buffer.byteLength).toBe((big as Buffer).length)
  })

  it('frames a payload the caller encoded, for either codec', () => {
    const payload = new Packr({ useRecords: false }).pack({ map: 'town', n: [1, 2] })
    const ev = PreparedEvent.fromMsgpackPayload('world.update', payload.length, (b, at) => b.set(payload, at))
    const want = { type: 'world.update', payload: { map: 'town', n: [1, 2] }, seq: 9 }
    expect(msgpackCodec.decode(ev.frame(msgpackCodec, 9) as Buffer)).toEqual(want)
    expect(jsonCodec.decode(ev.frame(jsonCodec, 9) as string)).toEqual(want)
    expect(ev.byteLength(msgpackCodec)).toBe((ev.frame(msgpackCodec, 9) as Buffer).length - 5)
  })

  it('copies a broadcast frame per recipient, so each keeps its own seq', () => {
    const ev = new PreparedEvent('chat.message', { text: 'all' })
    const a = ev.frame(msgpackCodec, 1) as Buffer
    const b = ev.frame(msgpackCodec, 2) as Buffer
    expect([msgpackCodec.decode(a), msgpackCodec.decode(b)].map((e) => (e as { seq: number }).seq)).toEqual([
      1, 2,
    ])
  })

  it('lets a delivered broadcast’s payload go, and still frames it for either codec on a resume', () => {
    const payload = { text: 'all', n: [1, 2] }
    const ev = new PreparedEvent('chat.message', payload)
    ev.frame(msgpackCodec, 1)
    ev.release()
    expect(ev.payload).not.toBe(payload)
    expect(ev.payload).toEqual(payload)
    expect(msgpackCodec.decode(ev.frame(msgpackCodec, 3) as Buffer)).toEqual({
      type: 'chat.message',
      payload,
      seq: 3,
    })
    expect(jsonCodec.decode(ev.frame(jsonCodec, 4) as string)).toEqual({
      type: 'chat.message',
      payload,
      seq: 4,
    })
    // Sent only as JSON so far: nothing encoded to fall back on, so the payload stays.
    const json = new PreparedEvent('chat.message', payload)
    json.frame(jsonCodec, 1)
    json.release()
    expect(json.payload).toBe(payload)
  })
})

describe('LiveSession', () => {
  it('sequences events and replays exactly those after lastSeq', () => {
    const a = socket()
    const s = new LiveSession('s1', user, a.s, 10)
    for (let i = 0; i < 5; i++) s.send('session.resync', { reason: 'other_user' })
    expect(a.decoded().map((e) => (e as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5])
    expect(s.eventsAfter(3)?.map((e) => e.seq)).toEqual([4, 5])
    expect(s.eventsAfter(5)).toEqual([])
    expect(s.eventsAfter(6)).toBeNull()
    const b = socket()
    s.attach(b.s, s.eventsAfter(2)!)
    expect(b.decoded().map((e) => (e as { seq: number }).seq)).toEqual([3, 4, 5])
  })

  it('refuses a resume whose events fell out of the buffer', () => {
    const a = socket()
    const s = new LiveSession('s1', user, a.s, 3)
    s.socket = null
    s.phase = 'suspended'
    for (let i = 0; i < 5; i++) s.send('session.resync', { reason: 'other_user' })
    expect(s.eventsAfter(0)).toBeNull()
    expect(s.eventsAfter(2)?.map((e) => e.seq)).toEqual([3, 4, 5])
  })

  it('lets acknowledged events go: a resume from them or later still works', () => {
    const s = new LiveSession('s1', user, socket().s, 100)
    for (let i = 0; i < 5; i++) s.send('session.resync', { reason: 'other_user' })
    s.ack(3)
    expect(s.buffered).toBe(2)
    expect(s.eventsAfter(3)?.map((e) => e.seq)).toEqual([4, 5])
    expect(s.eventsAfter(4)?.map((e) => e.seq)).toEqual([5])
    // A client claiming less than it acknowledged is wrong about itself: resync.
    expect(s.eventsAfter(1)).toBeNull()
    s.ack(5)
    expect(s.buffered).toBe(0)
    expect(s.eventsAfter(5)).toEqual([])
    s.send('session.resync', { reason: 'other_user' })
    expect(s.eventsAfter(5)?.map((e) => e.seq)).toEqual([6])
  })
})

describe('replay buffer upkeep', () => {
  it('stays exact through many drops, acknowledgements and compactions', () => {
    const s = new LiveSession('s1', user, socket().s, 300)
    for (let i = 0; i < 1000; i++) s.send('session.resync', { reason: 'other_user' })
    expect(s.buffered).toBe(300)
    expect(s.eventsAfter(699)).toBeNull()
    expect(s.eventsAfter(700)?.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => 701 + i))
    s.ack(950)
    expect(s.buffered).toBe(50)
    expect(s.eventsAfter(960)?.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => 961 + i))
    for (let i = 0; i < 700; i++) s.send('session.resync', { reason: 'other_user' })
    expect(s.buffered).toBe(300)
    expect(s.eventsAfter(1400)?.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => 1401 + i))
    s.ack(1700)
    expect(s.buffered).toBe(0)
    expect(s.eventsAfter(1700)).toEqual([])
  })
})

describe('volatile events', () => {
  const pack = new Packr({ useRecords: false })
  const payload = pack.pack({ reason: 'other_user' })
  const write = (frame: Buffer, at: number) => void payload.copy(frame, at)

  it('go out without a seq, for either codec, and are never kept for a resume', () => {
    const bin = socket()
    const s = new LiveSession('s1', user, bin.s, 10)
    s.send('session.resync', { reason: 'other_user' })
    s.sendMsgpack('session.resync', payload.length, write, { volatile: true })
    s.send('session.resync', { reason: 'other_user' })
    expect(bin.decoded()).toEqual([
      { type: 'session.resync', payload: { reason: 'other_user' }, seq: 1 },
      { type: 'session.resync', payload: { reason: 'other_user' } },
      { type: 'session.resync', payload: { reason: 'other_user' }, seq: 2 },
    ])
    // A resume from before the volatile event replays the sequenced ones only, with no gap.
    expect(s.eventsAfter(0)?.map((e) => e.seq)).toEqual([1, 2])

    const json = socket(jsonCodec)
    const j = new LiveSession('s2', user, json.s, 10)
    j.sendMsgpack('session.resync', payload.length, write, { volatile: true })
    expect(json.frames).toEqual(['{"type":"session.resync","payload":{"reason":"other_user"}}'])
    expect(j.buffered).toBe(0)
  })

  it('are dropped while the session is suspended', () => {
    const a = socket()
    const s = new LiveSession('s1', user, a.s, 10)
    s.socket = null
    s.phase = 'suspended'
    s.sendMsgpack('session.resync', payload.length, write, { volatile: true })
    const b = socket()
    s.attach(b.s, s.eventsAfter(0)!)
    expect(a.frames).toEqual([])
    expect(b.frames).toEqual([])
    expect(s.lastSeq).toBe(0)
  })
})

describe('replay buffer bounds', () => {
  it('keeps at most the configured bytes, dropping the oldest events', () => {
    const s = new LiveSession('s1', user, socket().s, 1000, 200)
    const payload = (i: number) => ({ reason: 'x'.repeat(30), reconnectAfterMs: i })
    for (let i = 0; i < 20; i++) s.send('server.shutdown', payload(i))
    const fit = Math.floor(200 / new PreparedEvent('server.shutdown', payload(10)).byteLength(msgpackCodec))
    expect(fit).toBeGreaterThan(0)
    expect(s.eventsAfter(20 - fit)?.map((e) => e.seq)).toEqual(
      Array.from({ length: fit }, (_, i) => 21 - fit + i),
    )
    expect(s.eventsAfter(19 - fit)).toBeNull()
  })
})

describe('Connection', () => {
  /** A Connection on a real socket pair, the client collecting text frames. */
  async function pair() {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await new Promise((r) => wss.once('listening', r))
    const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`)
    const got: string[] = []
    client.on('message', (data) => got.push(String(data)))
    const ws = await accepted
    const config = { floodPerSec: 10, floodBurst: 10 } as never
    const conn = new Connection(ws, jsonCodec, '127.0.0.1', 0, config, () => undefined)
    const raw = (ws as unknown as { _socket: import('node:net').Socket })._socket
    const received = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (got.length >= n ? resolve() : setTimeout(check, 5))
        check()
      })
    const end = () => {
      client.close()
      wss.close()
    }
    return { conn, raw, got, received, end }
  }
  const turn = () => new Promise((r) => process.nextTick(r))

  it('holds the frames a request sends its own connection for its reply, then sends them in one write', async () => {
    const { conn, raw, got, received, end } = await pair()
    conn.sendFrame('outside a request')
    expect(raw.writableCorked).toBe(0)
    await inRequestOf(conn, async () => {
      await Promise.resolve()
      // Any depth of awaits inside the handler still counts as the request's.
      conn.sendFrame('event')
      expect(raw.writableCorked).toBe(1)
    })
    conn.send({ type: 'ok', id: 1, payload: {} })
    // The reply releases what was held.
    expect(raw.writableCorked).toBe(0)
    // Another connection's request does not hold this one's frames.
    const other = await pair()
    inRequestOf(other.conn, () => conn.sendFrame('for someone else'))
    expect(raw.writableCorked).toBe(0)
    // No reply in this run of microtasks: its end releases the hold.
    inRequestOf(conn, () => conn.sendFrame('late event'))
    expect(raw.writableCorked).toBe(1)
    await turn()
    expect(raw.writableCorked).toBe(0)
    await received(5)
    expect(got).toEqual([
      'outside a request',
      'event',
      '{"type":"ok","id":1,"payload":{}}',
      'for someone else',
      'late event',
    ])
    other.end()
    end()
  })
})

describe('binary frames', () => {
  it('reach a ws client intact at every length class, sent and volatile, in order', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await new Promise((r) => wss.once('listening', r))
    const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`)
    const got: Buffer[] = []
    client.on('message', (data: Buffer) => got.push(data))
    const conn = new Connection(
      await accepted,
      msgpackCodec,
      '127.0.0.1',
      0,
      { floodPerSec: 10, floodBurst: 10 } as never,
      () => {},
    )
    const frames = [5, 125, 126, 65_535, 65_536, 300_000].map((n, i) => Buffer.alloc(n, i + 1))
    const shared = Buffer.from('the same bytes for many')
    conn.sendVolatile(shared)
    // A frame that finds volatile ones waiting takes them along in the same write.
    const raw = (conn.ws as unknown as { _socket: import('node:net').Socket })._socket
    const writes: number[] = []
    const writev = raw._writev?.bind(raw)
    const write = raw._write.bind(raw)
    raw._writev = (chunks, cb) => {
      writes.push(chunks.length)
      writev!(chunks, cb)
    }
    raw._write = (chunk, enc, cb) => {
      writes.push(1)
      write(chunk, enc, cb)
    }
    for (const f of frames) conn.sendFrame(f)
    expect(writes[0]).toBe(2)
    expect(writes.length).toBe(frames.length)
    conn.sendVolatile(shared)
    await new Promise((r) => setImmediate(r))
    const want = [shared, ...frames, shared]
    while (got.length < want.length) await new Promise((r) => setTimeout(r, 5))
    expect(got).toEqual(want)
    client.close()
    wss.close()
  })
})

describe('volatile frames', () => {
  /** A connection over a stand-in socket that records what is written, synchronously. */
  function fakeConnection(written: string[], name: string) {
    const ws = {
      readyState: 1,
      OPEN: 1,
      send: (f: string) => written.push(`${name}:${f}`),
      close: () => {},
      terminate: () => {},
    }
    return new Connection(
      ws as never,
      jsonCodec,
      '127.0.0.1',
      0,
      { floodPerSec: 10, floodBurst: 10 } as never,
      () => {},
    )
  }
  const nextTurn = () => new Promise((r) => setImmediate(r))

  it('leave in slices of connections per event-loop turn, and never after a later frame of their connection', async () => {
    const written: string[] = []
    const conns = Array.from({ length: VOLATILE_SLICE + 1 }, (_, i) => fakeConnection(written, `c${i}`))
    for (const c of conns) c.sendVolatile('update')
    conns[0]!.sendVolatile('update 2')
    // Nothing leaves during the pass that queued them.
    expect(written).toEqual([])
    // A reply to the last connection writes its queued update first.
    conns[VOLATILE_SLICE]!.sendFrame('reply')
    expect(written).toEqual([`c${VOLATILE_SLICE}:update`, `c${VOLATILE_SLICE}:reply`])
    await nextTurn()
    // One slice per turn, each connection's frames in order.
    expect(written.length).toBe(2 + VOLATILE_SLICE + 1)
    expect(written.slice(2, 5)).toEqual(['c0:update', 'c0:update 2', 'c1:update'])
    await nextTurn()
    // The last connection's frames already left with its reply: nothing is written twice.
    expect(written.length).toBe(2 + VOLATILE_SLICE + 1)
    // A closed connection's queued frames are dropped.
    conns[1]!.sendVolatile('late')
    conns[1]!.close(1000, 'bye')
    await nextTurn()
    expect(written.filter((w) => w === 'c1:late')).toEqual([])
  })
})

describe('TokenBucket', () => {
  it('allows a burst, then one per period, and says how long to wait', () => {
    const b = new TokenBucket(100, 3, 0)
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([0, 0, 0])
    expect(b.take(0)).toBe(100)
    expect(b.take(50)).toBe(50)
    expect(b.take(100)).toBe(0)
  })
})

describe('module ordering and config', () => {
  const m = (name: string, dependsOn: string[] = []) => defineModule({ name, dependsOn })
  it('orders by dependencies', () => {
    expect(
      orderModules([m('world', ['chat']), m('chat', ['accounts']), m('accounts')]).map((x) => x.name),
    ).toEqual(['accounts', 'chat', 'world'])
  })
  it('rejects cycles, missing dependencies and duplicates', () => {
    expect(() => orderModules([m('a', ['b']), m('b', ['a'])])).toThrow(/cycle: a → b → a/)
    expect(() => orderModules([m('a', ['zz'])])).toThrow(/depends on zz/)
    expect(() => orderModules([m('a'), m('a')])).toThrow(/twice/)
    expect(() => defineModule({ name: 'Bad-Name' })).toThrow(/snake case/)
  })
  it('validates module settings and names every problem', () => {
    const withConfig = defineModule({ name: 'x', config: z.object({ n: z.coerce.number().int() }).strict() })
    expect(validateModuleConfig([withConfig], { x: { n: '3' } }).get('x')).toEqual({ n: 3 })
    expect(() => validateModuleConfig([withConfig], { x: { n: 'q' }, y: {} })).toThrow(
      /modules\.y[\s\S]*modules\.x\.n/,
    )
  })
})

describe('SessionDirectory across two processes', () => {
  it('ends a user’s session on the other process before the new one starts, and routes events', async () => {
    const keyspaceHot = new MemoryHotStore()
    const broker = createMemoryBroker()
    const log = pino({ level: 'silent' })
    const events: string[] = []
    const hooks = (p: string) => [
      {
        onSessionStart: (s: Session) => void events.push(`${p}:start:${s.id}`),
        onSessionEnd: async (s: Session, r?: SessionEndReason) => {
          await new Promise((res) => setTimeout(res, 20))
          events.push(`${p}:end:${s.id}:${r}`)
        },
      },
    ]
    const a = new SessionDirectory({
      hot: keyspaceHot,
      bus: new MemoryBus(broker),
      processId: 'A',
      log,
      graceMs: 1000,
      hooks: () => hooks('A'),
    })
    const b = new SessionDirectory({
      hot: keyspaceHot,
      bus: new MemoryBus(broker),
      processId: 'B',
      log,
      graceMs: 1000,
      hooks: () => hooks('B'),
    })
    await a.start()
    await b.start()
    const onA = socket()
    const s1 = new LiveSession('s1', user, onA.s, 10)
    await a.started(s1)
    expect(await b.isOnline('u1')).toBe(true)
    await b.sendToUser('u1', 'session.resync', { reason: 'other_user' })
    await new Promise((r) => setTimeout(r, 20))
    expect(onA.decoded()).toHaveLength(1)

    await b.endUserSessions('u1', 'replaced')
    expect(onA.closes).toEqual([4009])
    const s2 = new LiveSession('s2', user, socket().s, 10)
    await b.started(s2)
    expect(events).toEqual(['A:start:s1', 'A:end:s1:replaced', 'B:start:s2'])
    // The old session's cleanup did not remove the new session's online mark.
    expect(await a.isOnline('u1')).toBe(true)
    await a.stop()
    await b.stop()
    await keyspaceHot.close()
  })
})
