import type { z } from 'zod'

/** Server-enforced limits of one message type. Published with the schemas so clients can pace themselves. */
export interface MessageLimits {
  /** Largest encoded payload accepted, in bytes. Default 4 KiB. */
  maxBytes?: number
  /** Token bucket per session: `burst` messages at once, one more every `perMs` milliseconds. */
  rate?: { perMs: number; burst: number }
}

export interface RequestDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'request'
  readonly description: string
  readonly request: Req
  readonly response: Res
  readonly limits: MessageLimits
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event'
  readonly description: string
  readonly payload: P
}

export type MessageDef = RequestDef | EventDef

/** Declares a client → server request with its reply schema and limits. */
export function request<Req extends z.ZodType, Res extends z.ZodType>(def: {
  description: string
  request: Req
  response: Res
  limits?: MessageLimits
}): RequestDef<Req, Res> {
  return { kind: 'request', limits: {}, ...def }
}

/** Declares a server → client event. */
export function event<P extends z.ZodType>(def: { description: string; payload: P }): EventDef<P> {
  return { kind: 'event', ...def }
}

export const DEFAULT_MAX_BYTES = 4096
