import { event, request } from '@tavern/protocol'
import { defineModule, type Session } from '@tavern/server'
import { z } from 'zod'

const room = z.string().min(1).max(64)
const shout = z.object({ room, t: z.number(), body: z.string().max(512).optional() })

/** A module for the gateway benchmark: echo, and room fan-out through the session broadcast path. */
export const benchModule = defineModule({
  name: 'bench',
  protocol: {
    'bench.echo': request({
      description: 'Echo',
      request: z.object({ t: z.number(), body: z.string().max(512).optional() }),
      response: z.unknown(),
    }),
    'bench.join': request({
      description: 'Join a room',
      request: z.object({ room }),
      response: z.object({}),
    }),
    'bench.shout': request({ description: 'Send to a room', request: shout, response: z.object({}) }),
    'bench.heard': event({ description: 'A room message', payload: shout }),
  },
  messages: (ctx) => {
    const rooms = new Map<string, Set<Session>>()
    return {
      ['bench.echo' as never]: ({ payload }: { payload: unknown }) => payload,
      ['bench.join' as never]: ({ session, payload }: { session: Session; payload: { room: string } }) => {
        let r = rooms.get(payload.room)
        if (!r) rooms.set(payload.room, (r = new Set()))
        r.add(session)
        return {}
      },
      ['bench.shout' as never]: ({ payload }: { payload: { room: string } }) => {
        ctx.sessions.broadcast(rooms.get(payload.room) ?? [], 'bench.heard' as never, payload as never)
        return {}
      },
    }
  },
})
