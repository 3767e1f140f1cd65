import { z } from 'zod'
import { event, request } from './define.ts'

export const role = z.enum(['player', 'moderator', 'admin'])
export type Role = z.infer<typeof role>

export const userRef = z.object({ userId: z.string(), username: z.string(), role })
export type UserRef = z.infer<typeof userRef>

export const coreMessages = {
  auth: request({
    description:
      'First frame of every connection. Authenticates with an access token; with `resume`, takes over a session ' +
      'that dropped within the grace window and replays the events after `lastSeq`.',
    request: z.object({
      token: z.string().min(1).max(4096),
      resume: z.object({ sessionId: z.string().max(64), lastSeq: z.number().int().min(0) }).optional(),
    }),
    response: z.object({
      sessionId: z.string(),
      resumed: z.boolean(),
      /** Number of events replayed after this reply (they follow it, in order). */
      replayed: z.number().int(),
      user: userRef,
      serverTime: z.number(),
      heartbeatMs: z.number(),
      protocolVersion: z.number(),
    }),
    limits: { maxBytes: 8192, rate: { perMs: 1000, burst: 3 } },
  }),
  ping: request({
    description: 'Round trip check. Replies with the server clock.',
    request: z.object({ clientTime: z.number().optional() }),
    response: z.object({ clientTime: z.number().optional(), serverTime: z.number() }),
    limits: { maxBytes: 128, rate: { perMs: 200, burst: 10 } },
  }),
  'server.shutdown': event({
    description:
      'The server is going away; reconnect after `reconnectAfterMs` (possibly to another process).',
    payload: z.object({ reason: z.string(), reconnectAfterMs: z.number() }),
  }),
  'session.resync': event({
    description:
      'Sent after `auth` when a resume was asked for but could not be honoured (session expired or events no ' +
      'longer buffered): the client must refetch whatever state it shows.',
    payload: z.object({ reason: z.enum(['unknown_session', 'gap_too_large', 'other_user']) }),
  }),
} as const
