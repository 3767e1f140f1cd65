import type { Codec, EventPayload, EventType, UserRef } from '@tavern/protocol'
import type { Session } from '../module.ts'
import { PreparedEvent } from './frames.ts'
import type { TokenBucket } from './rate-limit.ts'

/** What a session needs of the socket it is attached to. */
export interface SessionSocket {
  readonly codec: Codec
  sendFrame(frame: Buffer | string): void
  /** A frame the next of its kind supersedes: it may leave a little later, never out of order. */
  sendVolatile(frame: Buffer | string): void
  close(code: number, reason: string): void
}

export type SessionPhase = 'live' | 'suspended' | 'ended'

/**
 * A session outlives its socket: while suspended (socket dropped, grace window running) events are still
 * sequenced and buffered, so a resuming client gets exactly what it missed, in order.
 */
export class LiveSession implements Session {
  readonly data = new Map<string, unknown>()
  /** Per message type rate limits; kept on the session so reconnecting does not reset them. */
  readonly buckets = new Map<string, TokenBucket>()
  phase: SessionPhase = 'live'
  /** Codec of the last attached socket: sizes buffered events while the session is suspended. */
  private replayCodec: Codec
  socket: SessionSocket | null
  graceTimer: NodeJS.Timeout | undefined
  private seq = 0
  /**
   * The replay buffer, oldest first, as parallel arrays from index `head` on: an event's seq, the event and its
   * encoded size. A busy session holds a heartbeat's worth; one object per delivery would be garbage promoted by the
   * thousand per second. Dropping advances `head` (and lets the event go); the arrays are compacted now and then.
   */
  private readonly bufferSeqs: number[] = []
  private readonly bufferEvents: Array<PreparedEvent | undefined> = []
  private readonly bufferSizes: number[] = []
  private head = 0
  private bufferBytes = 0
  /** Events were dropped from the buffer while nobody was listening: a resume can no longer be exact. */
  private gapAfterSeq = 0

  constructor(
    readonly id: string,
    readonly user: UserRef,
    socket: SessionSocket,
    private readonly bufferLimit: number,
    /** Bytes of encoded events kept for replay at most: a busy world session must not hold megabytes. */
    private readonly bufferByteLimit: number = Number.POSITIVE_INFINITY,
    readonly onEvent: (type: string, n: number) => void = () => undefined,
  ) {
    this.socket = socket
    this.replayCodec = socket.codec
  }

  get lastSeq(): number {
    return this.seq
  }

  send<T extends EventType>(type: T, payload: EventPayload<T>): void {
    if (this.deliver(new PreparedEvent(type, payload, false))) this.onEvent(type, 1)
  }

  sendMsgpack<T extends EventType>(
    type: T,
    length: number,
    write: (frame: Buffer, at: number) => void,
    opts?: { volatile?: boolean },
  ): void {
    if (!opts?.volatile) {
      if (this.deliver(PreparedEvent.fromMsgpackPayload(type, length, write))) this.onEvent(type, 1)
      return
    }
    if (this.sendVolatile(PreparedEvent.fromMsgpackPayload(type, length, write, false))) this.onEvent(type, 1)
  }

  /**
   * A volatile event (see `Session.sendMsgpack`): straight to the socket, no seq, nothing kept; a suspended session
   * misses it. Returns whether it went out.
   */
  sendVolatile(event: PreparedEvent): boolean {
    if (this.phase !== 'live' || !this.socket) return false
    this.socket.sendVolatile(event.frame(this.socket.codec, 0))
    return true
  }

  /**
   * Sequences, buffers and (if attached) sends an event; returns whether the session took it. Broadcasts share
   * one PreparedEvent and count their deliveries once.
   */
  deliver(event: PreparedEvent): boolean {
    if (this.phase === 'ended') return false
    const seq = ++this.seq
    if (this.bufferLimit > 0) {
      const bytes = event.byteLength(this.socket?.codec ?? this.replayCodec)
      this.bufferSeqs.push(seq)
      this.bufferEvents.push(event)
      this.bufferSizes.push(bytes)
      this.bufferBytes += bytes
      const n = this.bufferSeqs.length
      let first = this.head
      while (n - first > this.bufferLimit || (this.bufferBytes > this.bufferByteLimit && n - first > 1))
        this.bufferBytes -= this.bufferSizes[first++]!
      if (first > this.head) {
        if (this.phase === 'suspended') this.gapAfterSeq = this.bufferSeqs[first - 1]!
        this.dropUntil(first)
      }
    }
    this.socket?.sendFrame(event.frame(this.socket.codec, seq))
    return true
  }

  /**
   * The client has every event up to `seq` (a pong answered a ping sent after them, on the same ordered stream):
   * a resume will never ask for them, so they leave the replay buffer.
   */
  ack(seq: number): void {
    let first = this.head
    while (first < this.bufferSeqs.length && this.bufferSeqs[first]! <= seq)
      this.bufferBytes -= this.bufferSizes[first++]!
    if (first > this.head) this.dropUntil(first)
  }

  /** Drops the events before index `first`. */
  private dropUntil(first: number): void {
    for (let i = this.head; i < first; i++) this.bufferEvents[i] = undefined
    this.head = first
    const n = this.bufferSeqs.length
    if (first === n) {
      this.bufferSeqs.length = this.bufferEvents.length = this.bufferSizes.length = this.head = 0
    } else if (first >= 256 && first * 2 >= n) {
      this.bufferSeqs.splice(0, first)
      this.bufferEvents.splice(0, first)
      this.bufferSizes.splice(0, first)
      this.head = 0
    }
  }

  /** Events kept for a resume. */
  get buffered(): number {
    return this.bufferSeqs.length - this.head
  }

  /**
   * Events after `lastSeq`, or null when some of them are gone (the client must resync). Events the client
   * had already acknowledged by seq are never sent twice.
   */
  eventsAfter(lastSeq: number): Array<{ seq: number; event: PreparedEvent }> | null {
    if (lastSeq > this.seq) return null
    if (lastSeq === this.seq) return []
    const first = this.bufferSeqs[this.head]
    if (first === undefined || first > lastSeq + 1 || this.gapAfterSeq > lastSeq) return null
    const missed: Array<{ seq: number; event: PreparedEvent }> = []
    for (let i = this.head; i < this.bufferSeqs.length; i++) {
      const seq = this.bufferSeqs[i]!
      if (seq > lastSeq) missed.push({ seq, event: this.bufferEvents[i]! })
    }
    return missed
  }

  /** Attaches a new socket and replays what the client missed. */
  attach(socket: SessionSocket, missed: Array<{ seq: number; event: PreparedEvent }>): void {
    this.socket = socket
    this.replayCodec = socket.codec
    this.phase = 'live'
    this.gapAfterSeq = 0
    for (const { seq, event } of missed) socket.sendFrame(event.frame(socket.codec, seq))
  }
}
