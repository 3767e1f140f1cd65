import { z } from 'zod'
import { userRef } from './core.ts'
import { event, request } from './define.ts'

/** Channel names: `global`, `announcements`, or module rooms like `table:abc123` / `world:town`. */
export const channelName = z
  .string()
  .min(1)
  .max(96)
  .regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'lower-case letters, digits and _ . : -')

export const chatMessage = z.object({
  id: z.string(),
  channel: z.string(),
  from: userRef,
  text: z.string(),
  at: z.number(),
})
export type ChatMessage = z.infer<typeof chatMessage>

export const directMessage = z.object({
  id: z.string(),
  from: userRef,
  to: userRef,
  text: z.string(),
  at: z.number(),
})
export type DirectMessage = z.infer<typeof directMessage>

const presenceUser = userRef.extend({ since: z.number() })

export const chatMessages = {
  'chat.send': request({
    description:
      'Post in a channel you are a member of. Empty (after trimming) and over-long texts are rejected.',
    request: z.object({ channel: channelName, text: z.string().max(4000) }),
    response: z.object({ id: z.string(), at: z.number() }),
    limits: { maxBytes: 8192, rate: { perMs: 1000, burst: 3 } },
  }),
  'chat.dm': request({
    description: 'Send a direct message to an online user, by username.',
    request: z.object({ to: z.string().min(1).max(50), text: z.string().max(4000) }),
    response: z.object({ id: z.string(), at: z.number() }),
    limits: { maxBytes: 8192, rate: { perMs: 500, burst: 4 } },
  }),
  'chat.history': request({
    description: 'Page backwards through a channel you can read: newest first, `before` a message id.',
    request: z.object({
      channel: channelName,
      before: z.string().max(40).optional(),
      limit: z.number().int().min(1).max(100).default(50),
    }),
    response: z.object({ messages: z.array(chatMessage), nextBefore: z.string().nullable() }),
    limits: { maxBytes: 512, rate: { perMs: 250, burst: 8 } },
  }),
  'chat.channels': request({
    description: 'The channels this session is a member of.',
    request: z.object({}),
    response: z.object({
      channels: z.array(z.object({ name: z.string(), canPost: z.boolean(), maxLength: z.number() })),
    }),
    limits: { maxBytes: 64, rate: { perMs: 500, burst: 4 } },
  }),
  'presence.list': request({
    description: 'Who is online in a channel you are a member of.',
    request: z.object({ channel: channelName }),
    response: z.object({ channel: z.string(), users: z.array(presenceUser) }),
    limits: { maxBytes: 256, rate: { perMs: 250, burst: 8 } },
  }),
  'chat.message': event({
    description: 'A message posted in a channel you are a member of.',
    payload: chatMessage,
  }),
  'chat.direct': event({
    description: 'A direct message to you (or a copy of one you sent, to your other devices).',
    payload: directMessage,
  }),
  'presence.joined': event({
    description: 'A user came online in a channel you are a member of.',
    payload: z.object({ channel: z.string(), user: presenceUser }),
  }),
  'presence.left': event({
    description: 'A user left a channel you are a member of (left, disconnected, kicked).',
    payload: z.object({
      channel: z.string(),
      user: userRef,
      reason: z.enum(['left', 'disconnected', 'kicked']),
    }),
  }),
  'chat.channel_opened': event({
    description: 'You were added to a channel (a module opened a room channel for you).',
    payload: z.object({ name: z.string(), canPost: z.boolean(), maxLength: z.number() }),
  }),
  'chat.channel_closed': event({
    description: 'You were removed from a channel, or it was closed.',
    payload: z.object({ name: z.string() }),
  }),
} as const
