import type { Socket } from 'node:net'
import type { Codec, Envelope } from '@tavern/protocol'
import type { WebSocket } from 'ws'
import type { TavernConfig } from '../config.ts'

type GatewayConfig = TavernConfig['gateway']

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
  /** When the last ping went out, and the session's last seq it carried (its pong acknowledges that far). */
  lastPingAt = 0
  pingedSeq = 0
  /** The socket is corked until the end of this turn's microtasks (see `sendFrame`). */
  private corked = false

  constructor(
    readonly ws: WebSocket,
    readonly codec: Codec,
    readonly ip: string,
    now: number,
    config: GatewayConfig,
    private readonly onBytesOut: (n: number) => void,
  ) {
    this.lastSeen = now
    this.flood = new TokenBucket(1000 / config.floodPerSec, config.floodBurst, now)
  }

  /**
   * Sends one frame. While one of this connection's requests is being handled, the frames it causes here (its
   * own events, then its reply, in the same run of microtasks) leave in one write: one system call instead of
   * one per frame, which is most of what a small frame costs.
   */
  sendFrame(frame: Buffer | string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return
    this.onBytesOut(typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length)
    if (this.draining && !this.corked) this.cork()
    this.ws.send(frame, this.codec.binary ? BINARY : TEXT)
  }

  private cork(): void {
    // ws writes each frame with cork/uncork of its own; an outer cork holds them until ours is released.
    const socket = (this.ws as unknown as { _socket?: Socket })._socket
    if (!socket) return
    this.corked = true
    socket.cork()
    process.nextTick(() => {
      this.corked = false
      socket.uncork()
    })
  }

  send(envelope: Envelope): void {
    this.sendFrame(this.codec.encode(envelope) as Buffer | string)
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.closedByServer = true
    clearTimeout(this.authTimer)
    this.ws.close(code, reason)
    // A peer that never answers the close handshake must not hold the socket open.
    setTimeout(() => this.ws.terminate(), 2000).unref()
  }
}

/** Requests one connection may have waiting; more are refused. */
export const MAX_QUEUED_PER_CONNECTION = 64
const BINARY = { binary: true } as const
const TEXT = { binary: false } as const
