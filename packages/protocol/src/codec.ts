import { Packr } from 'msgpackr'
import type { Envelope } from './envelope.ts'

/** Encodes envelopes to frames and back. Binary frames are msgpack; text frames are JSON. */
export interface Codec {
  readonly binary: boolean
  encode(envelope: Envelope): Uint8Array | string
  /** Throws on undecodable input; callers map that to `sys.malformed_frame`. */
  decode(frame: Uint8Array | string): unknown
}

// Plain msgpack maps (no msgpackr records) so clients in any language can decode frames.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  int64AsType: 'number',
})
const textDecoder = new TextDecoder()

export const msgpackCodec: Codec = {
  binary: true,
  encode: (envelope) => packr.pack(envelope),
  decode: (frame) => (typeof frame === 'string' ? JSON.parse(frame) : packr.unpack(frame)),
}

export const jsonCodec: Codec = {
  binary: false,
  encode: (envelope) => JSON.stringify(envelope),
  decode: (frame) => JSON.parse(typeof frame === 'string' ? frame : textDecoder.decode(frame)),
}
