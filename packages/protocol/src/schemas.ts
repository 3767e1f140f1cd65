import { z } from 'zod'
import { DEFAULT_MAX_BYTES, type MessageDef } from './messages/define.ts'

export interface PublishedMessage {
  type: string
  kind: 'request' | 'event'
  description: string
  limits?: { maxBytes: number; rate?: { perMs: number; burst: number } }
  request?: unknown
  response?: unknown
  payload?: unknown
}

/** JSON Schema (draft 2020-12) of every message, for clients in other languages. Served at /protocol.json. */
export function publishSchemas(messages: Readonly<Record<string, MessageDef>>): PublishedMessage[] {
  const out: PublishedMessage[] = []
  for (const [type, def] of Object.entries(messages)) {
    if (def.kind === 'request') {
      out.push({
        type,
        kind: 'request',
        description: def.description,
        limits: {
          maxBytes: def.limits.maxBytes ?? DEFAULT_MAX_BYTES,
          ...(def.limits.rate ? { rate: def.limits.rate } : {}),
        },
        request: z.toJSONSchema(def.request, { io: 'input', unrepresentable: 'any' }),
        response: z.toJSONSchema(def.response, { unrepresentable: 'any' }),
      })
    } else {
      out.push({
        type,
        kind: 'event',
        description: def.description,
        payload: z.toJSONSchema(def.payload, { unrepresentable: 'any' }),
      })
    }
  }
  return out
}
