import type { z } from 'zod'
import { chatMessages } from './messages/chat.ts'
import { coreMessages } from './messages/core.ts'
import type { EventDef, RequestDef } from './messages/define.ts'
import { tableMessages } from './messages/table.ts'
import { worldMessages } from './messages/world.ts'

export * from './close-codes.ts'
export * from './codec.ts'
export * from './envelope.ts'
export * from './errors.ts'
export * from './messages/chat.ts'
export * from './messages/core.ts'
export * from './messages/define.ts'
export * from './messages/table.ts'
export * from './messages/world.ts'

/** Every message type Tavern speaks, by namespaced type. */
export const messages = { ...coreMessages, ...chatMessages, ...tableMessages, ...worldMessages } as const
export type Messages = typeof messages

type RequestKeys<M> = { [K in keyof M]: M[K] extends RequestDef ? K : never }[keyof M]
type EventKeys<M> = { [K in keyof M]: M[K] extends EventDef ? K : never }[keyof M]

export type RequestType = RequestKeys<Messages> & string
export type EventType = EventKeys<Messages> & string
/** What a client sends for request type T (defaults applied server-side may be omitted). */
export type RequestPayload<T extends RequestType> =
  Messages[T] extends RequestDef<infer Q, z.ZodType> ? z.input<Q> : never
/** What the server handler receives for request type T, after validation and defaults. */
export type ParsedRequest<T extends RequestType> =
  Messages[T] extends RequestDef<infer Q, z.ZodType> ? z.output<Q> : never
export type ResponsePayload<T extends RequestType> =
  Messages[T] extends RequestDef<z.ZodType, infer R> ? z.output<R> : never
export type EventPayload<T extends EventType> = Messages[T] extends EventDef<infer P> ? z.output<P> : never
export * from './schemas.ts'
