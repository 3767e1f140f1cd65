/**
 * Every frame is one envelope. Requests carry a client-chosen `id`; the reply (`ok` or `error`) echoes it.
 * Events carry `seq`, a per-session sequence number the client reports back when it resumes.
 */
export interface Envelope {
  type: string
  id?: number | string
  payload?: unknown
  seq?: number
}

export const REPLY_OK = 'ok'
export const REPLY_ERROR = 'error'

/** Subprotocols offered in `Sec-WebSocket-Protocol`; the server picks the first it supports, msgpack by default. */
export const SUBPROTOCOL_MSGPACK = 'tavern.v1.msgpack'
export const SUBPROTOCOL_JSON = 'tavern.v1.json'
export const PROTOCOL_VERSION = 1

/** Narrows an unknown decoded value to an envelope, or returns null. */
export function asEnvelope(value: unknown): Envelope | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const v = value as Record<string, unknown>
  if (typeof v.type !== 'string' || v.type.length === 0 || v.type.length > 64) return null
  if (v.id !== undefined && !isValidId(v.id)) return null
  return v as unknown as Envelope
}

function isValidId(id: unknown): boolean {
  if (typeof id === 'number') return Number.isInteger(id) && id >= 0 && id <= 2 ** 53
  return typeof id === 'string' && id.length > 0 && id.length <= 64
}
