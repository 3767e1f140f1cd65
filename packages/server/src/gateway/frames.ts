import { type Codec, jsonCodec, msgpackCodec } from '@tavern/protocol'
import { Packr } from 'msgpackr'

const packr = new Packr({ useRecords: false, variableMapSize: true })
/** Encodes as a 0xce uint32, so the seq is always the frame's last four bytes. */
const SEQ_PLACEHOLDER = 0xffffffff
/** The envelope's end: key `seq` and the placeholder. */
const SEQ_TAIL = Buffer.concat([packr.pack('seq'), Buffer.from([0xce, 0xff, 0xff, 0xff, 0xff])])
const heads = new Map<string, Buffer>()

/**
 * Frames are carved from slabs of their own, one after another. One ArrayBuffer per frame made every send pay for
 * a fresh backing store (≈8 % of a busy world server); a slab is shared by the frames of a moment, which replay
 * buffers keep for about as long as each other (until a pong acknowledges them, ADR 0009), so a slab is freed soon
 * after its frames. Frames too big for a slab get their own buffer.
 */
const SLAB_BYTES = 64 * 1024
let slab = Buffer.allocUnsafeSlow(0)
let slabUsed = 0

function frameBuffer(size: number): Buffer {
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
/** The envelope's start up to the payload: a 3-entry map, `type`, the type, `payload`. */
function packedHead(type: string): Buffer {
  let h = heads.get(type)
  if (!h) {
    h = Buffer.concat([Buffer.from([0x83]), packr.pack('type'), packr.pack(type), packr.pack('payload')])
    heads.set(type, h)
  }
  return h
}

/**
 * An event encoded once, sent to one session or to many. The frame is encoded once with a placeholder seq (the
 * envelope's key order is type, payload, seq, so the seq is the last four bytes) into a region of a frame slab
 * (never Node's shared pool, which other code keeps using). An event for one session (`shared` false) takes its
 * seq in place; a broadcast copies the frame per recipient. Once encoded, an unshared event lets its payload go,
 * and a broadcast does once delivered (`release`): a replay buffer then holds bytes, not object graphs; a JSON
 * frame for it decodes the payload back.
 */
export class PreparedEvent {
  private packed: Buffer | undefined
  private jsonPrefix: string | undefined
  private payloadRef: unknown

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
   * the frame). The payload must match the event's schema; nothing checks it here.
   */
  static fromMsgpackPayload(
    type: string,
    length: number,
    write: (frame: Buffer, at: number) => void,
  ): PreparedEvent {
    const ev = new PreparedEvent(type, undefined, false)
    const head = packedHead(type)
    const frame = frameBuffer(head.length + length + SEQ_TAIL.length)
    head.copy(frame, 0)
    write(frame, head.length)
    SEQ_TAIL.copy(frame, head.length + length)
    ev.packed = frame
    return ev
  }

  get payload(): unknown {
    return this.packed && this.payloadRef === undefined
      ? (packr.unpack(this.packed) as { payload: unknown }).payload
      : this.payloadRef
  }

  /** Encoded size in bytes (without the seq), for bounding replay buffers. */
  byteLength(codec: Codec): number {
    if (codec.binary) return this.msgpackFrame().length - 5
    this.jsonPrefix ??= this.jsonHead()
    return this.jsonPrefix.length
  }

  /** The frame for one session. */
  frame(codec: Codec, seq: number): Buffer | string {
    if (!codec.binary) {
      this.jsonPrefix ??= this.jsonHead()
      return `${this.jsonPrefix},"seq":${seq}}`
    }
    const packed = this.msgpackFrame()
    const frame = this.shared ? Buffer.from(packed) : packed
    frame.writeUInt32BE(seq >>> 0, frame.length - 4)
    return frame
  }

  private msgpackFrame(): Buffer {
    if (this.packed) return this.packed
    const encoded = packr.pack({ type: this.type, payload: this.payloadRef, seq: SEQ_PLACEHOLDER })
    // packr returns a view of its working buffer: copy it out.
    const own = frameBuffer(encoded.length)
    encoded.copy(own)
    this.packed = own
    if (!this.shared) this.payloadRef = undefined
    return own
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
