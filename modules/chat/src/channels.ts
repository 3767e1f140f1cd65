import type { ChatMessage, Role, UserRef } from '@tavern/protocol'
import type { Bus, HotStore, Session, Sessions } from '@tavern/server'

export interface ChannelOptions {
  /** Lowest role allowed to post (default player). */
  postRole?: Role
  maxLength?: number
  /** Whether members receive presence.joined / presence.left (default true). */
  presence?: boolean
}

interface ChannelSpec {
  postRole: Role
  maxLength: number
  presence: boolean
}

type Wire =
  | { kind: 'message'; message: ChatMessage }
  | { kind: 'joined'; user: UserRef & { since: number } }
  | { kind: 'left'; user: UserRef; reason: 'left' | 'disconnected' | 'kicked' }
  | { kind: 'closed' }

const rank: Record<Role, number> = { player: 0, moderator: 1, admin: 2 }

/** Whether `role` is at least `min`. */
export function roleAtLeast(role: Role, min: Role): boolean {
  return rank[role] >= rank[min]
}

/**
 * Channels and their members. Membership of this process's sessions is kept here; the member list of every
 * process is a hash in the hot store; messages and presence cross processes on one bus channel per chat channel.
 */
export class Channels {
  private readonly specs = new Map<string, ChannelSpec>()
  private readonly local = new Map<string, Map<string, Session>>()
  private readonly subscriptions = new Map<string, Promise<() => Promise<void>>>()

  constructor(
    private readonly hot: HotStore,
    private readonly bus: Bus,
    private readonly sessions: Sessions,
  ) {}

  open(name: string, opts: ChannelOptions, defaults: { maxLength: number }): void {
    this.specs.set(name, {
      postRole: opts.postRole ?? 'player',
      maxLength: opts.maxLength ?? defaults.maxLength,
      presence: opts.presence ?? true,
    })
  }

  spec(name: string): ChannelSpec | undefined {
    return this.specs.get(name)
  }

  isMember(name: string, session: Session): boolean {
    return this.local.get(name)?.get(session.user.userId) === session
  }

  /** Channels a session belongs to, with what it may do there. */
  channelsOf(session: Session): Array<{ name: string; canPost: boolean; maxLength: number }> {
    const out = []
    for (const [name, members] of this.local) {
      const spec = this.specs.get(name)
      if (spec && members.get(session.user.userId) === session) {
        out.push({ name, canPost: roleAtLeast(session.user.role, spec.postRole), maxLength: spec.maxLength })
      }
    }
    return out
  }

  async join(name: string, session: Session, now: number): Promise<void> {
    const spec = this.specs.get(name)
    if (!spec) throw new Error(`channel ${name} is not open`)
    let members = this.local.get(name)
    if (!members) {
      members = new Map()
      this.local.set(name, members)
    }
    members.set(session.user.userId, session)
    await this.subscribe(name)
    const user = { ...session.user, since: now }
    await this.hot.hset(this.membersKey(name), { [session.user.userId]: JSON.stringify(user) })
    session.send('chat.channel_opened', {
      name,
      canPost: roleAtLeast(session.user.role, spec.postRole),
      maxLength: spec.maxLength,
    })
    if (spec.presence) await this.publish(name, { kind: 'joined', user })
  }

  async leave(name: string, session: Session, reason: 'left' | 'disconnected' | 'kicked'): Promise<void> {
    const members = this.local.get(name)
    if (!members || members.get(session.user.userId) !== session) return
    members.delete(session.user.userId)
    await this.hot.hdel(this.membersKey(name), session.user.userId)
    if (reason === 'left') session.send('chat.channel_closed', { name })
    if (this.specs.get(name)?.presence) await this.publish(name, { kind: 'left', user: session.user, reason })
    if (members.size === 0) await this.unsubscribe(name)
  }

  /** Leaves every channel (session end). */
  async leaveAll(session: Session, reason: 'disconnected' | 'kicked'): Promise<void> {
    for (const name of [...this.local.keys()]) await this.leave(name, session, reason)
  }

  async close(name: string): Promise<void> {
    await this.publish(name, { kind: 'closed' })
    await this.hot.del(this.membersKey(name))
    this.specs.delete(name)
  }

  /** Members on every process. */
  async members(name: string): Promise<Array<UserRef & { since: number }>> {
    const all = await this.hot.hgetall(this.membersKey(name))
    return Object.values(all)
      .map((v) => JSON.parse(v) as UserRef & { since: number })
      .sort((a, b) => a.since - b.since)
  }

  publishMessage(message: ChatMessage): Promise<void> {
    return this.publish(message.channel, { kind: 'message', message })
  }

  private deliver(name: string, wire: Wire): void {
    const members = this.local.get(name)
    if (!members || members.size === 0) return
    const targets = members.values()
    if (wire.kind === 'message') this.sessions.broadcast(targets, 'chat.message', wire.message)
    else if (wire.kind === 'joined')
      this.sessions.broadcast(targets, 'presence.joined', { channel: name, user: wire.user })
    else if (wire.kind === 'left')
      this.sessions.broadcast(targets, 'presence.left', {
        channel: name,
        user: wire.user,
        reason: wire.reason,
      })
    else {
      this.sessions.broadcast(targets, 'chat.channel_closed', { name })
      this.local.delete(name)
      this.specs.delete(name)
      void this.unsubscribe(name)
    }
  }

  private async subscribe(name: string): Promise<void> {
    if (!this.subscriptions.has(name)) {
      this.subscriptions.set(
        name,
        this.bus.subscribe(this.busChannel(name), (m) => this.deliver(name, m as Wire)),
      )
    }
    await this.subscriptions.get(name)
  }

  private async unsubscribe(name: string): Promise<void> {
    const sub = this.subscriptions.get(name)
    if (!sub) return
    this.subscriptions.delete(name)
    await (await sub)()
  }

  private publish(name: string, wire: Wire): Promise<void> {
    return this.bus.publish(this.busChannel(name), wire)
  }

  private busChannel(name: string): string {
    return `chat:${name}`
  }

  private membersKey(name: string): string {
    return `chat:members:${name}`
  }
}
