import { AsyncLocalStorage } from 'node:async_hooks'
import type { Socket } from 'node:net'
import type { Codec, Envelope } from '@tavern/protocol'
import type { WebSocket } from 'ws'
import type { TavernConfig } from '../config.ts'

type GatewayConfig = TavernConfig['gateway']

import { wsBinaryFrame } from './frames.ts'
import { TokenBucket } from './rate-limit.ts'
import type { LiveSession, SessionSocket } from './session.ts'

/** One WebSocket, before and after authentication. */
export class Connection implements SessionSocket {
  session: LiveSession | null = null
  lastSeen: number
  badFrames = 0
  closed = false
  closedByServer = false
  readonly flood: TokenBucket
  /** Requests of one connection run one at a time, in arrival order. */
  readonly inbox: Array<{ env: Envelope; bytes: number }> = []
  draining = false
  authTimer: NodeJS.Timeout | undefined
  /**
   * When the last ping went out, and the session's last seq it carried (its pong acknowledges that far). It starts
   * at a random point of the last heartbeat, so the sockets of a burst of connections are not all pinged at once.
   */
  lastPingAt: number
  pingedSeq = 0
  /** Frames are held for the reply to this connection's request (see `sendFrame`). */
  private corked = false
  /** Volatile frames waiting for their slice of the event loop (see `sendVolatile`). */
  private volatile: Array<Buffer | string> | null = null

  constructor(
    readonly ws: WebSocket,
    readonly codec: Codec,
    readonly ip: string,
    now: number,
    config: GatewayConfig,
    private readonly onBytesOut: (n: number) => void,
  ) {
    this.lastSeen = now
    this.lastPingAt = now - Math.floor(Math.random() * config.heartbeatMs)
    this.flood = new TokenBucket(1000 / config.floodPerSec, config.floodBurst, now)
  }

  /**
   * Sends one frame. A frame caused by this connection's own request (sent from within its handler, see
   * `inRequestOf`) waits for that request's reply, so the requester's events and reply leave in one write: one
   * system call instead of several, which is most of what a small frame costs. If no reply follows in this run of
   * microtasks, the end of the run releases them.
   */
  sendFrame(frame: Buffer | string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return
    if (!this.volatile) {
      this.write(frame)
      return
    }
    // Volatile frames queued before this one go first (a connection's frames leave in the order they were sent),
    // and with it in one write: a reply that finds an update waiting costs one system call, not two.
    const socket = this.corked ? undefined : this.rawSocket()
    socket?.cork()
    this.flushVolatile()
    this.write(frame)
    socket?.uncork()
  }

  /**
   * Sends a volatile frame (one the next of its kind supersedes) in a slice of the event loop: a send pass that
   * queues thousands of them writes a slice of connections per turn (`VOLATILE_SLICE`), and the requests that
   * arrived meanwhile are read and answered between slices instead of waiting behind the whole pass. Any other frame
   * for this connection writes its queued volatile frames first, so order is kept.
   */
  sendVolatile(frame: Buffer | string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return
    if (this.volatile) {
      this.volatile.push(frame)
      return
    }
    this.volatile = [frame]
    if (volatileQueue.push(this) === 1) setImmediate(writeVolatileSlice)
  }

  /** Writes the volatile frames this connection has queued. */
  flushVolatile(): void {
    const frames = this.volatile
    if (!frames) return
    this.volatile = null
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return
    for (const f of frames) this.write(f, true)
  }

  /**
   * Writes one message. A binary one goes to the socket as one ready frame (`wsBinaryFrame`) rather than through
   * `ws.send`, which writes a header and the payload as a pair: 2–3 µs less of the ~11 µs a message cost on the
   * benchmark host. A volatile frame is never changed after it is sent (no seq is written into it), so a frame
   * shared by many connections is framed once (`wireOf`).
   */
  private write(frame: Buffer | string, volatile = false): void {
    this.onBytesOut(typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length)
    if (!this.corked && requestOf.getStore() === this) this.cork()
    const socket = typeof frame === 'string' ? undefined : this.rawSocket()
    if (!socket?.writable || typeof frame === 'string') {
      this.ws.send(frame, this.codec.binary ? BINARY : TEXT)
      return
    }
    let wire = volatile ? wireOf.get(frame) : undefined
    if (!wire) {
      wire = wsBinaryFrame(frame)
      if (volatile) wireOf.set(frame, wire)
    }
    socket.write(wire)
  }

  private cork(): void {
    // ws writes each frame with a cork/uncork of its own; an outer cork holds them until ours is released.
    const socket = this.rawSocket()
    if (!socket) return
    this.corked = true
    socket.cork()
    if (corkedNow.push(this) === 1) process.nextTick(releaseCorked)
  }

  /** Writes what a hold kept (at the reply, or at the end of the run of microtasks). */
  uncork(): void {
    if (!this.corked) return
    this.corked = false
    this.rawSocket()?.uncork()
  }

  /** Sends a reply (or an error), releasing whatever was held for it. */
  send(envelope: Envelope): void {
    this.sendFrame(this.codec.encode(envelope) as Buffer | string)
    this.uncork()
  }

  private rawSocket(): Socket | undefined {
    return (this.ws as unknown as { _socket?: Socket })._socket
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.closedByServer = true
    clearTimeout(this.authTimer)
    this.volatile = null
    this.uncork()
    this.ws.close(code, reason)
    // A peer that never answers the close handshake must not hold the socket open.
    setTimeout(() => this.ws.terminate(), 2000).unref()
  }
}

/** The connection whose request the current code is handling (set by the gateway around each handler). */
const requestOf = new AsyncLocalStorage<Connection>()

/** Runs a request's handler as this connection's: frames it sends to the connection wait for the reply. */
export function inRequestOf<T>(conn: Connection, handler: () => T): T {
  return requestOf.run(conn, handler)
}

/** Connections holding frames in this run of microtasks; one tick releases those no reply released. */
let corkedNow: Connection[] = []

function releaseCorked(): void {
  const list = corkedNow
  corkedNow = []
  for (const conn of list) conn.uncork()
}

/** Volatile frames framed for the wire, by frame: a frame shared by many connections is framed once. */
const wireOf = new WeakMap<Buffer, Buffer>()

/** Connections written per event-loop turn when volatile frames are queued (a few milliseconds of writes). */
export const VOLATILE_SLICE = 200
/** Connections with volatile frames queued, in order, and the next to write. */
let volatileQueue: Connection[] = []
let volatileNext = 0

function writeVolatileSlice(): void {
  const end = Math.min(volatileQueue.length, volatileNext + VOLATILE_SLICE)
  while (volatileNext < end) volatileQueue[volatileNext++]!.flushVolatile()
  if (volatileNext < volatileQueue.length) {
    setImmediate(writeVolatileSlice)
    return
  }
  volatileQueue = []
  volatileNext = 0
}

/** Requests one connection may have waiting; more are refused. */
export const MAX_QUEUED_PER_CONNECTION = 64
const BINARY = { binary: true } as const
const TEXT = { binary: false } as const
