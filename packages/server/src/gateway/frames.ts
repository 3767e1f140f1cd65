import { type Codec, jsonCodec, msgpackCodec } from '@tavern/protocol'
import { Packr } from 'msgpackr'

const packr = new Packr({ useRecords: false, variableMapSize: true })
/** The envelope's end: key `seq` and a 0xce uint32 for its value, so the seq is always the last four bytes. */
const SEQ_TAIL = Buffer.concat([packr.pack('seq'), Buffer.from([0xce, 0xff, 0xff, 0xff, 0xff])])
/** The seq's value as encoded (0xce and four bytes): not counted in a frame's size for replay bounds. */
const SEQ_VALUE_BYTES = 5
/** Envelope heads by event type, for sequenced events and for volatile ones. */
const heads = { sequenced: new Map<string, Buffer>(), volatile: new Map<string, Buffer>() }

/**
 * Frames are carved from slabs of their own, one after another. One ArrayBuffer per frame made every send pay for
 * a fresh backing store (≈8 % of a busy world server); a slab is shared by the frames of a moment, which replay
 * buffers keep for about as long as each other (until a pong acknowledges them, ADR 0009), so a slab is freed soon
 * after its frames. Frames too big for a slab get their own buffer.
 */
const SLAB_BYTES = 64 * 1024
let slab = Buffer.allocUnsafeSlow(0)
let slabUsed = 0

export function frameBuffer(size: number): Buffer {
  if (size > SLAB_BYTES / 8) return Buffer.allocUnsafeSlow(size)
  if (slabUsed + size > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
    slabUsed = 0
  }
  const out = slab.subarray(slabUsed, slabUsed + size)
  // 8-byte aligned, so typed-array views of a frame stay possible.
  slabUsed += (size + 7) & ~7
  return out
}
/** The envelope's start up to the payload: a map of 3 entries (2 without a seq), `type`, the type, `payload`. */
function packedHead(type: string, sequenced: boolean): Buffer {
  const cache = sequenced ? heads.sequenced : heads.volatile
  let h = cache.get(type)
  if (!h) {
    const map = Buffer.from([sequenced ? 0x83 : 0x82])
    h = Buffer.concat([map, packr.pack('type'), packr.pack(type), packr.pack('payload')])
    cache.set(type, h)
  }
  return h
}

/**
 * A whole frame: the envelope's head for `type`, the msgpack payload `write` puts at `at`, and (unless the event is
 * volatile) the seq tail.
 */
function envelope(
  type: string,
  length: number,
  write: (frame: Buffer, at: number) => void,
  sequenced = true,
): Buffer {
  const head = packedHead(type, sequenced)
  const tail = sequenced ? SEQ_TAIL.length : 0
  const frame = frameBuffer(head.length + length + tail)
  head.copy(frame, 0)
  write(frame, head.length)
  if (sequenced) SEQ_TAIL.copy(frame, head.length + length)
  return frame
}

/**
 * An event encoded once, sent to one session or to many. The frame is assembled once (`envelope`: key order
 * type, payload, seq, so the seq is the last four bytes) in a region of a frame slab
 * (never Node's shared pool, which other code keeps using). An event for one session (`shared` false) takes its
 * seq in place; a broadcast copies the frame per recipient. Once encoded, an unshared event lets its payload go,
 * and a broadcast does once delivered (`release`): a replay buffer then holds bytes, not object graphs; a JSON
 * frame for it decodes the payload back.
 */
export class PreparedEvent {
  private packed: Buffer | undefined
  private jsonPrefix: string | undefined
  private payloadRef: unknown
  /** Volatile events carry no seq (see `Session.sendMsgpack`). */
  private sequenced = true

  constructor(
    readonly type: string,
    payload: unknown,
    private readonly shared = true,
  ) {
    this.payloadRef = payload
  }

  /**
   * An event for one session whose msgpack payload the caller writes: `write` fills exactly `length` bytes at
   * `at` of the frame (a hot path that assembles payloads from shared, pre-encoded parts writes them straight into
   * the frame). The payload must match the event's schema; nothing checks it here. A `shared` event goes to many
   * sessions (a sequenced one is copied per recipient to take its seq; a volatile one is the same bytes for all).
   */
  static fromMsgpackPayload(
    type: string,
    length: number,
    write: (frame: Buffer, at: number) => void,
    sequenced = true,
    shared = false,
  ): PreparedEvent {
    const ev = new PreparedEvent(type, undefined, shared)
    ev.sequenced = sequenced
    ev.packed = envelope(type, length, write, sequenced)
    return ev
  }

  get payload(): unknown {
    return this.packed && this.payloadRef === undefined
      ? (packr.unpack(this.packed) as { payload: unknown }).payload
      : this.payloadRef
  }

  /** Encoded size in bytes (without the seq), for bounding replay buffers. */
  byteLength(codec: Codec): number {
    if (codec.binary) return this.msgpackFrame().length - SEQ_VALUE_BYTES
    this.jsonPrefix ??= this.jsonHead()
    return this.jsonPrefix.length
  }

  /** The frame for one session (a volatile event ignores `seq`). */
  frame(codec: Codec, seq: number): Buffer | string {
    if (!codec.binary) {
      this.jsonPrefix ??= this.jsonHead()
      return this.sequenced ? `${this.jsonPrefix},"seq":${seq}}` : `${this.jsonPrefix}}`
    }
    const packed = this.msgpackFrame()
    if (!this.sequenced) return packed
    const frame = this.shared ? Buffer.from(packed) : packed
    frame.writeUInt32BE(seq >>> 0, frame.length - 4)
    return frame
  }

  private msgpackFrame(): Buffer {
    if (this.packed) return this.packed
    // packr returns a view of its working buffer: copied into the frame at once.
    const payload = packr.pack(this.payloadRef)
    this.packed = envelope(this.type, payload.length, (frame, at) => payload.copy(frame, at))
    if (!this.shared) this.payloadRef = undefined
    return this.packed
  }

  /**
   * Every recipient has been served: a msgpack frame already encoded lets the payload go, so replay buffers hold
   * bytes rather than object graphs (a JSON frame for a later resume decodes it back).
   */
  release(): void {
    if (this.packed) this.payloadRef = undefined
  }

  private jsonHead(): string {
    return `{"type":${JSON.stringify(this.type)},"payload":${JSON.stringify(this.payload ?? null)}`
  }
}

/** The codec for a negotiated subprotocol (msgpack unless the client asked for JSON). */
export function codecFor(protocol: string | undefined): Codec {
  return protocol === 'tavern.v1.json' ? jsonCodec : msgpackCodec
}

/**
 * A binary message as a WebSocket frame from the server (RFC 6455: FIN, opcode 2, the length, no mask), in one
 * buffer: written to the socket with one `write`, where `ws` would build a header and write the two as a pair.
 */
export function wsBinaryFrame(payload: Buffer): Buffer {
  const n = payload.length
  const head = n < 126 ? 2 : n < 0x10000 ? 4 : 10
  const out = frameBuffer(head + n)
  out[0] = 0x82
  if (head === 2) out[1] = n
  else if (head === 4) {
    out[1] = 126
    out.writeUInt16BE(n, 2)
  } else {
    out[1] = 127
    out.writeBigUInt64BE(BigInt(n), 2)
  }
  payload.copy(out, head)
  return out
}
