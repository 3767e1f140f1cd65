import type { ChatMessage, UserRef } from '@tavern/protocol'
import { defineModule, type ModuleContext, type Rejection, reject, type Session } from '@tavern/server'
import { type ChannelOptions, Channels, roleAtLeast } from './channels.ts'
import { type ChatConfig, chatConfig } from './config.ts'
import { messageId } from './ids.ts'
import { ChatStore, chatMigrations } from './store.ts'

/** What other modules may do with chat: open room channels, put sessions in them, post as the system. */
export interface ChatApi {
  openChannel(name: string, opts?: ChannelOptions): void
  closeChannel(name: string): Promise<void>
  join(name: string, session: Session): Promise<void>
  leave(name: string, session: Session): Promise<void>
  members(name: string): Promise<Array<UserRef & { since: number }>>
  /** Posts on behalf of a user (checks nothing but length) or of the system; returns the stored message. */
  post(name: string, from: UserRef, text: string): Promise<ChatMessage>
}

declare module '@tavern/server' {
  interface ModuleApis {
    chat: ChatApi
  }
}

const GLOBAL = 'global'
const ANNOUNCEMENTS = 'announcements'

/** Direct-message history lives in a channel named after both user ids, so either side can page it. */
function dmChannel(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`
}

class ChatService implements ChatApi {
  readonly channels: Channels
  readonly store: ChatStore

  constructor(private readonly ctx: ModuleContext<ChatConfig>) {
    this.channels = new Channels(ctx.hot, ctx.bus, ctx.sessions)
    this.store = new ChatStore(ctx.state, ctx.sql)
    const cfg = ctx.config
    this.channels.open(
      GLOBAL,
      { postRole: cfg.globalPostRole, maxLength: cfg.globalMaxLength, presence: cfg.globalPresence },
      { maxLength: cfg.globalMaxLength },
    )
    this.channels.open(
      ANNOUNCEMENTS,
      { postRole: cfg.announcementsPostRole, presence: false },
      { maxLength: 2000 },
    )
  }

  openChannel(name: string, opts: ChannelOptions = {}): void {
    this.channels.open(name, opts, { maxLength: this.ctx.config.roomMaxLength })
  }
  closeChannel(name: string): Promise<void> {
    return this.channels.close(name)
  }
  join(name: string, session: Session): Promise<void> {
    return this.channels.join(name, session, this.ctx.clock.now())
  }
  leave(name: string, session: Session): Promise<void> {
    return this.channels.leave(name, session, 'left')
  }
  members(name: string) {
    return this.channels.members(name)
  }

  async post(channel: string, from: UserRef, text: string): Promise<ChatMessage> {
    const at = this.ctx.clock.now()
    const message: ChatMessage = { id: messageId(at), channel, from, text, at }
    await this.store.append(message)
    await this.channels.publishMessage(message)
    return message
  }

  /** Trims and checks a text against a length limit. */
  checkText(text: string, maxLength: number): string | Rejection {
    const trimmed = text.trim()
    if (trimmed.length === 0) return reject('chat.empty')
    if ([...trimmed].length > maxLength) {
      return reject('chat.too_long', {
        message: `Messages here are at most ${maxLength} characters`,
        details: { maxLength },
      })
    }
    return trimmed
  }

  async checkMuted(userId: string): Promise<Rejection | null> {
    const until = await this.ctx.use('accounts').isMuted(userId)
    if (until === null) return null
    return reject('chat.muted', {
      retryAfterMs: Math.max(0, until - this.ctx.clock.now()),
      details: { until },
    })
  }

  /** Whether a session may read a channel's history. */
  canRead(channel: string, session: Session): boolean {
    if (channel.startsWith('dm:')) return channel.split(':').slice(1).includes(session.user.userId)
    return channel === GLOBAL || channel === ANNOUNCEMENTS || this.channels.isMember(channel, session)
  }
}

/** Chat and presence: global and announcement channels, room channels other modules open, direct messages. */
export const chatModule = defineModule<ChatConfig, ChatApi>({
  name: 'chat',
  dependsOn: ['accounts'],
  config: chatConfig,
  migrations: chatMigrations,
  api: (ctx) => new ChatService(ctx),
  messages: (ctx, api) => {
    const chat = api as ChatService
    return {
      'chat.send': async ({ session, payload }) => {
        const spec = chat.channels.spec(payload.channel)
        if (!spec) return reject('chat.channel_not_found')
        if (!chat.channels.isMember(payload.channel, session)) return reject('chat.not_member')
        if (!roleAtLeast(session.user.role, spec.postRole)) return reject('chat.forbidden')
        const text = chat.checkText(payload.text, spec.maxLength)
        if (typeof text !== 'string') return text
        const muted = await chat.checkMuted(session.user.userId)
        if (muted) return muted
        const m = await chat.post(payload.channel, session.user, text)
        return { id: m.id, at: m.at }
      },
      'chat.dm': async ({ session, payload }) => {
        const text = chat.checkText(payload.text, ctx.config.directMaxLength)
        if (typeof text !== 'string') return text
        const muted = await chat.checkMuted(session.user.userId)
        if (muted) return muted
        const to = await ctx.use('accounts').findByUsername(payload.to)
        if (!to) return reject('auth.user_not_found')
        if (to.userId === session.user.userId) return reject('chat.recipient_self')
        if (!(await ctx.sessions.isOnline(to.userId))) return reject('chat.recipient_offline')
        const at = ctx.clock.now()
        const recipient: UserRef = { userId: to.userId, username: to.username, role: to.role }
        const dm = { id: messageId(at), from: session.user, to: recipient, text, at }
        await chat.store.append({
          id: dm.id,
          channel: dmChannel(session.user.userId, to.userId),
          from: dm.from,
          text,
          at,
        })
        await ctx.sessions.sendToUser(to.userId, 'chat.direct', dm)
        session.send('chat.direct', dm)
        return { id: dm.id, at }
      },
      'chat.history': async ({ session, payload }) => {
        if (!chat.canRead(payload.channel, session)) return reject('chat.not_member')
        const messages = await chat.store.page(payload.channel, payload.before, payload.limit)
        const last = messages.at(-1)
        return { messages, nextBefore: messages.length === payload.limit && last ? last.id : null }
      },
      'chat.channels': ({ session }) => ({ channels: chat.channels.channelsOf(session) }),
      'presence.list': async ({ session, payload }) => {
        if (!chat.channels.isMember(payload.channel, session)) return reject('chat.not_member')
        return { channel: payload.channel, users: await chat.channels.members(payload.channel) }
      },
    }
  },
  sessions: (ctx, api) => {
    const chat = api as ChatService
    return {
      onSessionStart: async (session) => {
        await chat.channels.join(GLOBAL, session, ctx.clock.now())
        await chat.channels.join(ANNOUNCEMENTS, session, ctx.clock.now())
      },
      onSessionEnd: (session, reason) =>
        chat.channels.leaveAll(
          session,
          reason === 'kicked' || reason === 'banned' ? 'kicked' : 'disconnected',
        ),
    }
  },
})
