import { type Codec, jsonCodec, msgpackCodec } from '@tavern/protocol'
import { Packr } from 'msgpackr'

const packr = new Packr({ useRecords: false, variableMapSize: true })
const MSGPACK_SEQ_KEY = Buffer.from(packr.pack('seq'))

/**
 * An event encoded once, sent to many: the per-session `seq` is spliced onto a pre-encoded prefix, so a room
 * broadcast costs one encode, not one per recipient. The envelope's key order is type, payload, seq.
 */
export class PreparedEvent {
  private msgpackPrefix: Buffer | undefined
  private jsonPrefix: string | undefined
  constructor(
    readonly type: string,
    readonly payload: unknown,
  ) {}

  /** Encoded size in bytes (without the seq), for bounding replay buffers. */
  byteLength(codec: Codec): number {
    if (codec.binary) {
      if (!this.msgpackPrefix) this.msgpack(0)
      return this.msgpackPrefix!.length
    }
    if (this.jsonPrefix === undefined) this.json(0)
    return this.jsonPrefix!.length
  }

  /** The frame for one session. */
  frame(codec: Codec, seq: number): Buffer | string {
    return codec.binary ? this.msgpack(seq) : this.json(seq)
  }

  private msgpack(seq: number): Buffer {
    if (!this.msgpackPrefix) {
      this.msgpackPrefix = Buffer.concat([
        Buffer.from([0x83]),
        packr.pack('type'),
        packr.pack(this.type),
        packr.pack('payload'),
        packr.pack(this.payload),
      ])
    }
    const prefix = this.msgpackPrefix
    const frame = Buffer.allocUnsafe(prefix.length + MSGPACK_SEQ_KEY.length + 5)
    prefix.copy(frame, 0)
    MSGPACK_SEQ_KEY.copy(frame, prefix.length)
    const at = prefix.length + MSGPACK_SEQ_KEY.length
    frame[at] = 0xce
    frame.writeUInt32BE(seq >>> 0, at + 1)
    return frame
  }

  private json(seq: number): string {
    this.jsonPrefix ??= `{"type":${JSON.stringify(this.type)},"payload":${JSON.stringify(this.payload ?? null)}`
    return `${this.jsonPrefix},"seq":${seq}}`
  }
}

/** The codec for a negotiated subprotocol (msgpack unless the client asked for JSON). */
export function codecFor(protocol: string | undefined): Codec {
  return protocol === 'tavern.v1.json' ? jsonCodec : msgpackCodec
}
